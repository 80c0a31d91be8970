-- V041: which scheduled fire a daemon run belongs to and which scheduler instance ran it, so operators (and the
-- cluster tests) can see that every fire ran exactly once, on which node, and which runs a dead node abandoned.

ALTER TABLE etl.run
    ADD COLUMN scheduled_for      timestamptz,
    ADD COLUMN scheduler_instance text;

CREATE INDEX run_job_scheduled_idx ON etl.run (job, scheduled_for) WHERE scheduled_for IS NOT NULL;

COMMENT ON COLUMN etl.run.scheduled_for IS 'Daemon runs: the cron fire time (UTC) this run executes; null for `douyin-etl run` and other manual runs.';
COMMENT ON COLUMN etl.run.scheduler_instance IS 'Daemon runs: the Quartz scheduler instance (node) that ran it.';
