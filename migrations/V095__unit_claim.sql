-- V095: units of one job shared between processes (Sync:ShareUnits / `run --share`). While a process works a unit it
-- holds a session advisory lock on it (PostgreSQL drops it with the session when the process dies, kill -9 included);
-- once the unit is through (done or failed) it leaves a row here before letting go, so another process that planned
-- the same unit and waited for it skips it instead of paying for it again. Only sharing runs read or write this table.

CREATE TABLE etl.unit_claim (
    job          text        NOT NULL,
    account_id   text        NOT NULL,
    stream       text        NOT NULL,
    scope        text        NOT NULL,
    done_by_run  bigint      NOT NULL,
    done_at      timestamptz NOT NULL,
    PRIMARY KEY (job, account_id, stream, scope)
);

CREATE INDEX unit_claim_done_at_idx ON etl.unit_claim (done_at);

COMMENT ON TABLE etl.unit_claim IS 'Units of work that sharing runs finished (单元认领): a run that planned a unit another process finished after it planned skips it. Rows older than a week are deleted by the next sharing run.';
COMMENT ON COLUMN etl.unit_claim.job IS 'Job the unit belongs to (etl.run.job).';
COMMENT ON COLUMN etl.unit_claim.account_id IS 'Account the unit works for.';
COMMENT ON COLUMN etl.unit_claim.stream IS 'Stream of the unit.';
COMMENT ON COLUMN etl.unit_claim.scope IS 'The unit within the stream and account (a window, a work × endpoint, an overview batch), as in etl.problem.scope.';
COMMENT ON COLUMN etl.unit_claim.done_by_run IS 'The run that finished it last (etl.run.run_id).';
COMMENT ON COLUMN etl.unit_claim.done_at IS 'When that run finished it, by the database clock.';
