using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Tests.Warehouse;

/// <summary>
/// The worker's partition maintenance on a pinned clock: Beijing months (whose boundaries are 16:00 UTC the day
/// before), created ahead across a year's end, every hour and day landing in its month through the real writers,
/// nothing lost for a month without a partition, retention dropping whole old months only, and several processes at once.
/// </summary>
public sealed class PartitionMaintenanceTests
{
    /// <summary>Beijing 2027-01-01 00:30, still 2026-12-31 in UTC.</summary>
    private static readonly DateTimeOffset NewYearInBeijing = new(2026, 12, 31, 16, 30, 0, TimeSpan.Zero);

    private const string MonthPartitions = """
        SELECT child.relname
        FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid JOIN pg_namespace n ON n.oid = child.relnamespace
        WHERE i.inhparent = @Table::regclass AND n.nspname = 'partitions' AND child.relname NOT LIKE '%\_default'
        ORDER BY 1
        """;

    [Fact]
    public async Task Migrate_AtBeijingNewYear_CreatesJanuaryToMarchOfTheNewYearForEveryTable()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());

        await Migrations.Runner(dataSource, new FixedClock(NewYearInBeijing)).MigrateAsync(CancellationToken.None);

        foreach (var table in PartitionedTable.All)
        {
            Assert.Equal([$"{table.Name}_2027_01", $"{table.Name}_2027_02", $"{table.Name}_2027_03"], await QueryAsync<string>(dataSource, MonthPartitions, new { Table = table.QualifiedName }));
            Assert.Equal("DEFAULT", await ScalarAsync<string>(dataSource, $"SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = '{table.DefaultPartition}'::regclass"));
        }
    }

    [Fact]
    public async Task EveryHourAndDay_LandsInItsBeijingMonth_ARowWithoutAMonthWaitsInTheDefaultUntilMoved_AndRewritesAddNothing()
    {
        var clock = new FixedClock(NewYearInBeijing);
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await Migrations.Runner(dataSource, clock).MigrateAsync(CancellationToken.None);
        await AddWorksAsync(dataSource, "a-1", ["7000000000000000001", "7000000000000000002"]);

        // Every hour from Beijing 2026-12-31 23:00 (no partition: December was never created) to 2027-03-31 23:00,
        // and every Beijing day of the quarter, through the writers the jobs use.
        var firstHour = new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero);
        var lastHour = new DateTimeOffset(2027, 3, 31, 15, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, (int)(lastHour - firstHour).TotalHours + 1).Select(h => firstHour.AddHours(h)).ToList();
        await WriteSnapshotsAsync(dataSource, "a-1", ["7000000000000000001", "7000000000000000002"], hours);
        var days = Enumerable.Range(0, 90).Select(d => new DateOnly(2027, 1, 1).AddDays(d)).ToList();
        await WriteDiagnosisAsync(dataSource, "a-1", days);

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["item_metric_snapshot_2027_01"] = 31 * 24 * 2,
                ["item_metric_snapshot_2027_02"] = 28 * 24 * 2,
                ["item_metric_snapshot_2027_03"] = 31 * 24 * 2,
                ["item_metric_snapshot_default"] = 2,
            },
            await RowsPerPartitionAsync(dataSource, "douyin.item_metric_snapshot"));
        Assert.Equal(
            new Dictionary<string, long> { ["author_diagnosis_2027_01"] = 31, ["author_diagnosis_2027_02"] = 28, ["author_diagnosis_2027_03"] = 31 },
            await RowsPerPartitionAsync(dataSource, "douyin.author_diagnosis"));
        Assert.Equal(
            ("2026-12-31 16:00:00", "2027-01-31 15:00:00"),
            await ScalarAsync<(string, string)>(dataSource, "SELECT min(captured_hour AT TIME ZONE 'UTC')::text, max(captured_hour AT TIME ZONE 'UTC')::text FROM partitions.item_metric_snapshot_2027_01"));

        // The same rows again (a re-run, a replay) overwrite: not one row more.
        await WriteSnapshotsAsync(dataSource, "a-1", ["7000000000000000001", "7000000000000000002"], hours);
        await WriteDiagnosisAsync(dataSource, "a-1", days);
        Assert.Equal(hours.Count * 2, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM douyin.item_metric_snapshot"));
        Assert.Equal(90, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM douyin.author_diagnosis"));

        var report = await Migrations.Partitions(dataSource, clock).RunAsync(CancellationToken.None);

        Assert.Equal(["partitions.item_metric_snapshot_2026_12"], report.Created);
        Assert.Equal(2, report.RowsMoved);
        Assert.Empty(report.Failures);
        Assert.Equal(
            ["2026-12-31 15:00:00", "2026-12-31 15:00:00"],
            await QueryAsync<string>(dataSource, "SELECT (captured_hour AT TIME ZONE 'UTC')::text FROM partitions.item_metric_snapshot_2026_12"));
        Assert.Equal(0, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM partitions.item_metric_snapshot_default"));
        Assert.Equal(hours.Count * 2, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM douyin.item_metric_snapshot"));

        var again = await Migrations.Partitions(dataSource, clock).RunAsync(CancellationToken.None);
        Assert.Empty(again.Created.Concat(again.Dropped).Concat(again.Failures));
        Assert.Equal(0, again.RowsMoved);

        // Beijing April begins at 16:00 UTC on March 31: April to June appear for every table.
        clock.Now = new DateTimeOffset(2027, 3, 31, 16, 0, 0, TimeSpan.Zero);
        var april = await Migrations.Partitions(dataSource, clock).RunAsync(CancellationToken.None);
        Assert.Equal(
            PartitionedTable.All.SelectMany(t => new[] { t.Partition(new BeijingMonth(2027, 4)), t.Partition(new BeijingMonth(2027, 5)), t.Partition(new BeijingMonth(2027, 6)) }).Order(StringComparer.Ordinal),
            april.Created.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Retention_DropsWholeMonthsBeforeTheKeptOnes_AndLeavesEveryNewerRowAndOtherTable()
    {
        var clock = new FixedClock(NewYearInBeijing);
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await Migrations.Runner(dataSource, clock).MigrateAsync(CancellationToken.None);
        await AddWorksAsync(dataSource, "a-1", ["7000000000000000001"]);

        // Beijing September 2026 to January 2027, hourly; then the months of the DEFAULT get their partitions.
        var firstHour = new DateTimeOffset(2026, 8, 31, 16, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, (int)(NewYearInBeijing - firstHour).TotalHours).Select(h => firstHour.AddHours(h)).ToList();
        await WriteSnapshotsAsync(dataSource, "a-1", ["7000000000000000001"], hours);
        await WriteDiagnosisAsync(dataSource, "a-1", [.. Enumerable.Range(0, 120).Select(d => new DateOnly(2026, 9, 1).AddDays(d))]);
        Assert.Empty((await Migrations.Partitions(dataSource, clock).RunAsync(CancellationToken.None)).Failures);
        // A partition named like a month but cut differently (by hand): retention must not guess what it holds.
        await ExecuteAsync(dataSource, "CREATE TABLE partitions.item_metric_snapshot_2026_08 PARTITION OF douyin.item_metric_snapshot FOR VALUES FROM ('2026-08-01 00:00:00+08') TO ('2026-08-15 00:00:00+08')");
        var kept = await QueryAsync<string>(dataSource, "SELECT to_jsonb(s)::text FROM douyin.item_metric_snapshot s WHERE captured_hour >= '2026-12-01 00:00:00+08' ORDER BY 1");
        var diagnosis = await RowsPerPartitionAsync(dataSource, "douyin.author_diagnosis");

        // Keep the current Beijing month (January 2027) and one before it: September to November go, December stays.
        var report = await Migrations.Partitions(dataSource, clock, new WarehouseOptions { RetentionMonths = { ["item_metric_snapshot"] = "1" } }).RunAsync(CancellationToken.None);

        Assert.Equal(["partitions.item_metric_snapshot_2026_09", "partitions.item_metric_snapshot_2026_10", "partitions.item_metric_snapshot_2026_11"], report.Dropped);
        Assert.Equal(
            ["item_metric_snapshot_2026_08", "item_metric_snapshot_2026_12", "item_metric_snapshot_2027_01", "item_metric_snapshot_2027_02", "item_metric_snapshot_2027_03"],
            await QueryAsync<string>(dataSource, MonthPartitions, new { Table = "douyin.item_metric_snapshot" }));
        Assert.Contains(report.Failures, f => f.Contains("item_metric_snapshot_2026_08", StringComparison.Ordinal) && f.Contains("left in place", StringComparison.Ordinal));
        Assert.Equal(kept, await QueryAsync<string>(dataSource, "SELECT to_jsonb(s)::text FROM douyin.item_metric_snapshot s WHERE captured_hour >= '2026-08-15 00:00:00+08' ORDER BY 1"));
        Assert.Equal(0, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM douyin.item_metric_snapshot WHERE captured_hour >= '2026-08-15 00:00:00+08' AND captured_hour < '2026-12-01 00:00:00+08'"));
        Assert.Equal(diagnosis, await RowsPerPartitionAsync(dataSource, "douyin.author_diagnosis"));
    }

    [Fact]
    public async Task FourProcessesAtOnce_CreateEachMonthOnce_WithoutAFailure()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(database))
        {
            await Migrations.Runner(dataSource, new FixedClock(NewYearInBeijing)).MigrateAsync(CancellationToken.None);
        }

        // A year later every table needs three new months; four processes (connections of their own) start at once.
        var later = new FixedClock(NewYearInBeijing.AddYears(1));
        var sources = Enumerable.Range(0, 4).Select(i => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"process-{i}" }.ConnectionString)).ToList();
        try
        {
            var reports = await Task.WhenAll(sources.Select(s => Task.Run(() => Migrations.Partitions(s, later).RunAsync(CancellationToken.None))));

            Assert.Empty(reports.SelectMany(r => r.Failures));
            var created = reports.SelectMany(r => r.Created).ToList();
            Assert.Equal(created.Distinct().Count(), created.Count);
            Assert.Equal(PartitionedTable.All.Count * 3, created.Count);
            foreach (var table in PartitionedTable.All)
            {
                Assert.Equal(
                    [.. new[] { 1, 2, 3 }.Select(m => $"{table.Name}_2027_0{m}"), .. new[] { 1, 2, 3 }.Select(m => $"{table.Name}_2028_0{m}")],
                    await QueryAsync<string>(sources[0], MonthPartitions, new { Table = table.QualifiedName }));
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    private static async Task AddWorksAsync(NpgsqlDataSource dataSource, string account, IEnumerable<string> items)
    {
        await ExecuteAsync(dataSource, "INSERT INTO douyin.account VALUES (@Account, @Account, now(), now())", new { Account = account });
        foreach (var item in items)
        {
            await ExecuteAsync(dataSource, "INSERT INTO douyin.item (item_id, account_id, first_seen_at, last_seen_at) VALUES (@Item, @Account, now(), now())", new { Item = item, Account = account });
        }
    }

    /// <summary>One item-list page per hour, through the item-list writer (COPY → staging → INSERT … ON CONFLICT).</summary>
    private static async Task WriteSnapshotsAsync(NpgsqlDataSource dataSource, string account, IReadOnlyList<string> items, IEnumerable<DateTimeOffset> hours)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var hour in hours)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var metrics = new ListedMetrics(100, 5, 1, 1, 1, 0, null, null, null, null, null, """{"play_count": 100}""");
            await ItemListSql.Snapshots.ExecuteAsync(connection, transaction, [.. items.Select(i => new SnapshotRow(i, hour, account, hour.AddMinutes(5), metrics, 1))], CancellationToken.None);
            await transaction.CommitAsync();
        }
    }

    /// <summary>One diagnosis value per Beijing day, upserted as the author-diagnosis job does (its key holds the day).</summary>
    private static async Task WriteDiagnosisAsync(NpgsqlDataSource dataSource, string account, IEnumerable<DateOnly> days)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var day in days)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO douyin.author_diagnosis (account_id, data_day, dimension, served, captured_at) VALUES (@Account, @Day, 'PlayCnt', '{}', now())
                ON CONFLICT (account_id, data_day, dimension) DO UPDATE SET captured_at = excluded.captured_at
                """,
                new { Account = account, Day = day });
        }
    }

    private static async Task<Dictionary<string, long>> RowsPerPartitionAsync(NpgsqlDataSource dataSource, string table) =>
        (await QueryAsync<(string Partition, long Rows)>(dataSource, $"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1"))
        .ToDictionary(r => r.Partition["partitions.".Length..], r => r.Rows);

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, object? parameters = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql) => (await QueryAsync<T>(dataSource, sql)).Single();

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, object? parameters = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }
}
