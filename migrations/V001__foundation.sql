-- V001: the foundation. Three schemas: `douyin` is what analysts read, `raw` keeps every upstream payload as it
-- came (cookie removed) so any day can be re-normalized without paying again, `etl` is the pipeline's own
-- bookkeeping (runs, checkpoints, problems, account state). Douyin ids are text: 19-digit integers do not survive
-- JavaScript-based BI tools. Every timestamp is timestamptz (UTC); "days" are Asia/Shanghai calendar days.

CREATE SCHEMA IF NOT EXISTS douyin;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS etl;

COMMENT ON SCHEMA douyin IS 'Douyin creator analytics for analysts (抖音创作者数据). Read this schema; raw and etl belong to the pipeline.';
COMMENT ON SCHEMA raw IS 'Every upstream call as landed, cookie removed: the source for replay and audits. Not for analysts.';
COMMENT ON SCHEMA etl IS 'Pipeline bookkeeping: runs, checkpoints, problems, account state.';

-- ---------------------------------------------------------------------------------------------------------------
-- etl: runs and what they met
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE etl.run (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job           text        NOT NULL,
    trigger       text        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    status        text        NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'succeeded', 'partly_failed', 'failed')),
    exit_code     integer,
    accounts      text[]      NOT NULL DEFAULT '{}',
    period_from   date,
    period_to     date,
    calls         bigint      NOT NULL DEFAULT 0,
    billed_calls  bigint      NOT NULL DEFAULT 0,
    retries       bigint      NOT NULL DEFAULT 0,
    throttled     bigint      NOT NULL DEFAULT 0,
    rows_written  bigint      NOT NULL DEFAULT 0,
    units_done    bigint      NOT NULL DEFAULT 0,
    units_failed  bigint      NOT NULL DEFAULT 0,
    units_skipped bigint      NOT NULL DEFAULT 0,
    problems      bigint      NOT NULL DEFAULT 0,
    estimated_cost_usd numeric(12, 4) NOT NULL DEFAULT 0,
    host          text,
    error         text
);
CREATE INDEX run_job_started_idx ON etl.run (job, started_at DESC);

COMMENT ON TABLE etl.run IS 'One row per job run (运行记录): what it called, wrote and met. Source: the worker. Written at start and end of every run.';
COMMENT ON COLUMN etl.run.run_id IS 'Run id; raw calls, problems and checkpoints point here.';
COMMENT ON COLUMN etl.run.job IS 'Job name, e.g. item-list (as in `douyin-etl run <job>`).';
COMMENT ON COLUMN etl.run.trigger IS 'What started the run: cli, daemon, demo, test.';
COMMENT ON COLUMN etl.run.started_at IS 'Start (UTC).';
COMMENT ON COLUMN etl.run.finished_at IS 'End (UTC); null while running or if the process died.';
COMMENT ON COLUMN etl.run.status IS 'running, succeeded, partly_failed (some units or accounts failed, or the call budget ran out) or failed.';
COMMENT ON COLUMN etl.run.exit_code IS 'Process exit code for this run: 0 ok, 2 partly failed, 1 failed.';
COMMENT ON COLUMN etl.run.accounts IS 'Account ids the run covered.';
COMMENT ON COLUMN etl.run.period_from IS 'First Asia/Shanghai day asked for on the command line (--from), if any.';
COMMENT ON COLUMN etl.run.period_to IS 'Last Asia/Shanghai day asked for on the command line (--to), if any.';
COMMENT ON COLUMN etl.run.calls IS 'Upstream attempts sent, retries included.';
COMMENT ON COLUMN etl.run.billed_calls IS 'Attempts answered with HTTP 200, which TikHub bills (付费调用).';
COMMENT ON COLUMN etl.run.retries IS 'Attempts that were retries of an earlier one.';
COMMENT ON COLUMN etl.run.throttled IS 'Attempts answered 429 Too Many Requests.';
COMMENT ON COLUMN etl.run.rows_written IS 'Rows inserted or changed in the douyin schema.';
COMMENT ON COLUMN etl.run.units_done IS 'Units of work completed and checkpointed.';
COMMENT ON COLUMN etl.run.units_failed IS 'Units that failed (see etl.problem); they are retried by the next run.';
COMMENT ON COLUMN etl.run.units_skipped IS 'Units not attempted: account unavailable or call budget spent.';
COMMENT ON COLUMN etl.run.problems IS 'Problems recorded in etl.problem by this run.';
COMMENT ON COLUMN etl.run.estimated_cost_usd IS 'billed_calls × TikHub:PricePerCall, in USD (估算费用).';
COMMENT ON COLUMN etl.run.host IS 'Machine (pod) that ran it.';
COMMENT ON COLUMN etl.run.error IS 'Why the run failed as a whole, if it did.';

