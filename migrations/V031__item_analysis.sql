-- Content analysis (投稿分析) from fetch_item_analysis_involved_vertical, _overview and _item_performance, per account ×
-- 90-day window on a fixed grid; plus the label tables for genres and performance metric types.

CREATE TABLE douyin.genre_label (
    genre        integer PRIMARY KEY,
    name_zh      text    NOT NULL,
    name_en      text    NOT NULL,
    creator_type integer NOT NULL
);

COMMENT ON TABLE douyin.genre_label IS 'Genres (体裁) as TikHub''s analysis and export filters number them (genres / type_filters). Static.';
COMMENT ON COLUMN douyin.genre_label.genre IS 'Genre code in TikHub''s filters: 1, 2, 3, 4, 5, 8.';
COMMENT ON COLUMN douyin.genre_label.name_zh IS 'Chinese name (体裁名称).';
COMMENT ON COLUMN douyin.genre_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.genre_label.creator_type IS 'The same genre in the creator center''s own item type numbering (douyin.item.creator_type), which differs.';

INSERT INTO douyin.genre_label (genre, name_zh, name_en, creator_type) VALUES
    (1, '1分钟以内视频', 'Video under 1 minute', 2),
    (2, '1-3分钟视频', 'Video of 1–3 minutes', 3),
    (3, '3-5分钟视频', 'Video of 3–5 minutes', 4),
    (4, '5分钟以上视频', 'Video over 5 minutes', 5),
    (5, '图文', 'Image post', 1),
    (8, '长图文', 'Long image post', 8);

CREATE TABLE douyin.metric_type_label (
    metric_type integer PRIMARY KEY,
    name_zh     text NOT NULL,
    name_en     text NOT NULL
);

COMMENT ON TABLE douyin.metric_type_label IS 'Metric types of fetch_item_analysis_item_performance (指标类型). Static.';
COMMENT ON COLUMN douyin.metric_type_label.metric_type IS 'metric_type as sent: 1–4.';
COMMENT ON COLUMN douyin.metric_type_label.name_zh IS 'Chinese name.';
COMMENT ON COLUMN douyin.metric_type_label.name_en IS 'English name.';

INSERT INTO douyin.metric_type_label (metric_type, name_zh, name_en) VALUES
    (1, '播放量', 'Views'),
    (2, '点赞量', 'Likes'),
    (3, '评论量', 'Comments'),
    (4, '分享量', 'Shares');

CREATE TABLE douyin.item_analysis_vertical (
    account_id     text        NOT NULL REFERENCES douyin.account (account_id),
    window_first   date        NOT NULL,
    window_last    date        NOT NULL,
    vertical       text        NOT NULL,
    position       integer     NOT NULL,
    through_day    date        NOT NULL,
    captured_at    timestamptz NOT NULL,
    source_call_id bigint,
    PRIMARY KEY (account_id, window_first, window_last, vertical)
);

COMMENT ON TABLE douyin.item_analysis_vertical IS 'Verticals (垂类) of the works an account published in a window, as the creator center classifies them. Source: fetch_item_analysis_involved_vertical. Windows are 90 days on a fixed grid; recent windows are re-read daily, settled ones never again. Replaced as a whole on every read.';
COMMENT ON COLUMN douyin.item_analysis_vertical.account_id IS 'Account.';
COMMENT ON COLUMN douyin.item_analysis_vertical.window_first IS 'First day of the window (Asia/Shanghai, inclusive; start_date).';
COMMENT ON COLUMN douyin.item_analysis_vertical.window_last IS 'Last day of the window (Asia/Shanghai, inclusive). The window may not be over yet: see through_day.';
COMMENT ON COLUMN douyin.item_analysis_vertical.vertical IS 'Vertical tag (垂类标签), e.g. 美食, exactly as served.';
COMMENT ON COLUMN douyin.item_analysis_vertical.position IS 'Position in the served list (1 = first).';
COMMENT ON COLUMN douyin.item_analysis_vertical.through_day IS 'Last day asked for (end_date): window_last, or yesterday while the window is still running.';
COMMENT ON COLUMN douyin.item_analysis_vertical.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_analysis_vertical.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_analysis_overview (
    account_id         text        NOT NULL REFERENCES douyin.account (account_id),
    window_first       date        NOT NULL,
    window_last        date        NOT NULL,
    through_day        date        NOT NULL,
    genres             integer[]   NOT NULL,
    verticals          text[]      NOT NULL,
    publish_count      bigint,
    play_count         bigint,
    like_count         bigint,
    comment_count      bigint,
    share_count        bigint,
    avg_play_duration  numeric,
    completion_rate_5s numeric,
    bounce_rate_2s     numeric,
    served             jsonb       NOT NULL,
    captured_at        timestamptz NOT NULL,
    source_call_id     bigint,
    PRIMARY KEY (account_id, window_first, window_last)
);

