-- V052: the pipeline's own health, readable by analysts and Metabase without access to raw or etl: runs, calls,
-- billed calls and estimated cost, problems, streams that stopped completing, and expired cookies. These views run
-- with their owner's rights (the migrating user), so the analyst role reads them while etl.* stays closed; they
-- expose counts, states and problem messages (already scrubbed of credentials by the worker), never a payload,
-- a request body, a host name or a run's raw error text.

CREATE VIEW douyin.pipeline_run AS
SELECT r.run_id,
       r.job,
       r.trigger,
       (r.started_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       r.started_at,
       r.finished_at,
       round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 1) AS duration_s,
       r.status,
       r.exit_code,
       r.accounts,
       r.period_from,
       r.period_to,
       r.calls,
       r.billed_calls,
       r.retries,
       r.throttled,
       r.rows_written,
       r.units_done,
       r.units_failed,
       r.units_skipped,
       r.problems,
       r.estimated_cost_usd
FROM etl.run r;

COMMENT ON VIEW douyin.pipeline_run IS 'One row per job run (运行记录): status, calls, billed calls, estimated cost, rows written, problems. Source: etl.run, written by the worker at the start and end of every run.';
COMMENT ON COLUMN douyin.pipeline_run.run_id IS 'Run id (运行ID); douyin.pipeline_problem.run_id points here.';
COMMENT ON COLUMN douyin.pipeline_run.job IS 'Job name (任务), e.g. item-list.';
COMMENT ON COLUMN douyin.pipeline_run.trigger IS 'What started the run (触发方式): cli, daemon, demo, test.';
COMMENT ON COLUMN douyin.pipeline_run.day IS 'Asia/Shanghai day the run started (日期, 北京时间).';
COMMENT ON COLUMN douyin.pipeline_run.started_at IS 'Start (开始时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_run.finished_at IS 'End (结束时间), UTC; null while running or if the process died.';
COMMENT ON COLUMN douyin.pipeline_run.duration_s IS 'Duration (耗时), seconds; null while running.';
COMMENT ON COLUMN douyin.pipeline_run.status IS 'running, succeeded, partly_failed or failed (运行状态).';
COMMENT ON COLUMN douyin.pipeline_run.exit_code IS 'Process exit code (退出码): 0 ok, 2 partly failed, 1 failed.';
COMMENT ON COLUMN douyin.pipeline_run.accounts IS 'Account ids the run covered (账号列表).';
COMMENT ON COLUMN douyin.pipeline_run.period_from IS 'First day asked for with --from (起始日期), if any.';
COMMENT ON COLUMN douyin.pipeline_run.period_to IS 'Last day asked for with --to (结束日期), if any.';
COMMENT ON COLUMN douyin.pipeline_run.calls IS 'Upstream attempts sent, retries included (调用次数), count.';
COMMENT ON COLUMN douyin.pipeline_run.billed_calls IS 'Attempts TikHub bills: HTTP 200 answers (计费调用次数), count.';
COMMENT ON COLUMN douyin.pipeline_run.retries IS 'Attempts that were retries (重试次数), count.';
COMMENT ON COLUMN douyin.pipeline_run.throttled IS 'Attempts answered 429 Too Many Requests (限流次数), count.';
COMMENT ON COLUMN douyin.pipeline_run.rows_written IS 'Rows inserted or changed in the douyin schema (写入行数), count.';
COMMENT ON COLUMN douyin.pipeline_run.units_done IS 'Units of work completed (完成单元数), count.';
COMMENT ON COLUMN douyin.pipeline_run.units_failed IS 'Units that failed and are retried next run (失败单元数), count.';
COMMENT ON COLUMN douyin.pipeline_run.units_skipped IS 'Units skipped: account unavailable or call budget spent (跳过单元数), count.';
COMMENT ON COLUMN douyin.pipeline_run.problems IS 'Problems recorded (问题数), count; details in douyin.pipeline_problem.';
COMMENT ON COLUMN douyin.pipeline_run.estimated_cost_usd IS 'billed_calls × TikHub:PricePerCall (估算费用), USD.';