CREATE TABLE etl.problem (
    problem_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      bigint      NOT NULL REFERENCES etl.run (run_id),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    account_id  text,
    stream      text        NOT NULL,
    scope       text,
    kind        text        NOT NULL,
    message     text        NOT NULL,
    call_id     bigint
);
CREATE INDEX problem_run_idx ON etl.problem (run_id);
CREATE INDEX problem_occurred_idx ON etl.problem (occurred_at DESC);

COMMENT ON TABLE etl.problem IS 'Everything a run met that was not plain success (问题记录): expired cookies, unreadable fields, failed units, spent budgets.';
COMMENT ON COLUMN etl.problem.problem_id IS 'Problem id.';
COMMENT ON COLUMN etl.problem.run_id IS 'The run that met it.';
COMMENT ON COLUMN etl.problem.occurred_at IS 'When (UTC).';
COMMENT ON COLUMN etl.problem.account_id IS 'Account concerned, if any.';
COMMENT ON COLUMN etl.problem.stream IS 'Stream (job) concerned, e.g. item-list.';
COMMENT ON COLUMN etl.problem.scope IS 'Unit concerned, e.g. a publish window or an item id.';
COMMENT ON COLUMN etl.problem.kind IS 'cookie_expired, no_permission, unit_failed, payload_field, payload_unreadable, cursor_stuck, budget_exhausted, …';
COMMENT ON COLUMN etl.problem.message IS 'What happened, in words (credentials removed).';
COMMENT ON COLUMN etl.problem.call_id IS 'The landed call (raw.api_call) that shows it, if any.';

CREATE TABLE etl.account_status (
    account_id      text PRIMARY KEY,
    state           text        NOT NULL CHECK (state IN ('ok', 'cookie_expired', 'no_permission')),
    state_since     timestamptz NOT NULL,
    last_checked_at timestamptz NOT NULL,
    last_ok_at      timestamptz,
    last_run_id     bigint
);

COMMENT ON TABLE etl.account_status IS 'Whether each account''s creator-center cookie still works (Cookie状态). Updated by every run that calls for the account.';
COMMENT ON COLUMN etl.account_status.account_id IS 'Account id (from configuration).';
COMMENT ON COLUMN etl.account_status.state IS 'ok, cookie_expired (登录失效: refresh the cookie) or no_permission (无数据中心权限).';
COMMENT ON COLUMN etl.account_status.state_since IS 'When the account entered this state (UTC).';
COMMENT ON COLUMN etl.account_status.last_checked_at IS 'Last run that used the account (UTC).';
COMMENT ON COLUMN etl.account_status.last_ok_at IS 'Last time the cookie worked (UTC).';
COMMENT ON COLUMN etl.account_status.last_run_id IS 'Last run that used the account.';

CREATE TABLE etl.checkpoint (
    stream       text        NOT NULL,
    account_id   text        NOT NULL,
    scope        text        NOT NULL,
    state        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    completed_at timestamptz,
    updated_at   timestamptz NOT NULL,
    run_id       bigint,
    PRIMARY KEY (stream, account_id, scope)
);

COMMENT ON TABLE etl.checkpoint IS 'Progress per unit of work (断点): committed in the same transaction as the unit''s rows, so a killed run resumes where it stopped.';
COMMENT ON COLUMN etl.checkpoint.stream IS 'Stream, e.g. item-list.';
COMMENT ON COLUMN etl.checkpoint.account_id IS 'Account id.';
COMMENT ON COLUMN etl.checkpoint.scope IS 'Unit key within the stream, e.g. a publish window 2025-03-01..2025-04-01.';
COMMENT ON COLUMN etl.checkpoint.state IS 'Stream-specific progress, e.g. the next cursor of a window being paged.';
COMMENT ON COLUMN etl.checkpoint.completed_at IS 'When the unit last completed in full (UTC); null while in progress.';
COMMENT ON COLUMN etl.checkpoint.updated_at IS 'Last change (UTC).';
COMMENT ON COLUMN etl.checkpoint.run_id IS 'Run that made the last change.';

