using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// S5 of issue 14: <c>douyin.item_metric_snapshot</c> at scale, in the monthly partitions of V090 —
/// <c>dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- warehouse-scale [rows] [accounts]</c> (default 10,000,000
/// rows, 2,000 accounts; fewer accounts give an account the history it would have in a bigger table).
/// <para>
/// The rows are generated in SQL: 2,000 accounts (or as many as asked) over the two years before now, each publishing a work at even
/// intervals, every work snapshotted hourly for its first <see cref="HoursPerWork"/> hours (the item list re-reads
/// recent works every hour); the number of works per account follows from the row count. Then: the analysts' typical
/// queries (one work's hourly curve, one account's latest numbers per work, one account's daily growth over 90 days)
/// three times each, checked against what was generated, goal ≤ 200 ms warm; the hourly upsert of the item list
/// (<see cref="ItemListSql.Snapshots"/>, one page of 100 a transaction) into this table ÷ the same into an empty one,
/// goal ≥ 0.8; and retention dropping a month through <see cref="PartitionMaintenance"/>, goal ≤ 1 s.
/// </para>
/// </summary>
internal static partial class WarehouseScaleBenchmark
{
    public const int DefaultAccounts = 2_000;

    /// <summary>About a month of hourly snapshots per work (a work published mid-month is re-read into the next).</summary>
    private const int HoursPerWork = 720;

    private const int HistoryDays = 730;

    /// <summary>Measured: ~490 bytes a row in the heap (the metrics jsonb is most of it) and ~210 in the two indexes (V102's covering one ~160).</summary>
    private const long BytesPerRow = 700;

    private const long MinimumFreeBytesAfter = 20L * 1024 * 1024 * 1024;

    private const int Repeats = 3;

    private const int UpsertRepeats = 5;

    /// <summary>Each measurement writes as many hours as it takes to reach this many rows (an hour is small below 100M rows).</summary>
    private const int UpsertRowsPerRepeat = 20_000;

    private const int UpsertPage = 100;

    private const string InsertAccounts = """
        INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at)
        SELECT 'bench-' || lpad(a::text, 4, '0'), 'bench ' || a, @NowHour, @NowHour FROM generate_series(1, @Accounts) a
        """;

    /// <summary>Works spread evenly over the history, account by account offset a little, at a minute past the hour.</summary>
    private const string InsertItems = """
        INSERT INTO douyin.item (item_id, account_id, title, publish_time, publish_day, creator_type, duration_ms, review_status, is_public, first_seen_at, last_seen_at)
        SELECT (7300000000000000000 + a * 100000 + w)::text, 'bench-' || lpad(a::text, 4, '0'), '作品 ' || w || ' #日常',
               p, (p AT TIME ZONE 'Asia/Shanghai')::date, 4, 15000, 2, true, p, @NowHour
        FROM generate_series(1, @Accounts) a, generate_series(0, @Works - 1) w,
             LATERAL (SELECT @NowHour - make_interval(days => @HistoryDays) * (1 - (w + a::float8 / @Accounts) / @Works) + (a % 60) * interval '1 minute' AS p) t
        """;

    /// <summary>
    /// Each work's snapshots, hourly from the hour after its publication for <c>@Hours</c> hours, never past now;
    /// cumulative views grow with its age; the metrics document as the item list serves it (numbers as strings).
    /// </summary>
    private const string InsertSnapshots = """
        INSERT INTO douyin.item_metric_snapshot (item_id, captured_hour, account_id, captured_at, view_count, like_count, comment_count, share_count,
            favorite_count, subscribe_count, completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate, avg_view_second, metrics)
        SELECT i.item_id, h, i.account_id, h + interval '7 minutes', v, v / 20, v / 300, v / 500, v / 150, v / 900, 0.3512, 0.5123, 0.2312, 0.0812, 12.5,
               format('{"view_count":"%s","like_count":"%s","comment_count":"%s","share_count":"%s","favorite_count":"%s","subscribe_count":"%s","completion_rate":"0.351200","completion_rate_5s":"0.512300","bounce_rate_2s":"0.231200","cover_click_rate":"0.081200","avg_view_second":"12.500000"}',
                      v, v / 20, v / 300, v / 500, v / 150, v / 900)::jsonb
        FROM douyin.item i,
             LATERAL generate_series(date_trunc('hour', i.publish_time) + interval '1 hour',
                                     least(date_trunc('hour', i.publish_time) + @Hours * interval '1 hour', @NowHour), interval '1 hour') h,
             LATERAL (SELECT ((hashtext(i.item_id) & 65535) + 100) * (extract(epoch FROM h - date_trunc('hour', i.publish_time))::bigint / 3600) AS v) m
        WHERE i.account_id BETWEEN @FromAccount AND @ToAccount
        """;

