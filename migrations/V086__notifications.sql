-- V086: notifications that reach a person (a chat group, a webhook) once per state change, whichever process saw it:
-- daemon replicas and CronJob runs are separate processes, so the last state told about each subject (an account's
-- cookie, a job's runs, a stream's freshness, a job's call budget) is kept here, and every process that finishes a run
-- compares the warehouse's current states with it under one advisory lock: only the first to see a change records it.
-- Each change is one etl.notification; each configured sink gets one etl.notification_delivery row for it, claimed
-- with a lease (so two processes never send the same message) and retried by later runs until it is sent or given up.
-- Sinks are named by their configured Name, never by URL (a webhook URL carries its token).

CREATE TABLE etl.notification_state (
    subject    text        PRIMARY KEY,
    state      text        NOT NULL,
    since      timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

COMMENT ON TABLE etl.notification_state IS 'The last state told about each subject (通知状态): a subject without a row is in its normal state (cookie ok, runs ok, stream fresh, budget not spent).';
COMMENT ON COLUMN etl.notification_state.subject IS 'account:<id>, job:<job>, budget:<job> or stream:<stream>:<account id>.';
COMMENT ON COLUMN etl.notification_state.state IS 'account: ok, cookie_expired, no_permission; job: ok, failed, partly_failed; budget: ok, spent; stream: fresh, stale.';
COMMENT ON COLUMN etl.notification_state.since IS 'When the subject entered this state, as first seen by a run (UTC).';
COMMENT ON COLUMN etl.notification_state.updated_at IS 'When this row last changed (UTC).';

CREATE TABLE etl.notification (
    notification_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('cookie_expired', 'no_permission', 'account_ok', 'run_failed',
                                                        'run_partly_failed', 'run_ok', 'stream_stale', 'stream_fresh', 'budget_spent')),
    severity        text        NOT NULL CHECK (severity IN ('critical', 'warning', 'resolved')),
    subject         text        NOT NULL,
    account_id      text,
    job             text,
    run_id          bigint,
    title           text        NOT NULL,
    message         text        NOT NULL
);
CREATE INDEX notification_created_idx ON etl.notification (created_at DESC);

COMMENT ON TABLE etl.notification IS 'Every state change told to a person (通知): a cookie newly expired or working again, a job''s runs failing or recovered, a stream stale or fresh again, a call budget spent. Written once per change by the run that saw it.';
COMMENT ON COLUMN etl.notification.notification_id IS 'Notification id.';
COMMENT ON COLUMN etl.notification.created_at IS 'When the change was seen (UTC).';
COMMENT ON COLUMN etl.notification.kind IS 'cookie_expired, no_permission, account_ok, run_failed, run_partly_failed, run_ok, stream_stale, stream_fresh or budget_spent.';
COMMENT ON COLUMN etl.notification.severity IS 'critical, warning or resolved.';
COMMENT ON COLUMN etl.notification.subject IS 'What changed (see etl.notification_state.subject).';
COMMENT ON COLUMN etl.notification.account_id IS 'Account concerned, if any.';
COMMENT ON COLUMN etl.notification.job IS 'Job or stream concerned, if any.';
COMMENT ON COLUMN etl.notification.run_id IS 'The run after which the change was seen.';
COMMENT ON COLUMN etl.notification.title IS 'One line, as sent.';
COMMENT ON COLUMN etl.notification.message IS 'What happened and what to do, as sent (no credential: ids, names, counts and scrubbed errors only).';

CREATE TABLE etl.notification_delivery (
    notification_id bigint      NOT NULL REFERENCES etl.notification (notification_id),
    sink            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_error      text,
    sent_at         timestamptz,
    lease_until     timestamptz,
    PRIMARY KEY (notification_id, sink)
);
CREATE INDEX notification_delivery_pending_idx ON etl.notification_delivery (sink, notification_id) WHERE status = 'pending';

COMMENT ON TABLE etl.notification_delivery IS 'Each notification × sink (通知投递): sent, still pending (retried after every run), or given up after Notifications:GiveUpAfter. A failing sink never fails a run.';
COMMENT ON COLUMN etl.notification_delivery.notification_id IS 'The notification.';
COMMENT ON COLUMN etl.notification_delivery.sink IS 'Notifications:Sinks:N:Name of the sink (never its URL).';
COMMENT ON COLUMN etl.notification_delivery.status IS 'pending, sent or failed (given up).';
COMMENT ON COLUMN etl.notification_delivery.attempts IS 'HTTP attempts made so far, retries included.';
COMMENT ON COLUMN etl.notification_delivery.last_attempt_at IS 'Last attempt (UTC).';
COMMENT ON COLUMN etl.notification_delivery.last_error IS 'Why the last attempt failed: HTTP status and the sink''s answer, or the kind of network error (never the URL).';
COMMENT ON COLUMN etl.notification_delivery.sent_at IS 'When the sink accepted it (UTC).';
COMMENT ON COLUMN etl.notification_delivery.lease_until IS 'A process is sending it until then; others leave it alone.';

REVOKE ALL ON etl.notification_state, etl.notification, etl.notification_delivery FROM PUBLIC, douyin_analyst;
