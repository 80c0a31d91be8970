-- V010: per-item analytics, the seven item endpoints of the creator center (作品分析). Each table is one snapshot a
-- day ("item × Asia/Shanghai day × …"): a work is re-fetched on a refresh policy that follows its age, and a
-- second fetch the same day replaces that day's rows. Sections whose real shape is not fully known are kept as
-- jsonb next to typed key values. etl.item_refresh is the scheduling bookkeeping: one row per work × endpoint, written
-- in the same transaction as the rows it vouches for, so "what is due" is one indexed query.

-- ---------------------------------------------------------------------------------------------------------------
-- etl: what was fetched when, and when it is due again
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE etl.item_refresh (
    item_id          text        NOT NULL,
    endpoint         text        NOT NULL,
    variant          text        NOT NULL DEFAULT '',
    account_id       text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('ok', 'no_data_yet', 'failed')),
    first_fetched_at timestamptz NOT NULL,
    last_fetched_at  timestamptz NOT NULL,
    last_ok_at       timestamptz,
    next_due_at      timestamptz,
    fetches          integer     NOT NULL DEFAULT 1,
    failures         integer     NOT NULL DEFAULT 0,
    last_call_id     bigint,
    run_id           bigint      NOT NULL,
    PRIMARY KEY (item_id, endpoint, variant)
);
CREATE INDEX item_refresh_due_idx ON etl.item_refresh (next_due_at) WHERE next_due_at IS NOT NULL;