    private const string SnapshotIndexes = """
        SELECT indexdef FROM pg_indexes WHERE schemaname = 'douyin' AND tablename = 'item_metric_snapshot' ORDER BY indexname
        """;

    private const string SecondaryIndexes = """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'douyin' AND tablename = 'item_metric_snapshot' AND indexname <> 'item_metric_snapshot_pkey' ORDER BY indexname
        """;

    private const string Partitions = """
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'douyin.item_metric_snapshot'::regclass ORDER BY c.relname
        """;

    private const string HourlyCurve = """
        SELECT captured_hour, view_count, like_count, comment_count, share_count
        FROM douyin.item_metric_snapshot WHERE item_id = @ItemId ORDER BY captured_hour
        """;

    private const string LatestPerWork = """
        SELECT * FROM douyin.item_latest_metrics WHERE account_id = @AccountId ORDER BY publish_time DESC
        """;

    private const string DailyGrowth = """
        SELECT * FROM douyin.item_daily_growth WHERE account_id = @AccountId AND day > @Since ORDER BY item_id, day
        """;

    private const string AccountDays = """
        SELECT * FROM douyin.account_daily_summary WHERE account_id = @AccountId AND day > @Since ORDER BY day
        """;

    private sealed record Work(string ItemId, string AccountId, DateTime PublishTime);

    private sealed record Shape(long Rows, int Accounts, int Works, int Hours)
    {
        /// <summary>The account whose queries are measured: one in the middle.</summary>
        public string MeasuredAccount => Account((Accounts + 1) / 2);
    }

    public static async Task RunAsync(int rows, int accounts)
    {
        var works = (int)Math.Max(1, Math.Round(rows / ((double)accounts * HoursPerWork)));
        var shape = new Shape(rows, accounts, works, (int)(rows / ((long)accounts * works)));
        var clock = TimeProvider.System;
        var nowHour = ShanghaiTime.FloorToHour(clock.GetUtcNow());
        Bench.Heading($"S5 warehouse at scale: {rows:N0} snapshot rows, {accounts:N0} accounts × {works} works × up to {shape.Hours} hourly snapshots over {HistoryDays} days");
        Bench.Line($"machine: {Bench.Machine()}; nproc {Environment.ProcessorCount}");

        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        var needed = rows * BytesPerRow;
        Bench.Line($"disk: {needed / 1e9:0.0} GB needed (≈{BytesPerRow} B a row), {free / 1e9:0.0} GB free under {Path.GetTempPath()}");
        if (free - needed < MinimumFreeBytesAfter)
        {
            Bench.Line($"NOT RUN: would leave less than {MinimumFreeBytesAfter / (1024 * 1024 * 1024)} GiB free on a shared machine; pick fewer rows (and fewer accounts for the same history per account)");
            return;
        }

        await using var warehouse = await BenchWarehouse.StartAsync();
        var connectionString = await warehouse.CreateDatabaseAsync();
        await BenchWarehouse.MigrateAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await GenerateAsync(dataSource, clock, shape, nowHour);
        await QueriesAsync(dataSource, shape, nowHour);
        await UpsertAsync(warehouse, dataSource, shape, nowHour);
        await RetentionAsync(dataSource, clock);
    }

