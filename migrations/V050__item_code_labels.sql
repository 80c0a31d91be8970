-- V050: label tables for the codes douyin.item carries (creator_type, review_status), so analysts and Metabase show
-- 图文 / 1-3分钟视频 / 仅好友可见 instead of bare numbers. The codes are the creator center's own (fetch_item_list),
-- which number content types differently from TikHub's `genres` filters: the item-analysis label table owns those.

CREATE TABLE douyin.creator_type_label (
    creator_type integer PRIMARY KEY,
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    is_video     boolean NOT NULL
);

COMMENT ON TABLE douyin.creator_type_label IS 'Names of the creator center''s per-item content type codes (作品类型), for douyin.item.creator_type. Source: fetch_item_list `type` field as documented by the creator center; fixed list maintained in migrations.';
COMMENT ON COLUMN douyin.creator_type_label.creator_type IS 'Code as stored in douyin.item.creator_type (作品类型代码).';
COMMENT ON COLUMN douyin.creator_type_label.name_zh IS 'Chinese name as the creator center shows it (中文名称).';
COMMENT ON COLUMN douyin.creator_type_label.name_en IS 'English name (英文名称).';
COMMENT ON COLUMN douyin.creator_type_label.is_video IS 'True for videos (视频), false for image posts and long articles (图文/长图文).';

INSERT INTO douyin.creator_type_label (creator_type, name_zh, name_en, is_video) VALUES
    (1, '图文',          'Image post',              false),
    (2, '1分钟以内视频', 'Video under 1 minute',    true),
    (3, '1-3分钟视频',   'Video 1–3 minutes',       true),
    (4, '3-5分钟视频',   'Video 3–5 minutes',       true),
    (5, '5分钟以上视频', 'Video over 5 minutes',    true),
    (8, '长图文',        'Long article',            false);

CREATE TABLE douyin.review_status_label (
    review_status integer PRIMARY KEY,
    name_zh       text NOT NULL,
    name_en       text NOT NULL
);

COMMENT ON TABLE douyin.review_status_label IS 'Names of the review status codes (审核状态), for douyin.item.review_status. Source: fetch_item_list `review.status`; fixed list maintained in migrations.';
COMMENT ON COLUMN douyin.review_status_label.review_status IS 'Code as stored in douyin.item.review_status (审核状态代码).';
COMMENT ON COLUMN douyin.review_status_label.name_zh IS 'Chinese name as the creator center shows it (中文名称).';
COMMENT ON COLUMN douyin.review_status_label.name_en IS 'English name (英文名称).';

INSERT INTO douyin.review_status_label (review_status, name_zh, name_en) VALUES
    (1, '审核中',       'Under review'),
    (2, '作品状态正常', 'Normal'),
    (5, '需优化',       'Needs improvement'),
    (6, '仅好友可见',   'Friends only');
