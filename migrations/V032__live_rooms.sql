-- Live sessions (直播场次) from fetch_live_room_history_list: each room's latest state by room id, a room × day snapshot,
-- and the label table for the play status.

CREATE TABLE douyin.live_play_status_label (
    play_status integer PRIMARY KEY,
    name_zh     text    NOT NULL,
    name_en     text    NOT NULL,
    source      text    NOT NULL
);

COMMENT ON TABLE douyin.live_play_status_label IS 'Play status of a live session (直播状态), as fetch_live_room_history_list serves it in playStatus. Static.';
COMMENT ON COLUMN douyin.live_play_status_label.play_status IS 'playStatus as served.';
COMMENT ON COLUMN douyin.live_play_status_label.name_zh IS 'Chinese name.';
COMMENT ON COLUMN douyin.live_play_status_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.live_play_status_label.source IS 'documented (TikHub''s documentation says so) or inferred (not confirmed by any source: check against real data).';

INSERT INTO douyin.live_play_status_label (play_status, name_zh, name_en, source) VALUES
    (1, '未开播', 'Not started', 'inferred'),
    (2, '直播中', 'Live', 'inferred'),
    (3, '暂停中', 'Paused', 'inferred'),
    (4, '已结束', 'Ended', 'documented');

CREATE TABLE douyin.live_room (
    room_id               text PRIMARY KEY CHECK (room_id ~ '^[0-9]+$'),
    account_id            text        NOT NULL REFERENCES douyin.account (account_id),
    title                 text,
    cover_url             text,
    start_time            timestamptz,
    start_day             date,
    end_time              timestamptz,
    duration_seconds      integer,
    duration_text         text,
    play_status           integer,
    is_live               boolean     NOT NULL,
    watch_count           bigint,
    direct_watch_users    bigint,
    peak_users            bigint,
    avg_watch_duration    numeric,
    like_count            bigint,
    comment_users         bigint,
    new_followers         bigint,
    consume_users         bigint,
    fan_consume_users     bigint,
    earn_score            numeric,
    served                jsonb       NOT NULL,
    first_seen_at         timestamptz NOT NULL,
    last_seen_at          timestamptz NOT NULL,
    source_call_id        bigint
);
CREATE INDEX live_room_account_start_idx ON douyin.live_room (account_id, start_time DESC);

COMMENT ON TABLE douyin.live_room IS 'Live sessions (直播场次): one row per room, its latest known state. Source: fetch_live_room_history_list, per account × 90-day window of start days. Windows reaching into the last 2 days, or holding a room that was live, are re-read hourly; a live room is updated until it has ended.';
COMMENT ON COLUMN douyin.live_room.room_id IS 'Live room id (直播间ID, roomID), 19 digits kept as text.';
COMMENT ON COLUMN douyin.live_room.account_id IS 'Account that broadcast it.';
COMMENT ON COLUMN douyin.live_room.title IS 'Title (直播标题, roomTitle).';
COMMENT ON COLUMN douyin.live_room.cover_url IS 'Cover image URL (直播封面, coverUri); signed URLs expire.';
COMMENT ON COLUMN douyin.live_room.start_time IS 'Start (开始时间, startTime), UTC; served as Beijing wall-clock time.';
COMMENT ON COLUMN douyin.live_room.start_day IS 'Start day in Asia/Shanghai (开播日期); the window a room belongs to.';
COMMENT ON COLUMN douyin.live_room.end_time IS 'End (结束时间, endTime), UTC; null while live.';
COMMENT ON COLUMN douyin.live_room.duration_seconds IS 'Duration without pauses (直播时长, liveDurationWithoutPause) in seconds, parsed from text such as 1小时2分钟5秒; while live, the time so far.';
COMMENT ON COLUMN douyin.live_room.duration_text IS 'Duration exactly as served, e.g. 1分钟5秒.';
COMMENT ON COLUMN douyin.live_room.play_status IS 'Play status (直播状态, playStatus): see douyin.live_play_status_label; 4 = ended.';
COMMENT ON COLUMN douyin.live_room.is_live IS 'Live at the last read (直播中): no end time and a status other than 4 (ended).';
COMMENT ON COLUMN douyin.live_room.watch_count IS 'Total views (观看人次, watchCnt).';
COMMENT ON COLUMN douyin.live_room.direct_watch_users IS 'Users who watched (观看人数, serverWatchUcntTdDirect), server-counted.';
COMMENT ON COLUMN douyin.live_room.peak_users IS 'Peak concurrent users (最高在线人数, pcu).';
COMMENT ON COLUMN douyin.live_room.avg_watch_duration IS 'Average watch duration (人均观看时长, liveServerWatchDurationTdPavg) as served; the unit is undocumented (the documented example, 0.5667 for a 65-second session, suggests minutes).';
COMMENT ON COLUMN douyin.live_room.like_count IS 'Likes (点赞数, serverLikeCntTd).';
COMMENT ON COLUMN douyin.live_room.comment_users IS 'Users who commented (评论人数, clientCommentUcntTd).';
COMMENT ON COLUMN douyin.live_room.new_followers IS 'New followers (新增关注, liveNewFollowUcnt).';
COMMENT ON COLUMN douyin.live_room.consume_users IS 'Paying users (消费人数, liveConsumeUcnt).';
COMMENT ON COLUMN douyin.live_room.fan_consume_users IS 'Paying followers (粉丝消费人数, liveFansConsumeUcntTd).';
COMMENT ON COLUMN douyin.live_room.earn_score IS 'Earnings score (直播收益积分, roomLiveEarnScore).';
COMMENT ON COLUMN douyin.live_room.served IS 'The session''s object exactly as served (every value a string).';
COMMENT ON COLUMN douyin.live_room.first_seen_at IS 'When the pipeline first saw the room (UTC).';
COMMENT ON COLUMN douyin.live_room.last_seen_at IS 'When the pipeline last read the room (UTC).';
COMMENT ON COLUMN douyin.live_room.source_call_id IS 'Landed call (raw.api_call) of the latest state.';