COMMENT ON TABLE douyin.item_analysis_overview IS 'Content analysis overview (投稿分析概览) of the works an account published in a window: totals. Source: fetch_item_analysis_overview, asked with every genre and the window''s verticals. Same windows and refresh as douyin.item_analysis_vertical. The response shape is undocumented: stable totals get columns, the whole answer is in served.';
COMMENT ON COLUMN douyin.item_analysis_overview.account_id IS 'Account.';
COMMENT ON COLUMN douyin.item_analysis_overview.window_first IS 'First day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_overview.window_last IS 'Last day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_overview.through_day IS 'Last day asked for (end_date).';
COMMENT ON COLUMN douyin.item_analysis_overview.genres IS 'Genres asked for (体裁, douyin.genre_label).';
COMMENT ON COLUMN douyin.item_analysis_overview.verticals IS 'Verticals asked for (垂类), as the window''s involved-vertical call returned them.';
COMMENT ON COLUMN douyin.item_analysis_overview.publish_count IS 'Works published (投稿数).';
COMMENT ON COLUMN douyin.item_analysis_overview.play_count IS 'Views of those works (播放量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_overview.like_count IS 'Likes (点赞量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_overview.comment_count IS 'Comments (评论量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_overview.share_count IS 'Shares (分享量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_overview.avg_play_duration IS 'Average view duration (平均播放时长) in seconds.';
COMMENT ON COLUMN douyin.item_analysis_overview.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_analysis_overview.bounce_rate_2s IS '2-second bounce rate (2s跳出率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_analysis_overview.served IS 'The whole answer (data) as served, including what has no column.';
COMMENT ON COLUMN douyin.item_analysis_overview.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_analysis_overview.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_analysis_breakdown (
    account_id     text        NOT NULL REFERENCES douyin.account (account_id),
    window_first   date        NOT NULL,
    window_last    date        NOT NULL,
    dimension      text        NOT NULL CHECK (dimension IN ('genre', 'vertical')),
    key            text        NOT NULL,
    publish_count  bigint,
    play_count     bigint,
    like_count     bigint,
    comment_count  bigint,
    share_count    bigint,
    through_day    date        NOT NULL,
    captured_at    timestamptz NOT NULL,
    source_call_id bigint,
    PRIMARY KEY (account_id, window_first, window_last, dimension, key)
);

COMMENT ON TABLE douyin.item_analysis_breakdown IS 'The overview split by genre (体裁分布) and by vertical (垂类分布). Source: fetch_item_analysis_overview. Replaced with its overview row.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.account_id IS 'Account.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.window_first IS 'First day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_breakdown.window_last IS 'Last day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_breakdown.dimension IS 'genre or vertical.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.key IS 'Genre code (douyin.genre_label.genre, as text) or vertical tag.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.publish_count IS 'Works published (投稿数).';
COMMENT ON COLUMN douyin.item_analysis_breakdown.play_count IS 'Views (播放量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.like_count IS 'Likes (点赞量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.comment_count IS 'Comments (评论量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.share_count IS 'Shares (分享量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_breakdown.through_day IS 'Last day asked for (end_date).';
COMMENT ON COLUMN douyin.item_analysis_breakdown.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_analysis_breakdown.source_call_id IS 'Landed call (raw.api_call).';

CREATE TABLE douyin.item_analysis_performance (
    account_id         text        NOT NULL REFERENCES douyin.account (account_id),
    window_first       date        NOT NULL,
    window_last        date        NOT NULL,
    metric_type        integer     NOT NULL,
    item_id            text        NOT NULL CHECK (item_id ~ '^[0-9]+$'),
    rank               integer     NOT NULL,
    metric_value       numeric,
    play_count         bigint,
    avg_play_duration  numeric,
    completion_rate_5s numeric,
    bounce_rate_2s     numeric,
    cover_url          text,
    served             jsonb       NOT NULL,
    through_day        date        NOT NULL,
    captured_at        timestamptz NOT NULL,
    source_call_id     bigint,
    PRIMARY KEY (account_id, window_first, window_last, metric_type, item_id)
);
CREATE INDEX item_analysis_performance_item_idx ON douyin.item_analysis_performance (item_id);

COMMENT ON TABLE douyin.item_analysis_performance IS 'Best-performing works of a window by one metric (投稿表现): views, likes, comments or shares (douyin.metric_type_label). Source: fetch_item_analysis_item_performance, asked for metric types 1–4 with every genre and the window''s verticals. Same windows and refresh as the overview; each metric''s list is replaced as a whole.';
COMMENT ON COLUMN douyin.item_analysis_performance.account_id IS 'Account.';
COMMENT ON COLUMN douyin.item_analysis_performance.window_first IS 'First day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_performance.window_last IS 'Last day of the window (Asia/Shanghai, inclusive).';
COMMENT ON COLUMN douyin.item_analysis_performance.metric_type IS 'Metric the list is ranked by (指标类型): 1 views, 2 likes, 3 comments, 4 shares.';
COMMENT ON COLUMN douyin.item_analysis_performance.item_id IS 'Douyin item id (作品ID), as text; joins douyin.item when the item list has loaded it.';
COMMENT ON COLUMN douyin.item_analysis_performance.rank IS 'Position in the served list (1 = best).';
COMMENT ON COLUMN douyin.item_analysis_performance.metric_value IS 'Value of the ranking metric (metric_value): views, likes, comments or shares, as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_performance.play_count IS 'Views (播放量), as of captured_at.';
COMMENT ON COLUMN douyin.item_analysis_performance.avg_play_duration IS 'Average view duration (平均播放时长, average_play_duration) in seconds.';
COMMENT ON COLUMN douyin.item_analysis_performance.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_analysis_performance.bounce_rate_2s IS '2-second bounce rate (2s跳出率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_analysis_performance.cover_url IS 'Cover image URL (封面) as served; signed URLs expire.';
COMMENT ON COLUMN douyin.item_analysis_performance.served IS 'The item''s object exactly as served, including fields without a column.';
COMMENT ON COLUMN douyin.item_analysis_performance.through_day IS 'Last day asked for (end_date).';
COMMENT ON COLUMN douyin.item_analysis_performance.captured_at IS 'Time of the call (UTC).';
COMMENT ON COLUMN douyin.item_analysis_performance.source_call_id IS 'Landed call (raw.api_call).';
