using System.Diagnostics;
using System.Globalization;
using Dapper;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// The warehouse write path of item snapshots — <see cref="StagedUpsert{T}"/> (binary COPY into a temp staging table,
/// then INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE) — against a plain binary COPY of the same rows into an
/// identical empty table (same columns, primary key, index and foreign key), both in transactions of the same size.
/// Goal: upsert rows/s ÷ COPY rows/s ≥ 0.5.
/// </summary>
internal static class UpsertBenchmark
{
    private const int Rows = 100_000;

    /// <summary>100 rows is one item-list page, the transaction the sync and replay write.</summary>
    private static readonly int[] Batches = [100, 1_000, 10_000];

    private const string Prepare = """
        INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at) VALUES ('creator-01', 'creator-01', now(), now());
        CREATE TABLE douyin.bench_snapshot_copy (LIKE douyin.item_metric_snapshot INCLUDING ALL);
        ALTER TABLE douyin.bench_snapshot_copy ADD FOREIGN KEY (item_id) REFERENCES douyin.item (item_id);
        """;

    public static async Task RunAsync(BenchWarehouse warehouse, int repeats)
    {
        Bench.Heading($"warehouse write: StagedUpsert of item snapshots vs raw binary COPY into an identical empty table, {Rows:N0} rows");
        var connectionString = await warehouse.CreateDatabaseAsync();
        await BenchWarehouse.MigrateAsync(connectionString);
        var capturedAt = new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);
        var items = Enumerable.Range(0, Rows).Select(i => new ItemRow(ItemId(i), "creator-01", $"作品 {i} #日常", capturedAt.AddMinutes(-i), null, 4, 15_000, 1, true, null, capturedAt, 1)).ToList();
        var snapshots = Enumerable.Range(0, Rows).Select(i => Snapshot(i, capturedAt)).ToList();

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(Prepare, transaction: transaction);
            await ItemListSql.Items.ExecuteAsync(connection, transaction, items, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var copySql = ItemListSql.Snapshots.Copy.Replace("stage_item_metric_snapshot", "douyin.bench_snapshot_copy", StringComparison.Ordinal);
        Bench.Line($"{"rows per transaction",-22} {"COPY rows/s",-44} {"upsert, new rows: rows/s",-44} {"upsert ÷ COPY",-40} upsert again (every row updated) rows/s");
        foreach (var batch in Batches)
        {
            var copy = new List<double>();
            var upsert = new List<double>();
            var again = new List<double>();
            var ratio = new List<double>();
            var loads = new List<string>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                await ExecuteAsync(dataSource, "TRUNCATE douyin.item_metric_snapshot, douyin.bench_snapshot_copy; CHECKPOINT");
                loads.Add(Bench.LoadAverage());

                // Alternate which goes first, so neither always meets a checkpoint or autovacuum the other started.
                double copyRate, upsertRate;
                if (repeat % 2 == 0)
                {
                    copyRate = await RateAsync(dataSource, snapshots, batch, (c, t, chunk) => CopyAsync(c, copySql, chunk));
                    upsertRate = await RateAsync(dataSource, snapshots, batch, (c, t, chunk) => ItemListSql.Snapshots.ExecuteAsync(c, t, chunk, CancellationToken.None));
                }
                else
                {
                    upsertRate = await RateAsync(dataSource, snapshots, batch, (c, t, chunk) => ItemListSql.Snapshots.ExecuteAsync(c, t, chunk, CancellationToken.None));
                    copyRate = await RateAsync(dataSource, snapshots, batch, (c, t, chunk) => CopyAsync(c, copySql, chunk));
                }

                var later = snapshots.Select(s => s with { CapturedAt = s.CapturedAt.AddMinutes(1) }).ToList();
                again.Add(await RateAsync(dataSource, later, batch, (c, t, chunk) => ItemListSql.Snapshots.ExecuteAsync(c, t, chunk, CancellationToken.None)));
                copy.Add(copyRate);
                upsert.Add(upsertRate);
                ratio.Add(upsertRate / copyRate);
            }

            Bench.Line($"{batch,-22:N0} {Bench.Spread(copy, "N0"),-44} {Bench.Spread(upsert, "N0"),-44} {Bench.Spread(ratio, "0.00"),-40} {Bench.Spread(again, "N0")}  {Bench.Goal(Bench.Median(ratio) >= 0.5)}  [load {string.Join(" | ", loads)}]");
        }
    }

    private static async Task<double> RateAsync(NpgsqlDataSource dataSource, List<SnapshotRow> rows, int batch, Func<NpgsqlConnection, NpgsqlTransaction, SnapshotRow[], Task> write)
    {
        var watch = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(batch))
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await write(connection, transaction, chunk);
            await transaction.CommitAsync();
        }

        return rows.Count / watch.Elapsed.TotalSeconds;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string copySql, SnapshotRow[] rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copySql);
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            ItemListSql.Snapshots.WriteRow(importer, row);
        }

        await importer.CompleteAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }

    private static string ItemId(int i) => (7_300_000_000_000_000_000L + (i * 7_919L)).ToString(CultureInfo.InvariantCulture);

    /// <summary>A snapshot as the real-world item list gives it: counts as strings, rates with six decimals.</summary>
    private static SnapshotRow Snapshot(int i, DateTimeOffset capturedAt)
    {
        var views = 1_000L + (i * 37L % 2_000_000);
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"view_count":"{{views}}","like_count":"{{views / 20}}","comment_count":"{{views / 300}}","share_count":"{{views / 500}}","favorite_count":"{{views / 150}}","subscribe_count":"{{views / 900}}","completion_rate":"0.{{(i % 900) + 100}}000","completion_rate_5s":"0.512300","bounce_rate_2s":"0.231200","cover_click_rate":"0.081200","avg_view_second":"12.{{i % 1000:D3}}000"}""");
        var metrics = new ListedMetrics(views, views / 20, views / 300, views / 500, views / 150, views / 900,
            0.1m + ((i % 900) / 1000m), 0.5123m, 0.2312m, 0.0812m, 12m + ((i % 1000) / 1000m), json);
        return new SnapshotRow(ItemId(i), new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), "creator-01", capturedAt, metrics, 1);
    }
}
