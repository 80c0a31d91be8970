-- V081: what each run came to for each of its accounts. A run with one account whose cookie expired is partly failed
-- as a whole, but the other accounts' streams loaded everything: pipeline_stream_status now shows the run's outcome
-- for the account (etl.run_account), not the run's, so healthy accounts no longer look partly failed.

CREATE TABLE etl.run_account (
    run_id     bigint NOT NULL REFERENCES etl.run (run_id),
    account_id text   NOT NULL,
    status     text   NOT NULL CHECK (status IN ('succeeded', 'partly_failed', 'failed')),
    PRIMARY KEY (run_id, account_id)
);

COMMENT ON TABLE etl.run_account IS 'What each run came to for each account it covered (运行账号结果). Written with the run''s end; a run still running (or that died) has none.';
COMMENT ON COLUMN etl.run_account.run_id IS 'The run (etl.run).';
COMMENT ON COLUMN etl.run_account.account_id IS 'Account id.';
COMMENT ON COLUMN etl.run_account.status IS 'succeeded (everything due for the account loaded), partly_failed (some of it: failed units, incomplete answers, a spent budget, a stop) or failed (nothing: its cookie expired or lacks permission, or its units failed, or the run failed as a whole).';

CREATE OR REPLACE VIEW douyin.pipeline_stream_status AS
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
    SELECT COALESCE(ra.status, r.status) AS status, r.started_at
    FROM etl.run r
    LEFT JOIN etl.run_account ra ON ra.run_id = r.run_id AND ra.account_id = c.account_id
    WHERE r.job = c.stream AND c.account_id = ANY (r.accounts)
    ORDER BY r.started_at DESC
    LIMIT 1
) last_run ON true;

COMMENT ON COLUMN douyin.pipeline_stream_status.last_run_status IS 'What the last run of the job of the same name that covered the account came to for this account (最近运行状态): succeeded, partly_failed, failed, or running. Another account''s expired cookie does not make it partly_failed.';
COMMENT ON COLUMN douyin.pipeline_account_status.state IS 'ok, cookie_expired (登录失效: log in again and replace the cookie) or no_permission (无数据中心权限: the login has no access to the creator center''s data center; a new cookie of the same login does not help); null if no run has used the account yet.';
