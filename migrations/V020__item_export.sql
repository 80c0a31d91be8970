-- V020: the creator center's own export "作品列表导出.xlsx" (fetch_item_list_download). The file has no item id, so
-- each row is joined to douyin.item by title + publish time; rows that cannot be joined (unknown work, several
-- candidates) are kept with the reason instead of being dropped. One row per export row and Asia/Shanghai day: the
-- daily job gives recent works a snapshot a day. The workbook itself stays in raw.api_call.body for replay.

CREATE TABLE douyin.item_export_row (
    account_id           text        NOT NULL REFERENCES douyin.account (account_id),
    snapshot_day         date        NOT NULL,
    row_key              text        NOT NULL,
    item_id              text        REFERENCES douyin.item (item_id),
    match_status         text        NOT NULL CHECK (match_status IN ('matched', 'ambiguous', 'unmatched')),
    match_detail         text        NOT NULL,
    candidate_item_ids   text[],
    title                text,
    publish_time         timestamptz,
    publish_time_precision text      CHECK (publish_time_precision IN ('second', 'minute', 'day')),
    genre                text,
    review_status        text,
    view_count           bigint,
    completion_rate      numeric,
    completion_rate_5s   numeric,
    cover_click_rate     numeric,
    bounce_rate_2s       numeric,
    avg_view_second      numeric,
    like_count           bigint,
    share_count          bigint,
    comment_count        bigint,
    favorite_count       bigint,
    homepage_visit_count bigint,
    subscribe_count      bigint,
    cell_text            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    extra_columns        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    window_start         timestamptz NOT NULL,
    window_end           timestamptz NOT NULL,
    sheet_row            integer     NOT NULL,
    captured_at          timestamptz NOT NULL,
    source_call_id       bigint      NOT NULL,
    PRIMARY KEY (account_id, snapshot_day, row_key),
    CHECK ((match_status = 'matched') = (item_id IS NOT NULL))
);
CREATE INDEX item_export_row_item_day_idx ON douyin.item_export_row (item_id, snapshot_day) WHERE item_id IS NOT NULL;
CREATE INDEX item_export_row_unresolved_idx ON douyin.item_export_row (account_id, snapshot_day) WHERE match_status <> 'matched';

