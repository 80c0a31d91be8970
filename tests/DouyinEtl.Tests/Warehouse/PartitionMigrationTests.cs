using Dapper;
using DouyinEtl.Replay;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Warehouse;

/// <summary>
/// migrations/V090 on a warehouse the old schema filled: every job run against the sandbox at hours around a Beijing
/// month end (where the UTC month differs) and the year's end, plus rows a year older moved back by SQL. After the
/// migration every table holds exactly the same rows, keys, indexes, comments and privileges, every analyst view gives
/// exactly the same answer, and the writers' upserts go on working on the partitioned tables.
/// </summary>
public sealed class PartitionMigrationTests
{
    private const int LastUnpartitioned = 89; // every migration before V090
    private const int SharedPaceVersion = 91;
    private const int LastBeforeCoveringIndex = 101; // V102 replaces an index of item_metric_snapshot on purpose

    // Beijing 2026-11-30 20:30, 23:40; 2026-12-01 00:20 (still November 30 in UTC); 2027-01-01 00:20 (2026 in UTC).
    private static readonly DateTimeOffset[] RunTimes =
    [
        new(2026, 11, 30, 12, 30, 0, TimeSpan.Zero),
        new(2026, 11, 30, 15, 40, 0, TimeSpan.Zero),
        new(2026, 11, 30, 16, 20, 0, TimeSpan.Zero),
        new(2026, 12, 31, 16, 20, 0, TimeSpan.Zero),
    ];

    private const string Relation = """
        SELECT c.relkind::text AS kind, pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment,
               (SELECT string_agg(format('%s %s%s', CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type,
                                         CASE WHEN a.is_grantable THEN ' grantable' ELSE '' END), ', ' ORDER BY 1)
                FROM aclexplode(c.relacl) a) AS grants
        FROM pg_class c WHERE c.oid = @Table::regclass
        """;

    private const string Columns = """
        SELECT string_agg(format('%s %s%s default %s: %s', a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                                 coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), coalesce(col_description(a.attrelid, a.attnum), '-')), E'\n' ORDER BY a.attnum)
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = @Table::regclass AND a.attnum > 0 AND NOT a.attisdropped
        """;

    private const string Constraints = """
        SELECT coalesce(string_agg(format('%s %s', conname, pg_get_constraintdef(oid)), E'\n' ORDER BY conname), '')
        FROM pg_constraint WHERE conrelid = @Table::regclass
        """;

    private const string Indexes = """
        SELECT coalesce(string_agg(pg_get_indexdef(indexrelid), E'\n' ORDER BY pg_get_indexdef(indexrelid)), '')
        FROM pg_index WHERE indrelid = @Table::regclass
        """;

    // Views whose answer does not move with the database clock (pipeline_stream_status counts hours since now()).
    private const string StableViews = """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'douyin' AND c.relkind = 'v' AND pg_get_viewdef(c.oid) NOT LIKE '%now()%'
          AND c.relname <> 'pipeline_schema_migration' -- lists the migrations: V090 itself is the one row it gains
        ORDER BY 1
        """;

    [Fact]
    public async Task V090_OnAWarehouseTheOldSchemaFilled_KeepsEveryRowKeyGrantAndViewAnswer()
    {
        await using var harness = await Harness.StartAsync(
            o => (o.FixedNow, o.ForwardDays, o.ItemsPerAccount, o.Variant) = (RunTimes[0], 60, 60, PayloadVariant.Mixed),
            new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = "100" },
            database: await PostgresServer.CreateDatabaseAsync()); // empty: the old schema first
        await MigrateAsync(harness, LastUnpartitioned);

        // Today's worker paces and lands calls with V091's objects: lent to the old schema while it is filled, taken
        // away before migrating (V091 itself then runs after V090 as on any warehouse).
        await harness.ScalarAsync<int>(MigrationRunner.Embedded.Single(m => m.Version == SharedPaceVersion).Sql + "; SELECT 1");
        foreach (var now in RunTimes)
        {
            harness.SetNow(now);
            foreach (var job in RegisteredJobs.Names)
            {
                await RunWithoutMigratingAsync(harness, job);
            }
        }

