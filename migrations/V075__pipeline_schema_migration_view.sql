-- V075: which migrations this database has, readable by the analyst role (douyin_analyst reads douyin, never etl),
-- so `douyin-etl status` run with an analyst login can say that the schema is behind the build without reading etl.
-- The view runs with its owner's rights, like the other pipeline_* views; it shows versions and names only.

CREATE VIEW douyin.pipeline_schema_migration AS
SELECT m.version,
       m.name,
       m.applied_at
FROM etl.schema_migration m;

COMMENT ON VIEW douyin.pipeline_schema_migration IS 'Migrations applied to this database (已应用的数据库迁移): one row per migrations/V###__name.sql file. `douyin-etl status` compares it with the build to say the schema is behind. Source: etl.schema_migration.';
COMMENT ON COLUMN douyin.pipeline_schema_migration.version IS 'Migration number (迁移编号), the ### of V###__name.sql.';
COMMENT ON COLUMN douyin.pipeline_schema_migration.name IS 'Migration name (迁移名称), the name of V###__name.sql.';
COMMENT ON COLUMN douyin.pipeline_schema_migration.applied_at IS 'When it was applied (应用时间), UTC.';