CREATE VIEW douyin.pipeline_daily AS
SELECT (r.started_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       r.job,
       count(*) AS runs,
       count(*) FILTER (WHERE r.status = 'succeeded') AS runs_succeeded,
       count(*) FILTER (WHERE r.status = 'partly_failed') AS runs_partly_failed,
       count(*) FILTER (WHERE r.status = 'failed') AS runs_failed,
       count(*) FILTER (WHERE r.status = 'running') AS runs_unfinished,
       sum(r.calls)::bigint AS calls,
       sum(r.billed_calls)::bigint AS billed_calls,
       sum(r.retries)::bigint AS retries,
       sum(r.throttled)::bigint AS throttled,
       sum(r.rows_written)::bigint AS rows_written,
       sum(r.units_failed)::bigint AS units_failed,
       sum(r.problems)::bigint AS problems,
       sum(r.estimated_cost_usd) AS estimated_cost_usd
FROM etl.run r
GROUP BY 1, 2;

COMMENT ON VIEW douyin.pipeline_daily IS 'Runs, calls and estimated cost per Asia/Shanghai day and job (每日运行与费用). Source: etl.run; a day''s row grows with every run started that day.';
COMMENT ON COLUMN douyin.pipeline_daily.day IS 'Asia/Shanghai day the runs started (日期, 北京时间).';
COMMENT ON COLUMN douyin.pipeline_daily.job IS 'Job name (任务), e.g. item-list.';
COMMENT ON COLUMN douyin.pipeline_daily.runs IS 'Runs started (运行次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.runs_succeeded IS 'Runs that loaded everything due (成功次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.runs_partly_failed IS 'Runs where some accounts or units failed (部分失败次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.runs_failed IS 'Runs that failed as a whole (失败次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.runs_unfinished IS 'Runs still running or that died without finishing (未结束次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.calls IS 'Upstream attempts, retries included (调用次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.billed_calls IS 'Attempts TikHub bills (计费调用次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.retries IS 'Retried attempts (重试次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.throttled IS 'Attempts answered 429 (限流次数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.rows_written IS 'Rows inserted or changed in the douyin schema (写入行数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.units_failed IS 'Failed units of work (失败单元数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.problems IS 'Problems recorded (问题数), count.';
COMMENT ON COLUMN douyin.pipeline_daily.estimated_cost_usd IS 'Estimated TikHub cost (估算费用), USD.';

CREATE VIEW douyin.pipeline_problem AS
SELECT p.problem_id,
       p.run_id,
       r.job,
       p.occurred_at,
       (p.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       p.account_id,
       p.stream,
       p.scope,
       p.kind,
       p.message
FROM etl.problem p
JOIN etl.run r ON r.run_id = p.run_id;

COMMENT ON VIEW douyin.pipeline_problem IS 'Everything a run met that was not plain success (问题记录): expired cookies, unreadable fields, failed units, spent budgets. Source: etl.problem; written during runs. Messages carry no credentials.';
COMMENT ON COLUMN douyin.pipeline_problem.problem_id IS 'Problem id (问题ID).';
COMMENT ON COLUMN douyin.pipeline_problem.run_id IS 'Run that met it (运行ID), see douyin.pipeline_run.';
COMMENT ON COLUMN douyin.pipeline_problem.job IS 'Job of that run (任务).';
COMMENT ON COLUMN douyin.pipeline_problem.occurred_at IS 'When (发生时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_problem.day IS 'Asia/Shanghai day it occurred (日期, 北京时间).';
COMMENT ON COLUMN douyin.pipeline_problem.account_id IS 'Account concerned, if any (账号ID).';
COMMENT ON COLUMN douyin.pipeline_problem.stream IS 'Stream concerned (数据流), e.g. item-list.';
COMMENT ON COLUMN douyin.pipeline_problem.scope IS 'Unit concerned (范围), e.g. a publish window or an item id.';
COMMENT ON COLUMN douyin.pipeline_problem.kind IS 'Kind (问题类型): cookie_expired, no_permission, unit_failed, payload_field, payload_unreadable, cursor_stuck, budget_exhausted, …';
COMMENT ON COLUMN douyin.pipeline_problem.message IS 'What happened, in words (说明), credentials removed.';

CREATE VIEW douyin.pipeline_stream_status AS
SELECT c.stream,
       c.account_id,
       c.units,
       c.units_completed,
       c.last_completed_at,
       c.last_progress_at,
       round((extract(epoch FROM now() - c.last_completed_at) / 3600)::numeric, 1) AS hours_since_completed,
       COALESCE(c.last_completed_at < now() - interval '25 hours', true) AS is_stale,
       last_run.status AS last_run_status,
       last_run.started_at AS last_run_started_at
FROM (
    SELECT stream,
           account_id,
           count(*) AS units,
           count(completed_at) AS units_completed,
           max(completed_at) AS last_completed_at,
           max(updated_at) AS last_progress_at
    FROM etl.checkpoint
    GROUP BY stream, account_id
) c
LEFT JOIN LATERAL (
    SELECT r.status, r.started_at
    FROM etl.run r
    WHERE r.job = c.stream AND c.account_id = ANY (r.accounts)
    ORDER BY r.started_at DESC
    LIMIT 1
) last_run ON true;

COMMENT ON VIEW douyin.pipeline_stream_status IS 'Freshness of every stream per account (数据流新鲜度): when a unit of work last completed and whether the stream is stale. Every stream refreshes at least daily, so is_stale means nothing completed for more than 25 hours (a missed schedule, an expired cookie, a failing unit). Source: etl.checkpoint and etl.run; computed at query time against the database clock.';
COMMENT ON COLUMN douyin.pipeline_stream_status.stream IS 'Stream (数据流), e.g. item-list.';
COMMENT ON COLUMN douyin.pipeline_stream_status.account_id IS 'Account id (账号ID).';
COMMENT ON COLUMN douyin.pipeline_stream_status.units IS 'Units of work with a checkpoint (单元数), count: e.g. publish windows.';
COMMENT ON COLUMN douyin.pipeline_stream_status.units_completed IS 'Units that completed at least once (已完成单元数), count.';
COMMENT ON COLUMN douyin.pipeline_stream_status.last_completed_at IS 'Last time any unit completed (最近完成时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_stream_status.last_progress_at IS 'Last checkpoint change of any kind (最近进度时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_stream_status.hours_since_completed IS 'Hours since last_completed_at (距上次完成小时数), by the database clock.';
COMMENT ON COLUMN douyin.pipeline_stream_status.is_stale IS 'True when nothing completed in the last 25 hours (数据过期).';
COMMENT ON COLUMN douyin.pipeline_stream_status.last_run_status IS 'Status of the last run of the job of the same name that covered the account (最近运行状态).';
COMMENT ON COLUMN douyin.pipeline_stream_status.last_run_started_at IS 'Start of that run (最近运行时间), UTC.';

CREATE VIEW douyin.pipeline_account_status AS
SELECT a.account_id,
       a.display_name AS account_name,
       s.state,
       (s.state = 'cookie_expired') AS cookie_expired,
       s.state_since,
       s.last_checked_at,
       s.last_ok_at,
       s.last_run_id
FROM douyin.account a
LEFT JOIN etl.account_status s ON s.account_id = a.account_id;

COMMENT ON VIEW douyin.pipeline_account_status IS 'Whether each account''s creator-center cookie still works (账号Cookie状态): cookie_expired accounts need a fresh cookie from their owner. Source: etl.account_status, updated by every run that calls for the account. The cookie itself is never stored.';
COMMENT ON COLUMN douyin.pipeline_account_status.account_id IS 'Account id (账号ID).';
COMMENT ON COLUMN douyin.pipeline_account_status.account_name IS 'Account display name (账号名称).';
COMMENT ON COLUMN douyin.pipeline_account_status.state IS 'ok, cookie_expired (登录失效) or no_permission (无数据中心权限); null if no run has used the account yet.';
COMMENT ON COLUMN douyin.pipeline_account_status.cookie_expired IS 'True when the cookie has expired and must be refreshed (Cookie已失效).';
COMMENT ON COLUMN douyin.pipeline_account_status.state_since IS 'When the account entered this state (状态开始时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_account_status.last_checked_at IS 'Last run that used the account (最近检查时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_account_status.last_ok_at IS 'Last time the cookie worked (最近正常时间), UTC.';
COMMENT ON COLUMN douyin.pipeline_account_status.last_run_id IS 'Last run that used the account (最近运行ID).';