COMMENT ON TABLE douyin.item_export_row IS 'Rows of the creator center''s work-list export (作品列表导出), one per work and Asia/Shanghai day, joined to douyin.item by title + publish time. Rows that match no work or several are kept (match_status). Source: fetch_item_list_download. Daily for works published within ItemExport:RefreshDays; older works once.';
COMMENT ON COLUMN douyin.item_export_row.account_id IS 'Account whose export it is (创作者账号).';
COMMENT ON COLUMN douyin.item_export_row.snapshot_day IS 'Asia/Shanghai day the export was taken (快照日期, 北京时间); the values are cumulative as of that moment.';
COMMENT ON COLUMN douyin.item_export_row.row_key IS 'Row identity within the account and day: the item id when matched, otherwise call and sheet row (call:<call_id>:row:<n>).';
COMMENT ON COLUMN douyin.item_export_row.item_id IS 'Douyin item id (作品ID) the row was matched to; null when unmatched or ambiguous.';
COMMENT ON COLUMN douyin.item_export_row.match_status IS 'matched (one work has this title and publish time), ambiguous (several do, e.g. re-uploads in the same minute) or unmatched (none known yet, or the time is unreadable).';
COMMENT ON COLUMN douyin.item_export_row.match_detail IS 'How the row was matched, or why it was not (匹配说明).';
COMMENT ON COLUMN douyin.item_export_row.candidate_item_ids IS 'For ambiguous rows: the works it could be (候选作品ID).';
COMMENT ON COLUMN douyin.item_export_row.title IS 'Title as the export prints it (作品名称).';
COMMENT ON COLUMN douyin.item_export_row.publish_time IS 'Publish time (发布时间), UTC; the export prints Beijing time, to the second or only to the minute (see publish_time_precision).';
COMMENT ON COLUMN douyin.item_export_row.publish_time_precision IS 'How precise publish_time is as served: second, minute or day. Minute-precision rows of same-title re-uploads are ambiguous.';
COMMENT ON COLUMN douyin.item_export_row.genre IS 'Genre as printed (体裁), e.g. 视频, 图文.';
COMMENT ON COLUMN douyin.item_export_row.review_status IS 'Review / visibility status as printed (审核状态), e.g. 公开, 自见, 审核中.';
COMMENT ON COLUMN douyin.item_export_row.view_count IS 'Views, cumulative (播放量). Exact unless cell_text shows a 万-rounded value.';
COMMENT ON COLUMN douyin.item_export_row.completion_rate IS 'Completion rate (完播率), fraction 0–1 (the export prints 0.42 or "42.00%").';
COMMENT ON COLUMN douyin.item_export_row.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_row.cover_click_rate IS 'Cover click-through rate (封面点击率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_row.bounce_rate_2s IS '2-second bounce rate (2s跳出率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_row.avg_view_second IS 'Average view duration (平均播放时长) in seconds.';
COMMENT ON COLUMN douyin.item_export_row.like_count IS 'Likes, cumulative (点赞量).';
COMMENT ON COLUMN douyin.item_export_row.share_count IS 'Shares, cumulative (分享量).';
COMMENT ON COLUMN douyin.item_export_row.comment_count IS 'Comments, cumulative (评论量).';
COMMENT ON COLUMN douyin.item_export_row.favorite_count IS 'Favorites, cumulative (收藏量).';
COMMENT ON COLUMN douyin.item_export_row.homepage_visit_count IS 'Profile visits after watching, cumulative (主页访问量). Produced daily upstream: "-" (null) on the publish day.';
COMMENT ON COLUMN douyin.item_export_row.subscribe_count IS 'Followers gained through the work (粉丝增量).';
COMMENT ON COLUMN douyin.item_export_row.cell_text IS 'Original cell text, by Chinese header, for values that are missing or approximate in their typed column: unreadable cells and counts printed as 1.2万.';
COMMENT ON COLUMN douyin.item_export_row.extra_columns IS 'Cells of columns the loader does not know (the export gained a column), by header, as text.';
COMMENT ON COLUMN douyin.item_export_row.window_start IS 'Start of the publish window the export was asked for (UTC, inclusive).';
COMMENT ON COLUMN douyin.item_export_row.window_end IS 'End of the publish window the export was asked for (UTC, exclusive).';
COMMENT ON COLUMN douyin.item_export_row.sheet_row IS 'Row number in the sheet (1 is the header row).';
COMMENT ON COLUMN douyin.item_export_row.captured_at IS 'When the export was requested (UTC).';
COMMENT ON COLUMN douyin.item_export_row.source_call_id IS 'Landed call (raw.api_call) whose body is the workbook this row was read from.';

CREATE VIEW douyin.item_export_daily AS
SELECT item_id, snapshot_day, account_id, view_count, like_count, comment_count, share_count, favorite_count,
       homepage_visit_count, subscribe_count, completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate,
       avg_view_second, captured_at, source_call_id
FROM douyin.item_export_row
WHERE match_status = 'matched';

COMMENT ON VIEW douyin.item_export_daily IS 'Export metrics per work and Asia/Shanghai day (作品日快照, 导出): the matched rows of douyin.item_export_row.';
COMMENT ON COLUMN douyin.item_export_daily.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_export_daily.snapshot_day IS 'Asia/Shanghai day of the export (快照日期).';
COMMENT ON COLUMN douyin.item_export_daily.account_id IS 'Account that published the work.';
COMMENT ON COLUMN douyin.item_export_daily.view_count IS 'Views, cumulative (播放量).';
COMMENT ON COLUMN douyin.item_export_daily.like_count IS 'Likes, cumulative (点赞量).';
COMMENT ON COLUMN douyin.item_export_daily.comment_count IS 'Comments, cumulative (评论量).';
COMMENT ON COLUMN douyin.item_export_daily.share_count IS 'Shares, cumulative (分享量).';
COMMENT ON COLUMN douyin.item_export_daily.favorite_count IS 'Favorites, cumulative (收藏量).';
COMMENT ON COLUMN douyin.item_export_daily.homepage_visit_count IS 'Profile visits after watching (主页访问量).';
COMMENT ON COLUMN douyin.item_export_daily.subscribe_count IS 'Followers gained through the work (粉丝增量).';
COMMENT ON COLUMN douyin.item_export_daily.completion_rate IS 'Completion rate (完播率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_daily.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_daily.bounce_rate_2s IS '2-second bounce rate (2s跳出率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_daily.cover_click_rate IS 'Cover click-through rate (封面点击率), fraction 0–1.';
COMMENT ON COLUMN douyin.item_export_daily.avg_view_second IS 'Average view duration (平均播放时长), seconds.';
COMMENT ON COLUMN douyin.item_export_daily.captured_at IS 'When the export was requested (UTC).';
COMMENT ON COLUMN douyin.item_export_daily.source_call_id IS 'Landed call (raw.api_call) holding the workbook.';

CREATE VIEW douyin.item_export_unresolved AS
SELECT account_id, snapshot_day, match_status, match_detail, candidate_item_ids, title, publish_time,
       publish_time_precision, view_count, sheet_row, source_call_id
FROM douyin.item_export_row
WHERE match_status <> 'matched';

COMMENT ON VIEW douyin.item_export_unresolved IS 'Export rows that could not be joined to one work (未匹配的导出行), with the reason: check these before trusting per-work totals.';
COMMENT ON COLUMN douyin.item_export_unresolved.account_id IS 'Account whose export it is.';
COMMENT ON COLUMN douyin.item_export_unresolved.snapshot_day IS 'Asia/Shanghai day of the export.';
COMMENT ON COLUMN douyin.item_export_unresolved.match_status IS 'ambiguous or unmatched.';
COMMENT ON COLUMN douyin.item_export_unresolved.match_detail IS 'Why the row could not be matched.';
COMMENT ON COLUMN douyin.item_export_unresolved.candidate_item_ids IS 'Works an ambiguous row could be.';
COMMENT ON COLUMN douyin.item_export_unresolved.title IS 'Title as printed (作品名称).';
COMMENT ON COLUMN douyin.item_export_unresolved.publish_time IS 'Publish time as printed, UTC (发布时间).';
COMMENT ON COLUMN douyin.item_export_unresolved.publish_time_precision IS 'second, minute or day.';
COMMENT ON COLUMN douyin.item_export_unresolved.view_count IS 'Views as printed (播放量).';
COMMENT ON COLUMN douyin.item_export_unresolved.sheet_row IS 'Row number in the workbook.';
COMMENT ON COLUMN douyin.item_export_unresolved.source_call_id IS 'Landed call holding the workbook.';
