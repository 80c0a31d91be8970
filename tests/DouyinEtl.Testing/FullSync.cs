using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>
/// A full sync — every registered job once, in the demo's order — and the checks that the warehouse then equals the
/// sandbox's ground truth, stream by stream. Shared by the reliability tests and the reliability benchmark.
/// </summary>
internal static class FullSync
{
    /// <summary>item-list, item-export, item-analytics, author-diagnosis, item-analysis, live-rooms: the order `demo` runs them in.</summary>
    public static IReadOnlyList<string> Jobs => RegisteredJobs.Names;

    public static async Task<List<RunSummary>> RunAsync(Harness harness, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var summaries = new List<RunSummary>();
        foreach (var job in Jobs)
        {
            summaries.Add(await harness.RunAsync(job, settings));
        }

        return summaries;
    }

    /// <summary>
    /// Every way the warehouse differs from what the sandbox served for a full sync at the harness's "now", one line
    /// per stream check that failed (empty: equal). Uses the streams' own end-to-end truth checks.
    /// </summary>
    public static async Task<List<string>> DifferencesFromTruthAsync(Harness harness, PayloadVariant variant)
    {
        var differences = new List<string>();
        async Task CheckAsync(string what, Func<Task> check)
        {
            try
            {
                await check();
            }
            catch (Exception ex)
            {
                differences.Add($"{what}: {ex.Message.Split('\n')[0]}");
            }
        }

        var now = harness.Now;
        var today = ShanghaiClock.Day(now);
        await CheckAsync("item-list works", () => WarehouseTruth.AssertItemsEqualTruthAsync(harness));
        await CheckAsync("item-list snapshots", () => WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: variant != PayloadVariant.Documented));
        await CheckAsync("item-export rows", () => AssertExportEqualsTruthAsync(harness));
        await CheckAsync("item-analytics units", async () =>
            Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness)));
        await CheckAsync("item-analytics tables", () => AnalyticsTruth.AssertTablesEqualTruthAsync(harness, variant));
        await CheckAsync("author-diagnosis", () => AssertDiagnosisEqualsTruthAsync(harness, variant));
        await CheckAsync("item-analysis", () => ContentAnalysisTruth.AssertTablesEqualTruthAsync(harness, ContentAnalysisTruth.WindowsRead(now, null, null, 90)));
        await CheckAsync("live-rooms", () => LiveRoomsTruth.AssertRoomsEqualTruthAsync(harness, LiveRoomsTruth.FirstDayRead(now, 365), today, variant));
        return differences;
    }

    /// <summary>
    /// Each export file that landed rows equals what the sandbox served, and together they show every work exactly once.
    /// (A file landed raw whose rows never committed — the process died first — was asked again; only the committed one counts.)
    /// </summary>
    private static async Task AssertExportEqualsTruthAsync(Harness harness)
    {
        var landed = await ExportTruth.LandedAsync(harness);
        var committed = landed.Select(r => r.SourceCallId).ToHashSet();
        var served = (await ExportTruth.ServedAsync(harness)).Where(s => committed.Contains(s.CallId)).ToList();
        foreach (var export in served)
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        var works = harness.Sandbox.World.AllVisibleItems(harness.Now).Select(i => i.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(works, served.SelectMany(s => s.Sheet.Rows).Select(r => r.Item.Id).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(works.Count, landed.Count);
    }

    private static async Task AssertDiagnosisEqualsTruthAsync(Harness harness, PayloadVariant variant)
    {
        var day = new DouyinEtl.Streams.AuthorDiagnosis.AuthorDiagnosisOptions().DataDay(harness.Now);
        Assert.Equal(DiagnosisTruth.Expected(harness.Sandbox.World, day, variant), await harness.QueryAsync<DiagnosisInWarehouse>(DiagnosisTruth.RowsSql));
    }

    /// <summary>
    /// Every analyst table's rows (count and a digest), call and run ids left out: two warehouses loaded from the same
    /// world at the same "now" must be equal row for row, however many retries, kills or restarts one of them went through.
    /// </summary>
    public static async Task<SortedDictionary<string, string>> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = await connection.QueryAsync<(string Table, string[] Volatile)>("""
            SELECT format('%I.%I', c.table_schema, c.table_name),
                   coalesce(array_agg(c.column_name::text) FILTER (WHERE c.column_name LIKE '%call_id' OR c.column_name LIKE '%run_id'), '{}')
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'douyin' AND t.table_type = 'BASE TABLE'
            GROUP BY 1 ORDER BY 1
            """);
        var fingerprint = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, volatileColumns) in tables)
        {
            var row = string.Concat(volatileColumns.Select(c => $" - '{c}'"));
            // Unresolved export rows are keyed by the call that brought them ("call:77:row:108"): the number is an id too.
            fingerprint[table] = await connection.ExecuteScalarAsync<string>(
                $"SELECT count(*) || ' rows, ' || coalesce(md5(string_agg(r, E'\\n' ORDER BY r COLLATE \"C\")), '-') FROM (SELECT regexp_replace((to_jsonb(t){row})::text, 'call:[0-9]+', 'call:#', 'g') AS r FROM {table} t) x") ?? "";
        }

        return fingerprint;
    }

    /// <summary>
    /// Half-written units: rows whose unit has no checkpoint (for item-analytics: no refresh record naming their call).
    /// Each unit commits its rows and its checkpoint in one transaction, so after any crash or restart this is zero.
    /// Returns "table: n" for each table with such rows.
    /// </summary>
    public static async Task<List<string>> RowsWithoutCheckpointAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = await connection.QueryAsync<string>("""
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.columns
            WHERE table_schema = 'douyin' AND column_name = 'source_call_id' ORDER BY 1
            """);
        var found = new List<string>();
        foreach (var table in tables)
        {
            var orphans = await connection.ExecuteScalarAsync<long>($"""
                SELECT count(*) FROM {table} t JOIN raw.api_call c ON c.call_id = t.source_call_id
                WHERE CASE WHEN c.stream = 'item-analytics'
                           THEN c.call_id NOT IN (SELECT last_call_id FROM etl.item_refresh WHERE last_call_id IS NOT NULL)
                           ELSE NOT EXISTS (SELECT 1 FROM etl.checkpoint k WHERE k.stream = c.stream AND k.account_id = c.account_id
                                                                          AND k.scope = split_part(c.scope, ' cursor ', 1)) END
                """);
            if (orphans > 0)
            {
                found.Add($"{table}: {orphans}");
            }
        }

        return found;
    }

    /// <summary>The tables whose rows differ between two fingerprints.</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual) =>
        [.. expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(t => expected.GetValueOrDefault(t) != actual.GetValueOrDefault(t))
            .Select(t => $"{t}: {actual.GetValueOrDefault(t) ?? "missing"}, expected {expected.GetValueOrDefault(t) ?? "none"}")];
}