-- ---------------------------------------------------------------------------------------------------------------
-- raw: every upstream attempt
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE raw.api_call (
    call_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint      NOT NULL,
    account_id   text        NOT NULL,
    endpoint     text        NOT NULL,
    stream       text        NOT NULL,
    scope        text        NOT NULL,
    attempt      integer     NOT NULL,
    request      jsonb       NOT NULL,
    requested_at timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    http_status  integer,
    outcome      text        NOT NULL,
    request_id   text,
    inner_status integer,
    content_type text,
    payload      jsonb,
    body         bytea,
    error        text
);
CREATE INDEX api_call_run_idx ON raw.api_call (run_id);
CREATE INDEX api_call_endpoint_time_idx ON raw.api_call (endpoint, requested_at);
CREATE INDEX api_call_account_time_idx ON raw.api_call (account_id, requested_at);

COMMENT ON TABLE raw.api_call IS 'Every attempt sent to TikHub and what came back (原始数据), with the cookie removed. Replay re-normalizes from here without paying again.';
COMMENT ON COLUMN raw.api_call.call_id IS 'Call id; normalized rows point back here (source_call_id).';
COMMENT ON COLUMN raw.api_call.run_id IS 'Run that made the call.';
COMMENT ON COLUMN raw.api_call.account_id IS 'Account whose cookie was used.';
COMMENT ON COLUMN raw.api_call.endpoint IS 'TikHub operation, e.g. fetch_item_list.';
COMMENT ON COLUMN raw.api_call.stream IS 'Stream (job) that made the call.';
COMMENT ON COLUMN raw.api_call.scope IS 'Unit of work, e.g. a publish window and cursor.';
COMMENT ON COLUMN raw.api_call.attempt IS '1 for the first attempt, 2+ for retries.';
COMMENT ON COLUMN raw.api_call.request IS 'Request parameters as sent, without the cookie.';
COMMENT ON COLUMN raw.api_call.requested_at IS 'When the attempt was sent (UTC); snapshots are stamped from it.';
COMMENT ON COLUMN raw.api_call.duration_ms IS 'Time to the full answer, in milliseconds.';
COMMENT ON COLUMN raw.api_call.http_status IS 'HTTP status; null when no answer came (timeout, network).';
COMMENT ON COLUMN raw.api_call.outcome IS 'ok, inner_error, retryable_error, no_response, rejected or denied.';
COMMENT ON COLUMN raw.api_call.request_id IS 'TikHub''s request_id, for support tickets.';
COMMENT ON COLUMN raw.api_call.inner_status IS 'The creator platform''s status_code inside data (0 ok, 8 cookie expired, 10001 too few plays, 200001 window too large…).';
COMMENT ON COLUMN raw.api_call.content_type IS 'Media type of the answer.';
COMMENT ON COLUMN raw.api_call.payload IS 'The whole JSON envelope as returned, cookie removed.';
COMMENT ON COLUMN raw.api_call.body IS 'The answer''s bytes when they are not a JSON envelope: HTML, garbled JSON, an Excel export.';
COMMENT ON COLUMN raw.api_call.error IS 'Why the attempt did not succeed, if it did not.';