    private static async Task GenerateAsync(NpgsqlDataSource dataSource, TimeProvider clock, Shape shape, DateTimeOffset nowHour)
    {
        await using var connection = await dataSource.OpenConnectionAsync();

        // The months of the history, created the way the worker creates them: partition maintenance on each month's clock.
        var watch = Stopwatch.StartNew();
        var firstMonth = BeijingMonth.Of(ShanghaiTime.Day(nowHour.AddDays(-HistoryDays)));
        var current = BeijingMonth.Of(ShanghaiTime.Day(nowHour));
        for (var month = firstMonth; month < current; month = month.Plus(1))
        {
            await Maintenance(dataSource, new MonthClock(ShanghaiTime.StartOfDay(month.FirstDay)), retentionMonths: null).RunAsync(CancellationToken.None);
        }

        var partitions = (await connection.QueryAsync<string>(Partitions)).ToList();
        Bench.Line($"partitions of item_metric_snapshot: {partitions.Count} ({partitions[0]} … {partitions[^1]}), created in {watch.Elapsed.TotalSeconds:0.0} s");

        var parameters = new { NowHour = nowHour, shape.Accounts, shape.Works, shape.Hours, HistoryDays };
        await connection.ExecuteAsync(InsertAccounts, parameters);
        await connection.ExecuteAsync(InsertItems, parameters);

        // A bulk load as a DBA would do it: the primary key and index rebuilt once over the rows, and the foreign key
        // to douyin.item not checked row by row (every item_id comes from douyin.item above). The schema afterwards is
        // checked to be the migrated one.
        var indexesAsMigrated = (await connection.QueryAsync<string>(SnapshotIndexes)).ToList();
        var secondaryIndexes = (await connection.QueryAsync<(string Name, string Definition)>(SecondaryIndexes)).ToList();
        await connection.ExecuteAsync("ALTER TABLE douyin.item_metric_snapshot DROP CONSTRAINT item_metric_snapshot_pkey");
        foreach (var index in secondaryIndexes)
        {
            await connection.ExecuteAsync($"DROP INDEX douyin.{index.Name}");
        }

        await connection.ExecuteAsync("SET session_replication_role = replica");
        watch.Restart();
        var inserted = 0L;
        const int AccountsPerStatement = 100;
        for (var from = 1; from <= shape.Accounts; from += AccountsPerStatement)
        {
            var to = Math.Min(shape.Accounts, from + AccountsPerStatement - 1);
            inserted += await connection.ExecuteAsync(new CommandDefinition(
                InsertSnapshots,
                new { FromAccount = Account(from), ToAccount = Account(to), shape.Hours, NowHour = nowHour },
                commandTimeout: 0));
            if (to % 500 == 0 || to == shape.Accounts)
            {
                Bench.Line($"  {inserted,13:N0} rows in {watch.Elapsed.TotalSeconds,6:0} s ({inserted / watch.Elapsed.TotalSeconds:N0} rows/s)  [load {Bench.LoadAverage()}]");
            }
        }

        await connection.ExecuteAsync("RESET session_replication_role");
        var insertTime = watch.Elapsed;
        watch.Restart();
        await connection.ExecuteAsync("SET maintenance_work_mem = '512MB'");
        await connection.ExecuteAsync(new CommandDefinition(
            "ALTER TABLE douyin.item_metric_snapshot ADD CONSTRAINT item_metric_snapshot_pkey PRIMARY KEY (item_id, captured_hour)", commandTimeout: 0));
        foreach (var index in secondaryIndexes)
        {
            // As migrated, but on the partitions too: pg_indexes shows a partitioned index as created ON ONLY the parent.
            await connection.ExecuteAsync(new CommandDefinition(index.Definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal), commandTimeout: 0));
        }

        await connection.ExecuteAsync("RESET maintenance_work_mem");
        var indexTime = watch.Elapsed;
        watch.Restart();

