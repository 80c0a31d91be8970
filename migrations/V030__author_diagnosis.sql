-- Account diagnosis (账号诊断) from fetch_author_diagnosis: one row per account × data day × dimension, loaded once a
-- day after the creator center publishes yesterday's numbers at 12:00 Beijing time; plus the dimensions' label table.

CREATE TABLE douyin.diagnosis_dimension_label (
    dimension      text PRIMARY KEY,
    name_zh        text NOT NULL,
    name_en        text NOT NULL,
    own_value_unit text NOT NULL,
    description    text NOT NULL
);

COMMENT ON TABLE douyin.diagnosis_dimension_label IS 'Labels of the account diagnosis dimensions (诊断维度), as fetch_author_diagnosis names them. Static.';
COMMENT ON COLUMN douyin.diagnosis_dimension_label.dimension IS 'Dimension code as served (Interact, NewFans, PlayCnt, PlayFinishRatio, PublishActivation).';
COMMENT ON COLUMN douyin.diagnosis_dimension_label.name_zh IS 'Chinese name shown in the creator center (中文名称).';
COMMENT ON COLUMN douyin.diagnosis_dimension_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.diagnosis_dimension_label.own_value_unit IS 'Unit of own_value and similar_value for this dimension.';
COMMENT ON COLUMN douyin.diagnosis_dimension_label.description IS 'What the dimension measures, from TikHub''s documentation.';

INSERT INTO douyin.diagnosis_dimension_label (dimension, name_zh, name_en, own_value_unit, description) VALUES
    ('Interact', '互动指数', 'Engagement index', 'score', 'Combined score of views, likes, comments and shares over the last 7 days.'),
    ('NewFans', '粉丝净增量', 'Net new followers', 'followers', 'Followers gained minus followers lost over the last 7 days; may be negative.'),
    ('PlayCnt', '视频播放量', 'Video views', 'views', 'Times the account''s works were viewed over the last 7 days.'),
    ('PlayFinishRatio', '视频完播率', 'Video completion rate', 'fraction 0–1', 'Share of views watched to the end over the last 7 days.'),
    ('PublishActivation', '投稿活跃度', 'Publishing activity', 'works', 'Works published over the last 7 days.');

CREATE TABLE douyin.author_diagnosis (
    account_id     text        NOT NULL REFERENCES douyin.account (account_id),
    data_day       date        NOT NULL,
    dimension      text        NOT NULL,
    own_value      numeric,
    similar_count  bigint,
    author_rank    numeric,
    similar_rank   numeric,
    similar_value  numeric,
    served         jsonb       NOT NULL,
    captured_at    timestamptz NOT NULL,
    source_call_id bigint,
    PRIMARY KEY (account_id, data_day, dimension)
);
CREATE INDEX author_diagnosis_day_idx ON douyin.author_diagnosis (data_day);

COMMENT ON TABLE douyin.author_diagnosis IS 'Account diagnosis (账号诊断): the account against its own history and against similar creators, per dimension, over the 7 days ending on data_day. Source: fetch_author_diagnosis. One call per account and day, after 12:00 Beijing time; a day is never fetched twice.';
COMMENT ON COLUMN douyin.author_diagnosis.account_id IS 'Account diagnosed.';
COMMENT ON COLUMN douyin.author_diagnosis.data_day IS 'Last day (Asia/Shanghai) of the 7-day period the values describe (数据日期). Decided from the call time: the creator center publishes yesterday''s diagnosis at 12:00 Beijing time, so a call from 12:00 on is yesterday''s, a call before is the day before yesterday''s.';
COMMENT ON COLUMN douyin.author_diagnosis.dimension IS 'Dimension code (诊断维度); see douyin.diagnosis_dimension_label. Codes without a label are new upstream dimensions, landed as served.';
COMMENT ON COLUMN douyin.author_diagnosis.own_value IS 'The account''s own value (OwnValue, 本账号数值); unit per dimension (label table).';
COMMENT ON COLUMN douyin.author_diagnosis.similar_count IS 'Number of similar creators compared with (SimilarCount, 同类创作者数); TikHub''s documented shape omits it for some dimensions.';
COMMENT ON COLUMN douyin.author_diagnosis.author_rank IS 'Percentile against the account''s own history (AuthorRank, 0–1; 0.26 = better than 26% of its past periods).';
COMMENT ON COLUMN douyin.author_diagnosis.similar_rank IS 'Percentile among similar creators (SimilarRank, 0–1; 0.52 = ahead of 52% of them).';
COMMENT ON COLUMN douyin.author_diagnosis.similar_value IS 'Average value of similar creators (SimilarValue, 同类均值); same unit as own_value; sometimes omitted upstream.';
COMMENT ON COLUMN douyin.author_diagnosis.served IS 'The dimension''s object exactly as served, including fields without a column.';
COMMENT ON COLUMN douyin.author_diagnosis.captured_at IS 'Time of the call the values came from (UTC).';
COMMENT ON COLUMN douyin.author_diagnosis.source_call_id IS 'Landed call (raw.api_call) the values came from.';