        await CopyBackAYearAsync(harness);
        var tables = PartitionedTable.All.Select(t => t.Name).ToList();
        foreach (var table in tables)
        {
            Assert.True(await harness.ScalarAsync<long>($"SELECT count(DISTINCT {KeyOf(table)}) FROM douyin.{table}") >= 2, $"douyin.{table} is empty: the test would prove nothing for it");
        }

        var views = await harness.QueryAsync<string>(StableViews);
        var rowsBefore = await RowsAsync(harness, tables);
        var viewsBefore = await RowsAsync(harness, views);
        var catalogBefore = await CatalogAsync(harness, tables);

        await harness.ScalarAsync<int>("DROP VIEW etl.run_key; DROP TABLE etl.upstream_pace; ALTER TABLE raw.api_call DROP COLUMN key_id; SELECT 1");
        await MigrateAsync(harness, LastBeforeCoveringIndex);

        Assert.Equal(tables.Order(), await harness.QueryAsync<string>(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'douyin' AND c.relkind = 'p' ORDER BY 1"));
        var rowsAfter = await RowsAsync(harness, tables);
        Assert.All(tables, t => Assert.True(rowsBefore[t].SequenceEqual(rowsAfter[t]), $"douyin.{t}: {Difference(rowsBefore[t], rowsAfter[t])}"));
        var viewsAfter = await RowsAsync(harness, views);
        Assert.All(views, v => Assert.True(viewsBefore[v].SequenceEqual(viewsAfter[v]), $"douyin.{v}: {Difference(viewsBefore[v], viewsAfter[v])}"));
        var catalogAfter = await CatalogAsync(harness, tables);
        foreach (var table in tables)
        {
            var (before, after) = (catalogBefore[table], catalogAfter[table]);
            Assert.Equal(("r", "p"), (before.Relation.Kind, after.Relation.Kind));
            Assert.Equal(before.Relation.Owner, after.Relation.Owner);
            Assert.Equal(before.Relation.Grants, after.Relation.Grants);
            Assert.Contains("douyin_analyst SELECT", after.Relation.Grants, StringComparison.Ordinal);
            Assert.StartsWith(before.Relation.Comment + " Stored by Beijing month", after.Relation.Comment, StringComparison.Ordinal);
            Assert.Equal(before.Columns, after.Columns);
            Assert.Equal(before.Constraints, after.Constraints);
            Assert.Equal(before.Indexes.Replace("ON douyin.", "ON ONLY douyin.", StringComparison.Ordinal), after.Indexes);
        }

        // The migrations after V090 on the partitioned warehouse (V102 rebuilds an index on every month) answer alike.
        await MigrateAsync(harness, int.MaxValue);
        var viewsLatest = await RowsAsync(harness, views);
        Assert.All(views, v => Assert.True(viewsBefore[v].SequenceEqual(viewsLatest[v]), $"douyin.{v} after the later migrations: {Difference(viewsBefore[v], viewsLatest[v])}"));

        // Every row sits in its Beijing month's partition: the DEFAULT partitions are empty, and the hour that began
        // Beijing's December (16:00 UTC on November 30) is in December's.
        foreach (var table in tables)
        {
            Assert.Equal(0L, await harness.ScalarAsync<long>($"SELECT count(*) FROM partitions.{table}_default"));
        }

        Assert.Equal(
            await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot WHERE captured_hour = '2026-11-30 16:00:00+00'"),
            await harness.ScalarAsync<long>("SELECT count(*) FROM partitions.item_metric_snapshot_2026_12 WHERE captured_hour = '2026-11-30 16:00:00+00'"));
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM partitions.item_metric_snapshot_2026_12 WHERE captured_hour = '2026-11-30 16:00:00+00'") > 0);

        // The writers' upserts on the partitioned tables: a replay of every landed answer rewrites each row in place
        // (ON CONFLICT on keys that hold the month), and the next hour's item-list adds that hour's snapshots.
        using (var host = harness.BuildHost())
        {
            var replay = await host.Services.GetRequiredService<Replayer>().RunAsync(new ReplayRequest([], [], RunPeriod.Default), null, CancellationToken.None);
            Assert.Equal(RunOutcome.Succeeded, replay.Outcome);
        }

        var replayed = await RowsAsync(harness, tables);
        Assert.All(tables, t => Assert.True(rowsAfter[t].SequenceEqual(replayed[t]), $"douyin.{t} after replay: {Difference(rowsAfter[t], replayed[t])}"));
        harness.SetNow(RunTimes[^1].AddHours(1));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("item-list")).Outcome);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM partitions.item_metric_snapshot_2027_01 WHERE captured_hour = '2026-12-31 17:00:00+00'") > 0);
    }

    private static string KeyOf(string table) => PartitionedTable.All.Single(t => t.Name == table).KeyColumn;

    private static async Task MigrateAsync(Harness harness, int throughVersion)
    {
        using var host = harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None, throughVersion);
    }

    private static async Task RunWithoutMigratingAsync(Harness harness, string job)
    {
        using var host = harness.BuildHost();
        var summary = await host.Services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(job, [], RunPeriod.Default, "test"), CancellationToken.None);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, $"{job} at {harness.Now:u}: {summary.Outcome} {summary.Error}");
    }

    /// <summary>
    /// Each partitioned table's rows again, a year (365 days) earlier: history that spans many months. The sandbox's
    /// works get no bullet hot words, so a few are made up for that earlier year.
    /// </summary>
    private static async Task CopyBackAYearAsync(Harness harness)
    {
        await using var connection = await harness.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO douyin.item_danmaku_hot_word (item_id, snapshot_day, word, account_id, captured_at, occurrences, sentiment, source_call_id)
            SELECT item_id, snapshot_day - 365, '好看', account_id, captured_at, 3, 'positive', source_call_id FROM douyin.item_danmaku_total
            """);
        foreach (var table in PartitionedTable.All)
        {
            var columns = await connection.QueryAsync<string>(
                "SELECT attname FROM pg_attribute WHERE attrelid = @Table::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                new { Table = table.QualifiedName });
            var select = string.Join(", ", columns.Select(c => c == table.KeyColumn ? $"{c} - interval '365 days'" : c));
            await connection.ExecuteAsync($"INSERT INTO {table.QualifiedName} SELECT {select} FROM {table.QualifiedName}");
        }
    }

    private static async Task<Dictionary<string, List<string>>> RowsAsync(Harness harness, IEnumerable<string> relations)
    {
        var rows = new Dictionary<string, List<string>>();
        foreach (var relation in relations)
        {
            rows[relation] = await harness.QueryAsync<string>($"SELECT to_jsonb(t)::text AS row FROM douyin.{relation} t ORDER BY to_jsonb(t)::text COLLATE \"C\"");
        }

        return rows;
    }

    private static async Task<Dictionary<string, TableCatalog>> CatalogAsync(Harness harness, IEnumerable<string> tables)
    {
        var catalog = new Dictionary<string, TableCatalog>();
        foreach (var table in tables)
        {
            var parameters = new { Table = "douyin." + table };
            catalog[table] = new TableCatalog(
                (await harness.QueryAsync<RelationFacts>(Relation, parameters)).Single(),
                await harness.ScalarAsync<string>(Columns, parameters),
                await harness.ScalarAsync<string>(Constraints, parameters),
                await harness.ScalarAsync<string>(Indexes, parameters));
        }

        return catalog;
    }

    private static string Difference(List<string> before, List<string> after) =>
        $"{before.Count} rows before, {after.Count} after; first lost: {before.Except(after).FirstOrDefault() ?? "none"}; first new: {after.Except(before).FirstOrDefault() ?? "none"}";

    private sealed record RelationFacts(string Kind, string Owner, string? Comment, string? Grants);

    private sealed record TableCatalog(RelationFacts Relation, string Columns, string Constraints, string Indexes);
}