COMMENT ON TABLE etl.item_refresh IS 'Refresh bookkeeping of the per-item analytics (作品分析刷新记录): one row per work × endpoint (× analysis type), written with the unit''s rows in one transaction. A work × endpoint without a row has never been fetched.';
COMMENT ON COLUMN etl.item_refresh.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN etl.item_refresh.endpoint IS 'TikHub operation, e.g. fetch_item_play_source.';
COMMENT ON COLUMN etl.item_refresh.variant IS 'Sub-unit of the endpoint: the analysis_type (1, 2, 7) for fetch_item_watch_trend, empty otherwise.';
COMMENT ON COLUMN etl.item_refresh.account_id IS 'Account that owns the work (its cookie is used).';
COMMENT ON COLUMN etl.item_refresh.status IS 'Last answer: ok; no_data_yet (inner status 10001, too few plays: retried on the refresh schedule, not a failure); failed (billed answer that could not be used: inner error, item missing, unreadable payload; retried after a back-off).';
COMMENT ON COLUMN etl.item_refresh.first_fetched_at IS 'First landed answer for this work × endpoint (UTC).';
COMMENT ON COLUMN etl.item_refresh.last_fetched_at IS 'Last landed answer, whatever its status (UTC).';
COMMENT ON COLUMN etl.item_refresh.last_ok_at IS 'Last answer with data (status ok) (UTC).';
COMMENT ON COLUMN etl.item_refresh.next_due_at IS 'When the next run may fetch it again (UTC); null = never again (the work is past the creator center''s 90-day horizon).';
COMMENT ON COLUMN etl.item_refresh.fetches IS 'Answers landed (and billed) for this work × endpoint so far.';
COMMENT ON COLUMN etl.item_refresh.failures IS 'Consecutive failed answers; drives the back-off; 0 after a good one.';
COMMENT ON COLUMN etl.item_refresh.last_call_id IS 'Landed call (raw.api_call) of the last answer.';
COMMENT ON COLUMN etl.item_refresh.run_id IS 'Run that made the last change.';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: which analytics were fetched for which day
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_analysis_fetch (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    endpoint       text        NOT NULL,
    variant        text        NOT NULL DEFAULT '',
    account_id     text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('ok', 'no_data_yet')),
    row_count      integer     NOT NULL,
    fetched_at     timestamptz NOT NULL,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, endpoint, variant)
);
CREATE INDEX item_analysis_fetch_account_day_idx ON douyin.item_analysis_fetch (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_analysis_fetch IS 'Which per-item analytics were fetched for which day (作品分析抓取记录), so "no rows" can be told apart from "not fetched". Source: all seven item endpoints. One row per work × day × endpoint, written with the data.';
COMMENT ON COLUMN douyin.item_analysis_fetch.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_analysis_fetch.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期, 北京时间).';
COMMENT ON COLUMN douyin.item_analysis_fetch.endpoint IS 'TikHub operation, e.g. fetch_item_audience_portrait.';
COMMENT ON COLUMN douyin.item_analysis_fetch.variant IS 'analysis_type (1 留存, 2 点赞, 7 跳出) for fetch_item_watch_trend, empty otherwise.';
COMMENT ON COLUMN douyin.item_analysis_fetch.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_analysis_fetch.status IS 'ok, or no_data_yet (暂无数据: the creator center answered 10001, too few plays; the work is asked again later).';
COMMENT ON COLUMN douyin.item_analysis_fetch.row_count IS 'Rows the answer gave in the endpoint''s tables; 0 with status ok means the creator center had nothing to show (e.g. no bullets, no search words).';
COMMENT ON COLUMN douyin.item_analysis_fetch.fetched_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_analysis_fetch.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_overview_data (作品总览, creator center item/mget)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_overview (
    item_id              text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day         date        NOT NULL,
    account_id           text        NOT NULL,
    captured_at          timestamptz NOT NULL,
    view_count           bigint,
    like_count           bigint,
    comment_count        bigint,
    share_count          bigint,
    favorite_count       bigint,
    subscribe_count      bigint,
    unsubscribe_count    bigint,
    danmaku_count        bigint,
    completion_rate      numeric,
    completion_rate_5s   numeric,
    bounce_rate_2s       numeric,
    cover_click_rate     numeric,
    avg_view_second      numeric,
    avg_view_proportion  numeric,
    fan_view_proportion  numeric,
    review_status        integer,
    dou_plus_view_count  bigint,
    incentive_play_count bigint,
    vv_boost_total       bigint,
    content_quality      integer,
    subsidy_vv           bigint,
    subsidy_income       numeric,
    metrics              jsonb,
    review               jsonb,
    play_info            jsonb,
    dou_plus             jsonb,
    integrated_incentive jsonb,
    incentive_life       jsonb,
    content_analysis     jsonb,
    source_call_id       bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day)
);
CREATE INDEX item_overview_account_day_idx ON douyin.item_overview (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_overview IS 'Work overview (作品总览): cumulative metrics and the review, DOU+, incentive and content-analysis sections, one row per work and Asia/Shanghai day. Source: fetch_item_overview_data (many works per call). Refreshed on the per-item policy (daily for young works). Each section is also kept whole as jsonb.';
COMMENT ON COLUMN douyin.item_overview.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_overview.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期); a second fetch the same day replaces the row.';
COMMENT ON COLUMN douyin.item_overview.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_overview.captured_at IS 'Time of the call the values came from (UTC).';
COMMENT ON COLUMN douyin.item_overview.view_count IS 'Views, cumulative (播放量); metrics.view_count or play_count. Real time.';
COMMENT ON COLUMN douyin.item_overview.like_count IS 'Likes, cumulative (点赞量); like_count or digg_count. Real time.';
COMMENT ON COLUMN douyin.item_overview.comment_count IS 'Comments, cumulative (评论量). Real time.';
COMMENT ON COLUMN douyin.item_overview.share_count IS 'Shares, cumulative (分享量). Real time.';
COMMENT ON COLUMN douyin.item_overview.favorite_count IS 'Favorites, cumulative (收藏量); favorite_count or collect_count. Real time.';
COMMENT ON COLUMN douyin.item_overview.subscribe_count IS 'Followers gained through the work (涨粉量). Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.unsubscribe_count IS 'Followers lost after watching (脱粉量). Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.danmaku_count IS 'Bullet comments, cumulative (弹幕量). Upstream updates daily at 12:00 Beijing.';
COMMENT ON COLUMN douyin.item_overview.completion_rate IS 'Completion rate (完播率), fraction 0–1; null before the first view ("-"). Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.bounce_rate_2s IS '2-second bounce rate (2s跳出率; image posts: 划走率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.cover_click_rate IS 'Cover click-through rate (封面点击率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.avg_view_second IS 'Average view duration (平均播放时长) in seconds. Hourly upstream.';
COMMENT ON COLUMN douyin.item_overview.avg_view_proportion IS 'Average share of the video watched (平均播放占比), fraction 0–1.';
COMMENT ON COLUMN douyin.item_overview.fan_view_proportion IS 'Share of views by followers (粉丝播放占比), fraction 0–1.';
COMMENT ON COLUMN douyin.item_overview.review_status IS 'Review status (审核状态): 1 under review 审核中, 2 normal 正常, 5 needs work 需优化, 6 friends only 仅好友可见.';
COMMENT ON COLUMN douyin.item_overview.dou_plus_view_count IS 'Views bought through DOU+ promotion (抖+播放量), dou_plus.view_count.';
COMMENT ON COLUMN douyin.item_overview.incentive_play_count IS 'Incentive plays (激励播放量), incentive_life.incentive_play_count.';
COMMENT ON COLUMN douyin.item_overview.vv_boost_total IS 'Views added by the traffic-boost incentive (流量激励), integrated_incentive.incentive_sum_list[type=vv_boost].total.';
COMMENT ON COLUMN douyin.item_overview.content_quality IS 'Content quality mark (内容质量), content_analysis.quality: 2 = selected for Douyin Jingxuan (抖音精选).';
COMMENT ON COLUMN douyin.item_overview.subsidy_vv IS 'Subsidised views (补贴播放量), content_analysis.video_content_info.subsidy_vv.';
COMMENT ON COLUMN douyin.item_overview.subsidy_income IS 'Subsidy income (补贴收益) in CNY as served, content_analysis.video_content_info.subsidy_income.';
COMMENT ON COLUMN douyin.item_overview.metrics IS 'The metrics section exactly as served (流量指标), including metrics without a column.';
COMMENT ON COLUMN douyin.item_overview.review IS 'The review section as served (审核信息).';
COMMENT ON COLUMN douyin.item_overview.play_info IS 'The play_info section as served (播放信息); its content is undocumented.';
COMMENT ON COLUMN douyin.item_overview.dou_plus IS 'The dou_plus section as served (抖+推广).';
COMMENT ON COLUMN douyin.item_overview.integrated_incentive IS 'The integrated_incentive section as served (综合激励).';
COMMENT ON COLUMN douyin.item_overview.incentive_life IS 'The incentive_life section as served (激励生命周期).';
COMMENT ON COLUMN douyin.item_overview.content_analysis IS 'The content_analysis section as served (内容分析).';
COMMENT ON COLUMN douyin.item_overview.source_call_id IS 'Landed call (raw.api_call) the values came from.';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_play_source (流量来源)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_play_source (
    item_id            text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day       date        NOT NULL,
    app_id             integer     NOT NULL,
    source             text        NOT NULL,
    account_id         text        NOT NULL,
    captured_at        timestamptz NOT NULL,
    ratio              numeric,
    history_difference numeric,
    source_call_id     bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, app_id, source)
);
CREATE INDEX item_play_source_account_day_idx ON douyin.item_play_source (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_play_source IS 'Where a work''s plays come from (流量来源): one row per work × Asia/Shanghai day × app × source. Source: fetch_item_play_source. Refreshed on the per-item policy. A source missing on a day had no plays (or under 0.05%).';
COMMENT ON COLUMN douyin.item_play_source.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_play_source.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_play_source.app_id IS 'App the plays happened in (应用ID): 1128 Douyin 抖音, 2329 Douyin Jingxuan 抖音精选 (douyin.traffic_app_label); 0 when not served.';
COMMENT ON COLUMN douyin.item_play_source.source IS 'Traffic source code as served (渠道), e.g. homepage_hot 推荐页; names in douyin.traffic_source_label.';
COMMENT ON COLUMN douyin.item_play_source.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_play_source.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_play_source.ratio IS 'Share of the work''s plays from this source (播放占比), fraction 0–1, cumulative since publishing.';
COMMENT ON COLUMN douyin.item_play_source.history_difference IS 'Change of the share against 7 days earlier (对比7日变化), fraction; may be negative.';
COMMENT ON COLUMN douyin.item_play_source.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_search_keyword (搜索关键词)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_search_keyword (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    list           text        NOT NULL,
    keyword        text        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    search_count   bigint,
    share          numeric,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, list, keyword)
);
CREATE INDEX item_search_keyword_account_day_idx ON douyin.item_search_keyword (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_search_keyword IS 'Search words around a work (搜索关键词): one row per work × Asia/Shanghai day × list × word. Source: fetch_item_search_keyword (documented keywords[], real show_from[] and inspire_search[]). Cumulative since publishing; upstream updates daily. Refreshed on the per-item policy.';
COMMENT ON COLUMN douyin.item_search_keyword.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_search_keyword.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_search_keyword.list IS 'show_from: words users searched and then saw the work (搜索进入词; TikHub''s documented keywords[]); inspire_search: words searched after watching (看后搜). Names in douyin.search_keyword_list_label.';
COMMENT ON COLUMN douyin.item_search_keyword.keyword IS 'The search word (关键词), as served.';
COMMENT ON COLUMN douyin.item_search_keyword.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_search_keyword.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_search_keyword.search_count IS 'Searches with this word (搜索次数); only the documented shape serves it, null otherwise.';
COMMENT ON COLUMN douyin.item_search_keyword.share IS 'Share of the list''s searches (占比), fraction 0–1 (documented percentage ÷ 100; real percent as served).';
COMMENT ON COLUMN douyin.item_search_keyword.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_search_keyword_total (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    total_count    bigint      NOT NULL,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day)
);