-- ---------------------------------------------------------------------------------------------------------------
-- douyin: accounts, items and their metric snapshots
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE douyin.account (
    account_id    text PRIMARY KEY,
    display_name  text        NOT NULL,
    first_seen_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

COMMENT ON TABLE douyin.account IS 'Creator accounts we load (创作者账号), as configured. Source: configuration. Updated at every run.';
COMMENT ON COLUMN douyin.account.account_id IS 'Our id for the account (from configuration), used as account_id everywhere.';
COMMENT ON COLUMN douyin.account.display_name IS 'Display name (账号名称) from configuration.';
COMMENT ON COLUMN douyin.account.first_seen_at IS 'First run that covered the account (UTC).';
COMMENT ON COLUMN douyin.account.updated_at IS 'Last run that covered the account (UTC).';

CREATE TABLE douyin.item (
    item_id        text PRIMARY KEY CHECK (item_id ~ '^[0-9]+$'),
    account_id     text        NOT NULL REFERENCES douyin.account (account_id),
    title          text,
    publish_time   timestamptz,
    publish_day    date,
    creator_type   integer,
    duration_ms    integer,
    review_status  integer,
    is_public      boolean,
    cover_url      text,
    first_seen_at  timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    source_call_id bigint
);
CREATE INDEX item_account_publish_idx ON douyin.item (account_id, publish_time DESC);

COMMENT ON TABLE douyin.item IS 'Works (作品): one row per video or image post, latest known attributes. Source: fetch_item_list. Updated whenever its publish window is paged (hourly for recent works).';
COMMENT ON COLUMN douyin.item.item_id IS 'Douyin item id (作品ID), 19 digits kept as text so BI tools cannot round it.';
COMMENT ON COLUMN douyin.item.account_id IS 'Account that published it.';
COMMENT ON COLUMN douyin.item.title IS 'Title / description (作品标题/描述), exactly as served.';
COMMENT ON COLUMN douyin.item.publish_time IS 'Publish time (发布时间), UTC.';
COMMENT ON COLUMN douyin.item.publish_day IS 'Publish day in Asia/Shanghai (发布日期, 北京时间).';
COMMENT ON COLUMN douyin.item.creator_type IS 'The creator center''s item type (作品类型): 1 图文, 2 <1 min video, 3 1–3 min, 4 3–5 min, 5 5 min+, 8 长图文.';
COMMENT ON COLUMN douyin.item.duration_ms IS 'Video duration (视频时长) in milliseconds; 0 or null for image posts.';
COMMENT ON COLUMN douyin.item.review_status IS 'Review status (审核状态): 1 under review 审核中, 2 normal 正常, 5 needs work 需优化, 6 friends only 仅好友可见.';
COMMENT ON COLUMN douyin.item.is_public IS 'Visible to everyone (公开可见).';
COMMENT ON COLUMN douyin.item.cover_url IS 'Cover image URL (封面) as served; signed URLs expire.';
COMMENT ON COLUMN douyin.item.first_seen_at IS 'When the pipeline first saw the item (UTC).';
COMMENT ON COLUMN douyin.item.last_seen_at IS 'When the pipeline last saw the item in the list (UTC).';
COMMENT ON COLUMN douyin.item.source_call_id IS 'Landed call (raw.api_call) the latest attributes came from.';

CREATE TABLE douyin.item_metric_snapshot (
    item_id            text        NOT NULL REFERENCES douyin.item (item_id),
    captured_hour      timestamptz NOT NULL,
    account_id         text        NOT NULL,
    captured_at        timestamptz NOT NULL,
    view_count         bigint,
    like_count         bigint,
    comment_count      bigint,
    share_count        bigint,
    favorite_count     bigint,
    subscribe_count    bigint,
    completion_rate    numeric,
    completion_rate_5s numeric,
    bounce_rate_2s     numeric,
    cover_click_rate   numeric,
    avg_view_second    numeric,
    metrics            jsonb       NOT NULL,
    source_call_id     bigint,
    PRIMARY KEY (item_id, captured_hour)
);
CREATE INDEX item_metric_snapshot_account_hour_idx ON douyin.item_metric_snapshot (account_id, captured_hour);

COMMENT ON TABLE douyin.item_metric_snapshot IS 'Cumulative metrics of each work as seen in the item list (作品数据快照), one row per item and captured hour. Source: fetch_item_list. Hourly for works in the refresh window. Re-runs within the hour overwrite, never duplicate.';
COMMENT ON COLUMN douyin.item_metric_snapshot.item_id IS 'Douyin item id (作品ID).';
COMMENT ON COLUMN douyin.item_metric_snapshot.captured_hour IS 'The hour the snapshot belongs to (UTC, truncated to the hour; Beijing hours are the same boundaries).';
COMMENT ON COLUMN douyin.item_metric_snapshot.account_id IS 'Account that published the item.';
COMMENT ON COLUMN douyin.item_metric_snapshot.captured_at IS 'Exact time of the call the values came from (UTC).';
COMMENT ON COLUMN douyin.item_metric_snapshot.view_count IS 'Views, cumulative (播放量). Real-time upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.like_count IS 'Likes, cumulative (点赞量). Real-time upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.comment_count IS 'Comments, cumulative (评论量). Real-time upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.share_count IS 'Shares, cumulative (分享量). Real-time upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.favorite_count IS 'Favorites, cumulative (收藏量). Real-time upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.subscribe_count IS 'Followers gained through the work (涨粉量). Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.completion_rate IS 'Completion rate (完播率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.completion_rate_5s IS '5-second completion rate (5s完播率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.bounce_rate_2s IS '2-second bounce rate (2s跳出率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.cover_click_rate IS 'Cover click-through rate (封面点击率), fraction 0–1. Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.avg_view_second IS 'Average view duration (平均播放时长) in seconds. Hourly upstream.';
COMMENT ON COLUMN douyin.item_metric_snapshot.metrics IS 'Every metric exactly as served, including ones without a column yet.';
COMMENT ON COLUMN douyin.item_metric_snapshot.source_call_id IS 'Landed call (raw.api_call) the values came from.';
