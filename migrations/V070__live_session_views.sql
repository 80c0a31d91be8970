-- V070: the live session summary for analysts: one row per live session (直播场次) with its labels and derived
-- numbers, and a rollup per account and Asia/Shanghai day (每日直播汇总): sessions, hours live, peak viewers, views,
-- viewers, new followers, earnings. Both read douyin.live_room, each session's latest state; a session belongs to the
-- Beijing day it started (a session that crosses midnight counts, hours included, on its start day). Readable by
-- douyin_analyst through V053's default privileges (they cover views), granted here explicitly as well.

CREATE VIEW douyin.live_session AS
SELECT r.room_id,
       r.account_id,
       a.display_name AS account_name,
       r.title,
       r.start_time,
       r.start_day,
       extract(hour FROM r.start_time AT TIME ZONE 'Asia/Shanghai')::integer AS start_hour,
       r.end_time,
       r.is_live,
       r.play_status,
       l.name_zh AS play_status_zh,
       l.name_en AS play_status_en,
       r.duration_seconds,
       round(r.duration_seconds / 3600.0, 2) AS hours_live,
       r.duration_text,
       r.watch_count,
       r.direct_watch_users,
       r.peak_users,
       r.avg_watch_duration,
       r.like_count,
       r.comment_users,
       r.new_followers,
       round(r.new_followers * 3600.0 / NULLIF(r.duration_seconds, 0), 2) AS new_followers_per_hour,
       round(r.new_followers::numeric / NULLIF(r.direct_watch_users, 0), 6) AS follow_rate,
       r.consume_users,
       r.fan_consume_users,
       r.earn_score,
       r.last_seen_at
FROM douyin.live_room r
JOIN douyin.account a ON a.account_id = r.account_id
LEFT JOIN douyin.live_play_status_label l ON l.play_status = r.play_status;

COMMENT ON VIEW douyin.live_session IS 'Live sessions (直播场次汇总): one row per session with its latest numbers, status names and per-hour rates. Source: douyin.live_room (fetch_live_room_history_list); as fresh as the last live-rooms run (hourly for recent and live sessions).';
COMMENT ON COLUMN douyin.live_session.room_id IS 'Live room id (直播间ID), 19 digits kept as text.';
COMMENT ON COLUMN douyin.live_session.account_id IS 'Account that broadcast it (账号ID).';
COMMENT ON COLUMN douyin.live_session.account_name IS 'Account display name (账号名称).';
COMMENT ON COLUMN douyin.live_session.title IS 'Title (直播标题).';
COMMENT ON COLUMN douyin.live_session.start_time IS 'Start (开播时间), UTC; show it in Asia/Shanghai.';
COMMENT ON COLUMN douyin.live_session.start_day IS 'Start day in Asia/Shanghai (开播日期, 北京时间): the day the session counts for.';
COMMENT ON COLUMN douyin.live_session.start_hour IS 'Hour of the start in Asia/Shanghai (开播时段), 0–23.';
COMMENT ON COLUMN douyin.live_session.end_time IS 'End (下播时间), UTC; null while live.';
COMMENT ON COLUMN douyin.live_session.is_live IS 'Live at the last read (直播中).';
COMMENT ON COLUMN douyin.live_session.play_status IS 'Play status code (直播状态), see douyin.live_play_status_label; 4 = ended.';
COMMENT ON COLUMN douyin.live_session.play_status_zh IS 'Play status in Chinese (直播状态), e.g. 已结束.';
COMMENT ON COLUMN douyin.live_session.play_status_en IS 'Play status in English.';
COMMENT ON COLUMN douyin.live_session.duration_seconds IS 'Time live without pauses (直播时长), seconds; while live, the time so far.';
COMMENT ON COLUMN douyin.live_session.hours_live IS 'Time live without pauses (直播时长), hours, 2 decimals.';
COMMENT ON COLUMN douyin.live_session.duration_text IS 'Duration exactly as served, e.g. 1小时2分钟5秒.';
COMMENT ON COLUMN douyin.live_session.watch_count IS 'Views (观看人次), count: a viewer who came back counts again.';
COMMENT ON COLUMN douyin.live_session.direct_watch_users IS 'Viewers (观看人数), count of users, server-counted.';
COMMENT ON COLUMN douyin.live_session.peak_users IS 'Peak concurrent viewers (最高在线人数), count.';
COMMENT ON COLUMN douyin.live_session.avg_watch_duration IS 'Average watch time per viewer (人均观看时长) as served; unit undocumented, probably minutes.';
COMMENT ON COLUMN douyin.live_session.like_count IS 'Likes (点赞数), count.';
COMMENT ON COLUMN douyin.live_session.comment_users IS 'Users who commented (评论人数), count.';
COMMENT ON COLUMN douyin.live_session.new_followers IS 'New followers gained (新增关注), count.';
COMMENT ON COLUMN douyin.live_session.new_followers_per_hour IS 'New followers per hour live (每小时涨粉), 2 decimals; null without a duration.';
COMMENT ON COLUMN douyin.live_session.follow_rate IS 'New followers per viewer (关注转化率), fraction 0–1; null without viewers.';
COMMENT ON COLUMN douyin.live_session.consume_users IS 'Paying users (消费人数), count.';
COMMENT ON COLUMN douyin.live_session.fan_consume_users IS 'Paying followers (粉丝消费人数), count.';
COMMENT ON COLUMN douyin.live_session.earn_score IS 'Earnings score (直播收益积分), as served.';
COMMENT ON COLUMN douyin.live_session.last_seen_at IS 'When these numbers were read (数据采集时间), UTC.';