COMMENT ON TABLE douyin.item_search_keyword_total IS 'Total searches that led to a work (搜索总次数), one row per work × Asia/Shanghai day, when served (documented total_count). Source: fetch_item_search_keyword.';
COMMENT ON COLUMN douyin.item_search_keyword_total.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_search_keyword_total.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_search_keyword_total.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_search_keyword_total.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_search_keyword_total.total_count IS 'All searches that led to the work, listed words or not (总搜索次数).';
COMMENT ON COLUMN douyin.item_search_keyword_total.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_watch_trend (观看趋势: 留存 / 点赞 / 跳出)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_watch_trend (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    analysis_type  smallint    NOT NULL,
    series         text        NOT NULL,
    second         integer     NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    value          numeric,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, analysis_type, series, second)
);
CREATE INDEX item_watch_trend_account_day_idx ON douyin.item_watch_trend (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_watch_trend IS 'How viewers behave along a video (观看趋势): one row per work × Asia/Shanghai day × analysis type × series × second. Source: fetch_item_watch_trend, types 1/2/7, videos only. Empty until the work has about 200 plays. Refreshed on the per-item policy.';
COMMENT ON COLUMN douyin.item_watch_trend.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_watch_trend.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_watch_trend.analysis_type IS 'Analysis type (分析类型): 1 retention 留存, 2 likes 点赞, 7 bounce 跳出; douyin.watch_trend_type_label.';
COMMENT ON COLUMN douyin.item_watch_trend.series IS 'current_item (this work 当前作品) or similar_author (average of similar creators 同类作者); douyin.trend_series_label.';
COMMENT ON COLUMN douyin.item_watch_trend.second IS 'Position in the video in seconds (时间点), from the served "mm:ss" / "h:mm:ss" key.';
COMMENT ON COLUMN douyin.item_watch_trend.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_watch_trend.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_watch_trend.value IS 'Ratio at that second (比例), fraction 0–1: share still watching (retention), liking (likes) or leaving (bounce).';
COMMENT ON COLUMN douyin.item_watch_trend.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_audience_portrait (观众画像)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_audience_portrait (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    dimension      text        NOT NULL,
    bucket         text        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    ratio          numeric,
    tgi            numeric,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, dimension, bucket)
);
CREATE INDEX item_audience_portrait_account_day_idx ON douyin.item_audience_portrait (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_audience_portrait IS 'Who watched a work (观众画像): one row per work × Asia/Shanghai day × dimension × bucket. Source: fetch_item_audience_portrait. A dimension served empty (e.g. career, new_user) has no rows: no data, not an error. Upstream lags 24–48 h; refreshed on the per-item policy.';
COMMENT ON COLUMN douyin.item_audience_portrait.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_audience_portrait.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_audience_portrait.dimension IS 'active 活跃度, gender 性别, province 省份, age 年龄, city_level 城市等级, career 职业, new_user 新用户; douyin.portrait_dimension_label.';
COMMENT ON COLUMN douyin.item_audience_portrait.bucket IS 'Bucket key as served (分组), e.g. male, 18-23, 浙江, "4"; names in douyin.portrait_bucket_label.';
COMMENT ON COLUMN douyin.item_audience_portrait.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_audience_portrait.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_audience_portrait.ratio IS 'Share of the work''s audience in the bucket (占比), fraction 0–1.';
COMMENT ON COLUMN douyin.item_audience_portrait.tgi IS 'Target group index (TGI): 100 = platform average, above = over-represented. Null where only ratios are served.';
COMMENT ON COLUMN douyin.item_audience_portrait.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_audience_others (观众其他: 粉丝占比, 关注词, 偏好, 常搜词)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_audience_others (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    kind           text        NOT NULL,
    key            text        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    ratio          numeric,
    query_count_7d bigint,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, kind, key)
);
CREATE INDEX item_audience_others_account_day_idx ON douyin.item_audience_others (account_id, snapshot_day);

