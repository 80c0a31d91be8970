-- V091: the TikHub key quota is shared by every process through the warehouse, and a run may use a pool of keys.
--
-- etl.upstream_pace holds, per key (endpoint '') and per key × endpoint, the slots reserved less than one interval
-- ago or still ahead: each attempt of every process reserves its slot here in one short transaction (rows locked in
-- key, endpoint order), by the database clock, so N processes on one key together keep its limits. A 429 sets the
-- key's paused_until: every process on that key waits it out.
--
-- raw.api_call.key_id says which key served each attempt (its configured name or a fingerprint, never the key), and
-- etl.run_key counts each run's calls per key from there.

CREATE TABLE etl.upstream_pace (
    key_id       text          NOT NULL,
    endpoint     text          NOT NULL,
    slots        timestamptz[] NOT NULL DEFAULT '{}',
    paused_until timestamptz,
    PRIMARY KEY (key_id, endpoint)
);

COMMENT ON TABLE etl.upstream_pace IS 'Pacing of each TikHub key shared by every worker process (限流调度): the call slots reserved per key and per key × endpoint. Rows are tiny and rewritten on each call; nothing to read for analysis.';
COMMENT ON COLUMN etl.upstream_pace.key_id IS 'Key id: its configured name (TikHub:ApiKeys:N:Name) or key- and 8 hex digits of its SHA-256; never the key.';
COMMENT ON COLUMN etl.upstream_pace.endpoint IS 'Endpoint, or empty for the key as a whole.';
COMMENT ON COLUMN etl.upstream_pace.slots IS 'Instants reserved for calls less than one interval ago or still ahead (database clock).';
COMMENT ON COLUMN etl.upstream_pace.paused_until IS 'The key answered 429: no process calls it before this instant (key row only).';

ALTER TABLE raw.api_call ADD COLUMN key_id text;
COMMENT ON COLUMN raw.api_call.key_id IS 'Which TikHub key served the attempt (etl.upstream_pace.key_id); null for calls landed before V091.';

CREATE VIEW etl.run_key AS
SELECT c.run_id,
       c.key_id,
       count(*) AS calls,
       count(*) FILTER (WHERE c.http_status = 200) AS billed_calls,
       count(*) FILTER (WHERE c.http_status = 429) AS throttled,
       count(*) FILTER (WHERE c.http_status IN (401, 403)) AS refused,
       round(count(*) FILTER (WHERE c.http_status = 200) * r.estimated_cost_usd / NULLIF(r.billed_calls, 0), 4) AS estimated_cost_usd
FROM raw.api_call c
JOIN etl.run r ON r.run_id = c.run_id
WHERE c.key_id IS NOT NULL
GROUP BY c.run_id, c.key_id, r.estimated_cost_usd, r.billed_calls;

COMMENT ON VIEW etl.run_key IS 'Each run''s calls per TikHub key (每个密钥的调用), from raw.api_call.';
COMMENT ON COLUMN etl.run_key.run_id IS 'The run (etl.run).';
COMMENT ON COLUMN etl.run_key.key_id IS 'Key id (name or fingerprint, never the key).';
COMMENT ON COLUMN etl.run_key.calls IS 'Attempts sent with this key, retries included.';
COMMENT ON COLUMN etl.run_key.billed_calls IS 'Attempts TikHub bills: HTTP 200 answers.';
COMMENT ON COLUMN etl.run_key.throttled IS 'Attempts answered 429.';
COMMENT ON COLUMN etl.run_key.refused IS 'Attempts answered 401/403: the key was refused and taken out of the run''s pool.';
COMMENT ON COLUMN etl.run_key.estimated_cost_usd IS 'billed_calls × TikHub:PricePerCall, USD; null until the run ends.';