CREATE VIEW douyin.live_account_daily AS
SELECT r.account_id,
       a.display_name AS account_name,
       r.start_day AS day,
       count(*) AS sessions,
       count(*) FILTER (WHERE r.is_live) AS sessions_live,
       round(sum(r.duration_seconds) / 3600.0, 2) AS hours_live,
       round(avg(r.duration_seconds) / 60.0, 1) AS avg_session_minutes,
       max(r.peak_users) AS peak_users,
       sum(r.watch_count)::bigint AS watch_count,
       sum(r.direct_watch_users)::bigint AS direct_watch_users,
       sum(r.like_count)::bigint AS like_count,
       sum(r.comment_users)::bigint AS comment_users,
       sum(r.new_followers)::bigint AS new_followers,
       sum(r.consume_users)::bigint AS consume_users,
       sum(r.earn_score) AS earn_score,
       min(r.start_time) AS first_start_time,
       max(r.last_seen_at) AS last_seen_at
FROM douyin.live_room r
JOIN douyin.account a ON a.account_id = r.account_id
WHERE r.start_day IS NOT NULL
GROUP BY r.account_id, a.display_name, r.start_day;

COMMENT ON VIEW douyin.live_account_daily IS 'Live broadcasting per account and Asia/Shanghai day (每日直播汇总): sessions started that day and their summed or peak numbers. One row per account and day with at least one session (days without one have no row); a session crossing midnight counts on its start day. Source: douyin.live_room (fetch_live_room_history_list), hourly for recent days.';
COMMENT ON COLUMN douyin.live_account_daily.account_id IS 'Account id (账号ID).';
COMMENT ON COLUMN douyin.live_account_daily.account_name IS 'Account display name (账号名称).';
COMMENT ON COLUMN douyin.live_account_daily.day IS 'Start day of the sessions in Asia/Shanghai (开播日期, 北京时间).';
COMMENT ON COLUMN douyin.live_account_daily.sessions IS 'Sessions started that day (直播场次), count.';
COMMENT ON COLUMN douyin.live_account_daily.sessions_live IS 'Of those, still live at the last read (直播中), count.';
COMMENT ON COLUMN douyin.live_account_daily.hours_live IS 'Hours live without pauses (直播时长), summed over the sessions, 2 decimals; live sessions count their time so far.';
COMMENT ON COLUMN douyin.live_account_daily.avg_session_minutes IS 'Average session length (场均直播时长), minutes, 1 decimal.';
COMMENT ON COLUMN douyin.live_account_daily.peak_users IS 'Highest peak concurrent viewers of any session (最高在线人数), count.';
COMMENT ON COLUMN douyin.live_account_daily.watch_count IS 'Views (观看人次), summed over the sessions.';
COMMENT ON COLUMN douyin.live_account_daily.direct_watch_users IS 'Viewers (观看人数), summed over the sessions: a user who watched two sessions counts twice.';
COMMENT ON COLUMN douyin.live_account_daily.like_count IS 'Likes (点赞数), summed.';
COMMENT ON COLUMN douyin.live_account_daily.comment_users IS 'Users who commented (评论人数), summed over the sessions.';
COMMENT ON COLUMN douyin.live_account_daily.new_followers IS 'New followers gained live (直播涨粉), summed.';
COMMENT ON COLUMN douyin.live_account_daily.consume_users IS 'Paying users (消费人数), summed over the sessions.';
COMMENT ON COLUMN douyin.live_account_daily.earn_score IS 'Earnings score (直播收益积分), summed.';
COMMENT ON COLUMN douyin.live_account_daily.first_start_time IS 'Start of the day''s first session (首场开播时间), UTC.';
COMMENT ON COLUMN douyin.live_account_daily.last_seen_at IS 'Latest read of the day''s sessions (数据采集时间), UTC.';

GRANT SELECT ON douyin.live_session, douyin.live_account_daily TO douyin_analyst;