COMMENT ON TABLE douyin.item_audience_others IS 'More about a work''s audience (观众其他数据): fan share, interest words, preferences and most searched words, one row per work × Asia/Shanghai day × kind × key. Source: fetch_item_audience_others (documented and real-world keys). Refreshed on the per-item policy.';
COMMENT ON COLUMN douyin.item_audience_others.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_audience_others.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_audience_others.kind IS 'fan_share 粉丝占比 (documented fan_list), interest_keyword 受众关注词 (documented keyword_list), preference 观众偏好 (real audience_preference), search_keyword 观众常搜词 (real audience_search_most_keywords); douyin.audience_others_kind_label.';
COMMENT ON COLUMN douyin.item_audience_others.key IS 'For fan_share: "1" followers 粉丝, "0" non-followers 非粉丝; otherwise the word or category as served.';
COMMENT ON COLUMN douyin.item_audience_others.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_audience_others.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_audience_others.ratio IS 'Share of the audience (占比), fraction 0–1; null for search_keyword.';
COMMENT ON COLUMN douyin.item_audience_others.query_count_7d IS 'Searches of the word by the audience in the last 7 days (近7日搜索次数); search_keyword only.';
COMMENT ON COLUMN douyin.item_audience_others.source_call_id IS 'Landed call (raw.api_call).';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: fetch_item_danmaku_analysis (弹幕分析)
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.item_danmaku_distribution (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    series         text        NOT NULL,
    second         integer     NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    value          numeric,
    share          numeric,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, series, second)
);

