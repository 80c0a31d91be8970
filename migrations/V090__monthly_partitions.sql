-- V090: the tables that gain rows every hour or every day for every work or account become partitioned by Beijing
-- calendar month (PostgreSQL declarative RANGE partitioning): the hourly item snapshots, the per-work day tables of
-- item-analytics, the export rows, the live rooms' day reads and the account diagnosis. Queries, upserts, views and
-- grants stay what they were — the parent keeps its name, columns, keys, indexes, comments and privileges — but
-- each month is a table of its own under schema `partitions`, so an old month can be dropped whole (retention:
-- Warehouse:RetentionMonths) and the month being written keeps small, hot indexes however long the history grows.
--
-- Months are Asia/Shanghai months, like every analyst day: a timestamptz key is cut at Beijing midnight of the 1st
-- (`2026-01-01 00:00:00+08`), a date key at the 1st; so a Beijing day never straddles two partitions and retention
-- drops whole days. Each table also has a DEFAULT partition that catches a row for a month nobody created yet: an
-- insert never fails for lack of a partition; the worker's partition maintenance creates months ahead, moves any
-- such row into its month and keeps the DEFAULT empty.
--
-- Conversion, per table, inside this migration's transaction: rename the table (and its indexes) out of the way,
-- create the partitioned table under the old name with the same columns, defaults, NOT NULL and CHECK constraints
-- and column comments (LIKE), one partition per month from the oldest to the newest row plus the DEFAULT, copy
-- every row, then add the primary key (it already holds the month's column, as PostgreSQL requires), the other
-- indexes and the foreign keys under their old names, the table comment, owner and privileges (the analyst role's
-- included), re-point the views that read the table (same definition, so the same meaning; views over those views
-- follow by themselves), and drop the old table — RESTRICT, so anything still depending on it stops the migration
-- instead of being dropped. A warehouse needs room for a second copy of these tables while this runs, and time
-- in proportion to their rows (README, "The warehouse").

CREATE SCHEMA IF NOT EXISTS partitions;
COMMENT ON SCHEMA partitions IS 'Monthly partitions (Beijing months) of douyin tables that grow with time, and their DEFAULT partitions; created, filled and dropped by the worker. Query the parent tables in douyin, never these.';
REVOKE ALL ON SCHEMA partitions FROM PUBLIC;

CREATE FUNCTION pg_temp.partition_by_month(table_name text, key_column text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $convert$
DECLARE
    old_name     text := table_name || '_unpartitioned';
    parent       oid := format('douyin.%I', table_name)::regclass::oid;
    old_table    oid;
    new_table    oid;
    key_type     text;
    views        text[][] := '{}';
    constraints  text[][] := '{}';
    indexes      text[][] := '{}';
    index_names  text[] := '{}';
    table_owner  text;
    table_note   text;
    first_month  date;
    last_month   date;
    month        date;
    item         record;
BEGIN
    SELECT format_type(a.atttypid, a.atttypmod) INTO key_type
    FROM pg_attribute a WHERE a.attrelid = parent AND a.attname = key_column AND NOT a.attisdropped;
    IF key_type NOT IN ('date', 'timestamp with time zone') THEN
        RAISE EXCEPTION 'douyin.%: % is %, not a date or timestamptz', table_name, key_column, key_type;
    END IF;

    -- What this recipe does not carry over must not be there.
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = parent) THEN
        RAISE EXCEPTION 'douyin.%: foreign keys of other tables reference it', table_name;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = parent AND NOT tgisinternal)
       OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = parent)
       OR EXISTS (SELECT 1 FROM pg_class WHERE oid = parent AND (relrowsecurity OR reloptions IS NOT NULL)) THEN
        RAISE EXCEPTION 'douyin.%: has triggers, row security or storage options this migration does not carry over', table_name;
    END IF;

    -- Remember, under today's names, what must be rebuilt on the new table.
    SELECT pg_get_userbyid(relowner), obj_description(oid, 'pg_class') INTO table_owner, table_note FROM pg_class WHERE oid = parent;
    SELECT coalesce(array_agg(ARRAY[v.oid::regclass::text, pg_get_viewdef(v.oid)] ORDER BY v.oid), '{}') INTO views
    FROM pg_class v
    WHERE v.relkind = 'v' AND v.oid IN (
        SELECT r.ev_class FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = parent AND r.ev_class <> parent);
    IF EXISTS (SELECT 1 FROM pg_class WHERE oid::regclass::text = ANY (SELECT views[i][1] FROM generate_subscripts(views, 1) i) AND reloptions IS NOT NULL) THEN
        RAISE EXCEPTION 'douyin.%: a view reading it has options this migration does not carry over', table_name;
    END IF;
    -- Primary key and unique constraints first (they make the indexes that back them), then foreign keys.
    SELECT coalesce(array_agg(ARRAY[c.conname::text, pg_get_constraintdef(c.oid)] ORDER BY c.contype DESC, c.conname), '{}') INTO constraints
    FROM pg_constraint c WHERE c.conrelid = parent AND c.contype IN ('p', 'u', 'f');
    SELECT coalesce(array_agg(ARRAY[i.relname::text, pg_get_indexdef(i.oid)] ORDER BY i.relname), '{}') INTO indexes
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = parent AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.conrelid = parent);
    SELECT coalesce(array_agg(i.relname::text), '{}') INTO index_names FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = parent;

    -- Out of the way: the old table and its index names.
    EXECUTE format('ALTER TABLE douyin.%I RENAME TO %I', table_name, old_name);
    old_table := parent;
    FOR i IN 1 .. coalesce(array_length(index_names, 1), 0) LOOP
        EXECUTE format('ALTER INDEX douyin.%I RENAME TO %I', index_names[i], left(index_names[i], 59) || '_old');
    END LOOP;

    EXECUTE format(
        'CREATE TABLE douyin.%I (LIKE douyin.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE (%I)',
        table_name, old_name, key_column);
    new_table := format('douyin.%I', table_name)::regclass::oid;
    EXECUTE format('CREATE TABLE partitions.%I PARTITION OF douyin.%I DEFAULT', table_name || '_default', table_name);

    -- One partition per Beijing month from the oldest row to the newest.
    IF key_type = 'date' THEN
        EXECUTE format('SELECT date_trunc(''month'', min(%1$I))::date, date_trunc(''month'', max(%1$I))::date FROM douyin.%2$I', key_column, old_name)
            INTO first_month, last_month;
    ELSE
        EXECUTE format('SELECT date_trunc(''month'', min(%1$I) AT TIME ZONE ''Asia/Shanghai'')::date, date_trunc(''month'', max(%1$I) AT TIME ZONE ''Asia/Shanghai'')::date FROM douyin.%2$I', key_column, old_name)
            INTO first_month, last_month;
    END IF;
    month := first_month;
    WHILE month <= last_month LOOP
        EXECUTE format('CREATE TABLE partitions.%I PARTITION OF douyin.%I FOR VALUES FROM (%L) TO (%L)',
            table_name || '_' || to_char(month, 'YYYY_MM'), table_name,
            CASE key_type WHEN 'date' THEN to_char(month, 'YYYY-MM-DD') ELSE to_char(month, 'YYYY-MM-DD') || ' 00:00:00+08' END,
            CASE key_type WHEN 'date' THEN to_char(month + interval '1 month', 'YYYY-MM-DD') ELSE to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+08' END);
        month := month + interval '1 month';
    END LOOP;

    -- The rows, then the keys and indexes built once over them (faster than maintaining them row by row).
    PERFORM set_config('maintenance_work_mem', '256MB', true);
    EXECUTE format('INSERT INTO douyin.%I SELECT * FROM douyin.%I', table_name, old_name);
    FOR i IN 1 .. coalesce(array_length(constraints, 1), 0) LOOP
        EXECUTE format('ALTER TABLE douyin.%I ADD CONSTRAINT %I %s', table_name, constraints[i][1], constraints[i][2]);
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(indexes, 1), 0) LOOP
        EXECUTE indexes[i][2];
    END LOOP;

    -- Comment (saying how it is stored, for analysts), owner, privileges (exactly the old ones: grant what it had,
    -- revoke what it did not).
    EXECUTE format('COMMENT ON TABLE douyin.%I IS %L', table_name, table_note ||
        ' Stored by Beijing month (one partition per month in schema partitions); with Warehouse:RetentionMonths set for this table, months older than that are dropped whole.');
    IF table_owner <> current_user THEN
        EXECUTE format('ALTER TABLE douyin.%I OWNER TO %I', table_name, table_owner);
    END IF;
    FOR item IN
        SELECT a.privilege_type, a.is_grantable, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
        FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = old_table AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON douyin.%I TO %s%s', item.privilege_type, table_name, item.grantee, CASE WHEN item.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    FOR item IN
        SELECT a.privilege_type, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
        FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = new_table AND a.grantee <> c.relowner
        EXCEPT
        SELECT a.privilege_type, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
        FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = old_table AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE %s ON douyin.%I FROM %s', item.privilege_type, table_name, item.grantee);
    END LOOP;
    FOR item IN SELECT p.pubname FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE pr.prrelid = old_table LOOP
        EXECUTE format('ALTER PUBLICATION %I ADD TABLE douyin.%I', item.pubname, table_name);
    END LOOP;

    -- The views that read the old table read the new one: the same definition, bound to the new table by name.
    FOR i IN 1 .. coalesce(array_length(views, 1), 0) LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %s AS %s', views[i][1], views[i][2]);
    END LOOP;

    EXECUTE format('DROP TABLE douyin.%I', old_name);
    EXECUTE format('ANALYZE douyin.%I', table_name);
END
$convert$;

SELECT pg_temp.partition_by_month('item_metric_snapshot', 'captured_hour');
SELECT pg_temp.partition_by_month(t, 'snapshot_day')
FROM unnest(ARRAY['item_analysis_fetch', 'item_overview', 'item_play_source', 'item_search_keyword', 'item_search_keyword_total',
                  'item_watch_trend', 'item_audience_portrait', 'item_audience_others', 'item_danmaku_distribution',
                  'item_danmaku_hot_word', 'item_danmaku_total', 'item_export_row']) t;
SELECT pg_temp.partition_by_month('live_room_daily', 'captured_day');
SELECT pg_temp.partition_by_month('author_diagnosis', 'data_day');

DROP FUNCTION pg_temp.partition_by_month(text, text);