CREATE TABLE douyin.live_room_daily (
    room_id            text        NOT NULL REFERENCES douyin.live_room (room_id),
    captured_day       date        NOT NULL,
    account_id         text        NOT NULL,
    captured_at        timestamptz NOT NULL,
    play_status        integer,
    is_live            boolean     NOT NULL,
    end_time           timestamptz,
    duration_seconds   integer,
    watch_count        bigint,
    direct_watch_users bigint,
    peak_users         bigint,
    avg_watch_duration numeric,
    like_count         bigint,
    comment_users      bigint,
    new_followers      bigint,
    consume_users      bigint,
    fan_consume_users  bigint,
    earn_score         numeric,
    source_call_id     bigint,
    PRIMARY KEY (room_id, captured_day)
);
CREATE INDEX live_room_daily_account_day_idx ON douyin.live_room_daily (account_id, captured_day);

COMMENT ON TABLE douyin.live_room_daily IS 'A live session''s numbers as read on a day (直播场次每日快照): one row per room and Asia/Shanghai day it was read, the day''s last read winning. Source: fetch_live_room_history_list. Rooms of settled windows are read once, so most rooms have one row; recent and live ones get one per day.';
COMMENT ON COLUMN douyin.live_room_daily.room_id IS 'Live room id (直播间ID).';
COMMENT ON COLUMN douyin.live_room_daily.captured_day IS 'Day of the read (Asia/Shanghai).';
COMMENT ON COLUMN douyin.live_room_daily.account_id IS 'Account that broadcast it.';
COMMENT ON COLUMN douyin.live_room_daily.captured_at IS 'Time of the read (UTC).';
COMMENT ON COLUMN douyin.live_room_daily.play_status IS 'Play status then (playStatus; 4 = ended).';
COMMENT ON COLUMN douyin.live_room_daily.is_live IS 'Live at the read.';
COMMENT ON COLUMN douyin.live_room_daily.end_time IS 'End time (UTC); null while live.';
COMMENT ON COLUMN douyin.live_room_daily.duration_seconds IS 'Duration without pauses in seconds (time so far while live).';
COMMENT ON COLUMN douyin.live_room_daily.watch_count IS 'Total views (观看人次).';
COMMENT ON COLUMN douyin.live_room_daily.direct_watch_users IS 'Users who watched (观看人数).';
COMMENT ON COLUMN douyin.live_room_daily.peak_users IS 'Peak concurrent users (最高在线人数).';
COMMENT ON COLUMN douyin.live_room_daily.avg_watch_duration IS 'Average watch duration as served (unit undocumented, probably minutes).';
COMMENT ON COLUMN douyin.live_room_daily.like_count IS 'Likes (点赞数).';
COMMENT ON COLUMN douyin.live_room_daily.comment_users IS 'Users who commented (评论人数).';
COMMENT ON COLUMN douyin.live_room_daily.new_followers IS 'New followers (新增关注).';
COMMENT ON COLUMN douyin.live_room_daily.consume_users IS 'Paying users (消费人数).';
COMMENT ON COLUMN douyin.live_room_daily.fan_consume_users IS 'Paying followers (粉丝消费人数).';
COMMENT ON COLUMN douyin.live_room_daily.earn_score IS 'Earnings score (直播收益积分).';
COMMENT ON COLUMN douyin.live_room_daily.source_call_id IS 'Landed call (raw.api_call).';