COMMENT ON TABLE douyin.item_danmaku_distribution IS 'Bullet comments along a video (弹幕分布): one row per work × Asia/Shanghai day × series × second. Source: fetch_item_danmaku_analysis (documented bullet_distribution, real current_item/similar_author). Upstream updates daily at 12:00 Beijing; refreshed on the per-item policy.';
COMMENT ON COLUMN douyin.item_danmaku_distribution.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_danmaku_distribution.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_danmaku_distribution.series IS 'current_item (this work 当前作品) or similar_author (similar creators'' average 同类作者); douyin.trend_series_label.';
COMMENT ON COLUMN douyin.item_danmaku_distribution.second IS 'Position in the video in seconds (时间点).';
COMMENT ON COLUMN douyin.item_danmaku_distribution.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_danmaku_distribution.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_danmaku_distribution.value IS 'Bullets at that second (弹幕数): a count for current_item, an average for similar_author.';
COMMENT ON COLUMN douyin.item_danmaku_distribution.share IS 'Share of the work''s bullets at that second (占比), fraction 0–1 (documented percentage ÷ 100); null when not served.';
COMMENT ON COLUMN douyin.item_danmaku_distribution.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_danmaku_hot_word (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    word           text        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    occurrences    bigint,
    sentiment      text,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day, word)
);

COMMENT ON TABLE douyin.item_danmaku_hot_word IS 'Most frequent words in a work''s bullet comments (弹幕热词), one row per work × Asia/Shanghai day × word. Source: fetch_item_danmaku_analysis (documented hot_words).';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.word IS 'The word (热词), as served.';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.occurrences IS 'Times the word occurred (出现次数).';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.sentiment IS 'positive 正面, negative 负面 or neutral 中性 as served; douyin.danmaku_sentiment_label.';
COMMENT ON COLUMN douyin.item_danmaku_hot_word.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_danmaku_total (
    item_id        text        NOT NULL REFERENCES douyin.item (item_id),
    snapshot_day   date        NOT NULL,
    account_id     text        NOT NULL,
    captured_at    timestamptz NOT NULL,
    total_count    bigint,
    peak_second    integer,
    source_call_id bigint      NOT NULL,
    PRIMARY KEY (item_id, snapshot_day)
);

COMMENT ON TABLE douyin.item_danmaku_total IS 'Bullet totals of a work (弹幕总数与高峰), one row per work × Asia/Shanghai day, when served (documented total_count, peak_time). Source: fetch_item_danmaku_analysis.';
COMMENT ON COLUMN douyin.item_danmaku_total.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_danmaku_total.snapshot_day IS 'Asia/Shanghai day of the fetch (快照日期).';
COMMENT ON COLUMN douyin.item_danmaku_total.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_danmaku_total.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_danmaku_total.total_count IS 'All bullet comments on the work (弹幕总数).';
COMMENT ON COLUMN douyin.item_danmaku_total.peak_second IS 'Second with the most bullets (弹幕高峰时间点); null when none.';
COMMENT ON COLUMN douyin.item_danmaku_total.source_call_id IS 'Landed call (raw.api_call).';
