-- V053: the read-only analyst role. douyin_analyst (NOLOGIN) may read every table and view in `douyin` — today's and,
-- through default privileges, every one a later migration adds — and nothing in `raw` (payloads) or `etl`
-- (bookkeeping; its health is exposed through the douyin.pipeline_* views). People and tools log in as their own
-- LOGIN roles that are members of it (README, "Analysts").
--
-- Roles belong to the whole PostgreSQL cluster while migrations run per database, possibly for many databases at
-- once: create the role only if it is missing, and accept losing that race to another database's migration.
-- Default privileges apply to objects created by the role that runs this file, i.e. the user that runs migrations.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'douyin_analyst') THEN
        BEGIN
            CREATE ROLE douyin_analyst NOLOGIN;
            COMMENT ON ROLE douyin_analyst IS 'Read-only analysts (分析师只读): SELECT on schema douyin; no access to raw or etl. Grant it to LOGIN roles.';
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database's migration created it a moment ago
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role douyin_analyst does not exist and % may not create roles: as a superuser run CREATE ROLE douyin_analyst NOLOGIN; then migrate again', current_user;
        END;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA douyin TO douyin_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA douyin TO douyin_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA douyin GRANT SELECT ON TABLES TO douyin_analyst;

-- Never granted; said explicitly so nobody reads an omission as an oversight.
REVOKE ALL ON SCHEMA raw, etl FROM PUBLIC, douyin_analyst;
REVOKE ALL ON ALL TABLES IN SCHEMA raw, etl FROM PUBLIC, douyin_analyst;