        // What autovacuum does to a production table in time: visibility map (index-only scans) and statistics.
        await connection.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE douyin.item_metric_snapshot", commandTimeout: 0));
        var vacuumTime = watch.Elapsed;
        var indexesNow = (await connection.QueryAsync<string>(SnapshotIndexes)).ToList();
        var size = await connection.ExecuteScalarAsync<long>(
            "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'douyin.item_metric_snapshot'::regclass");
        Bench.Line($"generated {inserted:N0} rows in {insertTime.TotalSeconds:0} s, primary key and index in {indexTime.TotalSeconds:0} s, VACUUM ANALYZE in {vacuumTime.TotalSeconds:0} s; {size / 1e9:0.0} GB with indexes; indexes as migrated: {indexesNow.SequenceEqual(indexesAsMigrated)}  [load {Bench.LoadAverage()}]");
        if (!indexesNow.SequenceEqual(indexesAsMigrated))
        {
            throw new InvalidOperationException("the indexes after the load differ from the migrated ones: " + string.Join("; ", indexesNow));
        }
    }

    private static async Task QueriesAsync(NpgsqlDataSource dataSource, Shape shape, DateTimeOffset nowHour)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var today = ShanghaiTime.Day(nowHour);
        var accountId = shape.MeasuredAccount;
        var since = today.AddDays(-90);
        var works = (await connection.QueryAsync<Work>(
            "SELECT item_id AS ItemId, account_id AS AccountId, publish_time AS PublishTime FROM douyin.item WHERE account_id = @AccountId ORDER BY publish_time",
            new { AccountId = accountId })).ToList();
        var hoursOf = works.ToDictionary(w => w.ItemId, w => SnapshotHours(w, shape, nowHour));

        Bench.Line($"queries (as the analysts' views are used; {Repeats} runs each, the first may read from disk; goal ≤ 200 ms warm = the slowest of runs 2–{Repeats}):");
        var curveWork = works.OrderByDescending(w => hoursOf[w.ItemId].Count).ThenByDescending(w => w.PublishTime).First();
        var curveHours = hoursOf[curveWork.ItemId];
        await MeasureAsync(connection, $"one work's hourly curve ({curveHours.Count} hours)", HourlyCurve, new { curveWork.ItemId }, async () =>
        {
            var curve = (await connection.QueryAsync<(DateTime Hour, long Views, long Likes, long Comments, long Shares)>(HourlyCurve, new { curveWork.ItemId })).ToList();
            return curve.Select(c => new DateTimeOffset(c.Hour, TimeSpan.Zero)).SequenceEqual(curveHours)
                   && curve.Zip(curve.Skip(1)).All(p => p.First.Views < p.Second.Views)
                ? null : $"{curve.Count} rows, not the {curveHours.Count} generated hours with growing views";
        });

        await MeasureAsync(connection, $"one account's latest numbers per work ({works.Count} works, item_latest_metrics)", LatestPerWork, new { AccountId = accountId }, async () =>
        {
            var latest = (await connection.QueryAsync<(string ItemId, DateTime? CapturedAt)>(
                "SELECT item_id, captured_at FROM (" + LatestPerWork + ") l", new { AccountId = accountId })).ToList();
            var wrong = latest.Count(l => l.CapturedAt is not { } at || new DateTimeOffset(at, TimeSpan.Zero) != hoursOf[l.ItemId][^1].AddMinutes(7));
            return latest.Count == works.Count && wrong == 0 ? null : $"{latest.Count} works (of {works.Count}), {wrong} not at their last snapshot";
        });

        var growthDays = works.SelectMany(w => hoursOf[w.ItemId].Select(ShanghaiTime.Day).Distinct().Where(d => d > since).Select(d => (w.ItemId, d))).ToList();
        await MeasureAsync(connection, $"one account's daily growth over 90 days ({growthDays.Count} work-days, item_daily_growth)", DailyGrowth, new { AccountId = accountId, Since = since }, async () =>
        {
            var growth = (await connection.QueryAsync<(string ItemId, DateTime Day, string GrowthBasis)>(
                "SELECT item_id, day, growth_basis FROM (" + DailyGrowth + ") g", new { AccountId = accountId, Since = since })).ToList();
            var same = growth.Select(g => (g.ItemId, DateOnly.FromDateTime(g.Day))).ToHashSet().SetEquals(growthDays);
            var gaps = growth.Count(g => g.GrowthBasis == "gap");

            // A work published in the last hour of a Beijing day has its first snapshot the next day: growth unknown there.
            var firstSnapshots = growth.Where(g => g.GrowthBasis == "first_snapshot").Select(g => (g.ItemId, DateOnly.FromDateTime(g.Day))).ToHashSet();
            var publishedLate = works
                .Where(w => hoursOf[w.ItemId].Count > 0)
                .Select(w => (w.ItemId, Day: ShanghaiTime.Day(hoursOf[w.ItemId][0]), Published: ShanghaiTime.Day(new DateTimeOffset(w.PublishTime, TimeSpan.Zero))))
                .Where(w => w.Day != w.Published && w.Day > since)
                .Select(w => (w.ItemId, w.Day))
                .ToHashSet();
            return same && growth.Count == growthDays.Count && gaps == 0 && firstSnapshots.SetEquals(publishedLate)
                ? null
                : $"{growth.Count} work-days (of {growthDays.Count}), {gaps} gaps, {firstSnapshots.Count} first snapshots after the publish day (of {publishedLate.Count})";
        });

        var accountDays = growthDays.Select(g => g.d).Distinct().Count();
        await MeasureAsync(connection, $"the same account's daily summary over 90 days ({accountDays} days, account_daily_summary)", AccountDays, new { AccountId = accountId, Since = since }, async () =>
        {
            var days = (await connection.QueryAsync<DateTime>("SELECT day FROM (" + AccountDays + ") s WHERE works_measured > 0", new { AccountId = accountId, Since = since })).Count();
            return days == accountDays ? null : $"{days} days measured, not {accountDays}";
        });
    }

    private static async Task MeasureAsync(NpgsqlConnection connection, string what, string sql, object parameters, Func<Task<string?>> checkAgainstTruth)
    {
        var times = new List<double>();
        for (var run = 0; run < Repeats; run++)
        {
            var watch = Stopwatch.StartNew();
            _ = (await connection.QueryAsync(sql, parameters)).Count();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        var warm = times.Skip(1).Max();
        var wrong = await checkAgainstTruth();
        var plan = (await connection.QueryAsync<string>("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, parameters)).ToList();
        Bench.Line($"  {what}: {string.Join(" / ", times.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)))} ms, warm {warm:0.0} ms  {Bench.Goal(warm <= 200 && wrong is null)}{(wrong is null ? ", rows as generated" : $", WRONG: {wrong}")}  [load {Bench.LoadAverage()}]");
        Bench.Line($"    plan: {PlanSummary(plan)}");
    }

    /// <summary>"Hash Join, 2 × Append, 52 × Index Scan; scans of snapshot partitions …; Buffers: shared hit=…; Execution Time: …" from EXPLAIN ANALYZE's text.</summary>
    private static string PlanSummary(IReadOnlyList<string> plan)
    {
        var nodes = plan
            .Select(line => NodeLine().Match(line))
            .Where(m => m.Success)
            .Select(m => (Node: m.Groups["node"].Value.Trim(), Executed: !m.Value.Contains("never executed", StringComparison.Ordinal), Empty: m.Value.Contains("rows=0 loops", StringComparison.Ordinal)))
            .ToList();
        var kinds = nodes.GroupBy(n => n.Node).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} × {g.Key}");
        var partitionScans = plan.Count(l => l.Contains("on item_metric_snapshot_2", StringComparison.Ordinal) && !l.Contains("never executed", StringComparison.Ordinal));
        var seqScans = plan.Count(l => l.Contains("Seq Scan on item_metric_snapshot_2", StringComparison.Ordinal) && !l.Contains("never executed", StringComparison.Ordinal));
        var pruned = plan.Count(l => l.Contains("never executed", StringComparison.Ordinal) && l.Contains("on item_metric_snapshot_2", StringComparison.Ordinal));
        var buffers = plan.FirstOrDefault(l => l.TrimStart().StartsWith("Buffers:", StringComparison.Ordinal))?.Trim() ?? "";
        var time = plan.FirstOrDefault(l => l.StartsWith("Execution Time", StringComparison.Ordinal)) ?? "";
        var jit = plan.Any(l => l.StartsWith("JIT", StringComparison.Ordinal)) ? "; JIT" : "";
        return $"{string.Join(", ", kinds)}; scans of snapshot partitions run {partitionScans} (seq scans {seqScans}, never executed {pruned}); {buffers}; {time}{jit}";
    }

    [GeneratedRegex(@"^\s*(->\s+)?(?<node>[A-Z][A-Za-z ]+?)(?: using \S+)?(?: on \S+(?: \S+)?)?\s+\(actual")]
    private static partial Regex NodeLine();

    /// <summary>
    /// The item list's hourly write at this size: the next hours' snapshots of every work still in its window, written
    /// by <see cref="ItemListSql.Snapshots"/> a page (100 rows) a transaction, as the sync writes them; the same rows into
    /// a database holding the same accounts and works and an empty snapshot table.
    /// </summary>
    private static async Task UpsertAsync(BenchWarehouse warehouse, NpgsqlDataSource big, Shape shape, DateTimeOffset nowHour)
    {
        var emptyConnectionString = await warehouse.CreateDatabaseAsync();
        await BenchWarehouse.MigrateAsync(emptyConnectionString);
        await using var empty = NpgsqlDataSource.Create(emptyConnectionString);
        await using (var connection = await empty.OpenConnectionAsync())
        {
            var parameters = new { NowHour = nowHour, shape.Accounts, shape.Works, shape.Hours, HistoryDays };
            await connection.ExecuteAsync(InsertAccounts, parameters);
            await connection.ExecuteAsync(InsertItems, parameters);
        }

        const string InWindow = """
            SELECT item_id AS ItemId, account_id AS AccountId, publish_time AS PublishTime FROM douyin.item
            WHERE date_trunc('hour', publish_time) + @Hours * interval '1 hour' >= @NowHour + interval '1 hour' * @Ahead
            ORDER BY account_id, publish_time
            """;
        List<Work> inWindow;
        int hoursPerRepeat;
        await using (var connection = await big.OpenConnectionAsync())
        {
            var nextHour = (await connection.QueryAsync<Work>(InWindow, new { shape.Hours, NowHour = nowHour, Ahead = 1 })).Count();
            hoursPerRepeat = Math.Max(1, (UpsertRowsPerRepeat + nextHour - 1) / Math.Max(1, nextHour));
            inWindow = (await connection.QueryAsync<Work>(InWindow, new { shape.Hours, NowHour = nowHour, Ahead = UpsertRepeats * hoursPerRepeat })).ToList();
            Bench.Line($"hourly upsert (ItemListSql.Snapshots, {UpsertPage} rows a transaction): {nextHour:N0} works in their window next hour; each measurement writes {hoursPerRepeat} hours of the {inWindow.Count:N0} still in it after {UpsertRepeats * hoursPerRepeat} hours ({inWindow.Count * hoursPerRepeat:N0} new rows), {UpsertRepeats} runs:");
        }

        var ratios = new List<double>();
        var bigRates = new List<double>();
        var emptyRates = new List<double>();
        for (var repeat = 0; repeat < UpsertRepeats; repeat++)
        {
            var hours = Enumerable.Range(1 + (repeat * hoursPerRepeat), hoursPerRepeat).Select(h => nowHour.AddHours(h)).ToList();
            var rows = hours.SelectMany(hour => inWindow.Select(w => Snapshot(w, hour))).ToList();
            await ExecuteAsync(empty, "TRUNCATE douyin.item_metric_snapshot; CHECKPOINT");
            await ExecuteAsync(big, "CHECKPOINT");
            double bigRate, emptyRate;
            if (repeat % 2 == 0)
            {
                bigRate = await UpsertRateAsync(big, rows);
                emptyRate = await UpsertRateAsync(empty, rows);
            }
            else
            {
                emptyRate = await UpsertRateAsync(empty, rows);
                bigRate = await UpsertRateAsync(big, rows);
            }

            bigRates.Add(bigRate);
            emptyRates.Add(emptyRate);
            ratios.Add(bigRate / emptyRate);
        }

        var ratio = Bench.Median(ratios);
        Bench.Line($"  into {shape.Rows:N0} rows: {Bench.Spread(bigRates, "N0")} rows/s; into an empty table: {Bench.Spread(emptyRates, "N0")} rows/s; ratio {Bench.Spread(ratios, "0.00")}  {Bench.Goal(ratio >= 0.8)} (≥ 0.8)  [load {Bench.LoadAverage()}]");
    }

    private static async Task<double> UpsertRateAsync(NpgsqlDataSource dataSource, List<SnapshotRow> rows)
    {
        var watch = Stopwatch.StartNew();
        foreach (var page in rows.Chunk(UpsertPage))
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await ItemListSql.Snapshots.ExecuteAsync(connection, transaction, page, CancellationToken.None);
            await transaction.CommitAsync();
        }

        return rows.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Retention through partition maintenance: the oldest month (partly filled: the history starts mid-month), then the first whole one.</summary>
    private static async Task RetentionAsync(NpgsqlDataSource dataSource, TimeProvider clock)
    {
        var current = BeijingMonth.Of(ShanghaiTime.Day(clock.GetUtcNow()));
        var table = PartitionedTable.All.Single(t => t.Name == "item_metric_snapshot");
        for (var pass = 0; pass < 2; pass++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var months = (await connection.QueryAsync<string>(Partitions)).Select(table.MonthOf).OfType<BeijingMonth>().Order().ToList();
            var oldest = months[0];
            var keep = ((current.Year - oldest.Year) * 12) + current.Month - oldest.Month - 1;
            var rowsInOldest = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table.Partition(oldest)}");
            var rowsInNext = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table.Partition(oldest.Plus(1))}");

            // The same pass without a retention first: what the pass costs besides the drop.
            var watch = Stopwatch.StartNew();
            await Maintenance(dataSource, clock, retentionMonths: null).RunAsync(CancellationToken.None);
            var withoutDrop = watch.Elapsed;

            watch.Restart();
            var report = await Maintenance(dataSource, clock, keep).RunAsync(CancellationToken.None);
            var elapsed = watch.Elapsed;

            var left = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM douyin.item_metric_snapshot WHERE captured_hour < @End",
                new { End = ShanghaiTime.StartOfDay(oldest.Plus(1).FirstDay) });
            var nextAfter = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table.Partition(oldest.Plus(1))}");
            var right = report.Dropped.SequenceEqual([table.Partition(oldest)]) && report.Failures.Count == 0 && left == 0 && nextAfter == rowsInNext;
            Bench.Line($"retention (Warehouse:RetentionMonths:item_metric_snapshot = {keep}): one partition-maintenance pass dropped {string.Join(", ", report.Dropped)} ({rowsInOldest:N0} rows) in {elapsed.TotalMilliseconds:0} ms (the pass with nothing to drop just before: {withoutDrop.TotalMilliseconds:0} ms)  {Bench.Goal(elapsed.TotalSeconds <= 1 && right)}{(right ? ", only that month gone" : $", WRONG: {left} rows of it left, next month {rowsInNext} → {nextAfter}, failures: {string.Join("; ", report.Failures)}")}  [load {Bench.LoadAverage()}]");
        }
    }

    private static PartitionMaintenance Maintenance(NpgsqlDataSource dataSource, TimeProvider clock, int? retentionMonths)
    {
        var options = new WarehouseOptions();
        if (retentionMonths is { } months)
        {
            options.RetentionMonths["item_metric_snapshot"] = months.ToString(CultureInfo.InvariantCulture);
        }

        return new PartitionMaintenance(dataSource, clock, Options.Create(options), NullLogger<PartitionMaintenance>.Instance);
    }

    /// <summary>The hours <see cref="InsertSnapshots"/> gives a work: from the hour after its publication, <see cref="Shape.Hours"/> of them, none after now.</summary>
    private static List<DateTimeOffset> SnapshotHours(Work work, Shape shape, DateTimeOffset nowHour)
    {
        var published = ShanghaiTime.FloorToHour(new DateTimeOffset(work.PublishTime, TimeSpan.Zero));
        return Enumerable.Range(1, shape.Hours).Select(h => published.AddHours(h)).TakeWhile(h => h <= nowHour).ToList();
    }

    private static SnapshotRow Snapshot(Work work, DateTimeOffset hour)
    {
        var views = 1_000L + (long)(hour - new DateTimeOffset(work.PublishTime, TimeSpan.Zero)).TotalHours * 50;
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"view_count":"{{views}}","like_count":"{{views / 20}}","comment_count":"{{views / 300}}","share_count":"{{views / 500}}","favorite_count":"{{views / 150}}","subscribe_count":"{{views / 900}}","completion_rate":"0.351200","completion_rate_5s":"0.512300","bounce_rate_2s":"0.231200","cover_click_rate":"0.081200","avg_view_second":"12.500000"}""");
        var metrics = new ListedMetrics(views, views / 20, views / 300, views / 500, views / 150, views / 900, 0.3512m, 0.5123m, 0.2312m, 0.0812m, 12.5m, json);
        return new SnapshotRow(work.ItemId, hour, work.AccountId, hour.AddMinutes(7), metrics, 1);
    }

    private static string Account(int index) => string.Create(CultureInfo.InvariantCulture, $"bench-{index:D4}");

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(new CommandDefinition(sql, commandType: CommandType.Text));
    }

    /// <summary>"Now" at a given instant, for creating the partitions of past months the way the worker would have.</summary>
    private sealed class MonthClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
