using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Hosting;
using Npgsql;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// Full syncs over several days while the sandbox mutates a share of its answers (fields removed, types changed, huge
/// strings, odd Unicode, nesting changed; cut-off, corrupted, foreign and oddly filled workbooks). Side by side, the same
/// days without mutations. Checks: no run crashes; every answer served is landed, each mutated one byte for byte (or
/// value for value where it is kept as jsonb); every unit whose rows differ from the unmutated warehouse has a problem recorded.
/// </summary>
internal static class MutationSuite
{
    private const int Days = 9;
    private const double Rate = 0.4;

    public static async Task RunAsync(Evidence evidence)
    {
        Console.WriteLine();
        Console.WriteLine($"== Mutated payloads: {Days} days of full syncs, {Rate:P0} of answers mutated, beside the same days unmutated ==");
        Action<SandboxOptions> world(FaultOptions faults) => ReliabilityBenchmark.World(11, PayloadVariant.RealWorld, s => (s.Accounts, s.ItemsPerAccount, s.Faults) = (6, 100, faults));
        var reference = await evidence.StartAsync(world(new FaultOptions()));
        var mutated = await evidence.StartAsync(world(new FaultOptions { Seed = 77, MutationRate = Rate }));
        var crashes = new List<string>();
        for (var day = 0; day < Days; day++)
        {
            var now = Harness.DefaultNow.AddDays(day).AddHours(day % 3);
            foreach (var harness in new[] { reference, mutated })
            {
                harness.SetNow(now);
                harness.Sandbox.Options.Variant = day % 2 == 0 ? PayloadVariant.RealWorld : PayloadVariant.Documented;
            }

            await FullSync.RunAsync(reference);
            foreach (var summary in await FullSync.RunAsync(mutated))
            {
                if (summary.Error is not null)
                {
                    crashes.Add($"day {day} {summary.Job}: {summary.Error}");
                }
            }
        }

        var mutations = mutated.Sandbox.State.Mutator.Mutations;
        var served = mutated.Sandbox.Calls.Snapshot();
        var landed = (await mutated.QueryAsync<(string Endpoint, long Calls)>("SELECT endpoint, count(*) FROM raw.api_call GROUP BY 1")).ToDictionary(r => r.Endpoint, r => r.Calls);
        var fates = await FatesAsync(reference, mutated);

        Console.WriteLine("  | endpoint | served | landed | mutated | kept exactly | problem recorded | retried as garbled | no effect | stored as served | silent change |");
        Console.WriteLine("  |---|---|---|---|---|---|---|---|---|---|");
        foreach (var endpoint in served.Keys)
        {
            var of = fates.Where(f => f.Mutation.Endpoint == endpoint).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  | {endpoint} | {served[endpoint].Requests} | {landed.GetValueOrDefault(endpoint)} | {of.Count} | {of.Count(f => f.KeptExactly)} | " +
                $"{string.Join(" | ", Outcomes.Select(o => of.Count(f => f.Outcome == o)))} |"));
        }

        Console.WriteLine("  by kind: " + string.Join("; ", fates.GroupBy(f => f.Mutation.Kind).Select(g =>
            $"{g.Key} {g.Count()} ({string.Join(", ", Outcomes.Select(o => $"{g.Count(f => f.Outcome == o)} {o}"))})")));
        foreach (var f in fates.Where(f => !f.KeptExactly).Take(10))
        {
            Console.WriteLine($"  NOT KEPT: {f.Mutation.Endpoint} {f.Mutation.Kind} {f.Mutation.Path}: {f.Why}");
        }

        foreach (var group in fates.Where(f => f.Outcome == Silent).GroupBy(f => $"{f.Mutation.Endpoint} {f.Mutation.Kind} {Regex.Replace(f.Mutation.Path, @"\[\d+\]", "[]")}").OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"    silent ×{group.Count()}: {group.Key} ({group.First().Mutation.Detail}): {group.First().Why}");
        }

        crashes.ForEach(c => Console.WriteLine("  CRASH: " + c));
        var servedTotal = served.Values.Sum(e => e.Requests);
        var landedTotal = landed.Values.Sum();
        var jsonEndpoints = fates.Where(f => f.Mutation.Path != "file").Select(f => f.Mutation.Endpoint).Distinct().Count();
        var silent = fates.Count(f => f.Outcome == Silent);
        evidence.Add(
            "mutated payloads",
            string.Create(CultureInfo.InvariantCulture,
                $"{Days} days × full sync of every job, {Rate:P0} of answers mutated: {mutations.Count} mutations over {jsonEndpoints} JSON endpoints + the xlsx export ({string.Join(", ", mutations.GroupBy(m => m.Kind).Select(g => $"{g.Key} {g.Count()}"))})"),
            string.Create(CultureInfo.InvariantCulture,
                $"{crashes.Count} runs crashed; served {servedTotal} = landed {landedTotal}; {fates.Count(f => f.KeptExactly)}/{mutations.Count} mutated answers kept exactly; " +
                $"{string.Join(", ", Outcomes.Select(o => $"{fates.Count(f => f.Outcome == o)} {o}"))}"),
            crashes.Count == 0 && servedTotal == landedTotal && fates.All(f => f.KeptExactly) && silent == 0 && mutations.Count >= 1000);
    }

    private const string Problem = "problem recorded";
    private const string Retried = "retried as garbled";
    private const string NoEffect = "no effect";
    private const string StoredAsServed = "stored as served";
    private const string Silent = "silent change";
    private static readonly string[] Outcomes = [Problem, Retried, NoEffect, StoredAsServed, Silent];

    private sealed record Fate(PayloadMutation Mutation, bool KeptExactly, string Outcome, string Why);

    /// <summary>
    /// For each mutation: whether raw.api_call holds exactly what was served, and what became of it — a problem recorded
    /// for the call or its unit; retried (the client took it for a garbled answer); no effect (the unit's rows equal the
    /// unmutated warehouse's); its new string stored as served; or a silent change.
    /// </summary>
    private static async Task<List<Fate>> FatesAsync(Harness reference, Harness harness)
    {
        await using var connection = new NpgsqlConnection(harness.ConnectionString);
        // A unit's first problem: a failure recorded earlier also explains later differences (back-off, a unit asked on another day).
        var problemUnits = (await connection.QueryAsync<(string Stream, string? AccountId, string? Unit, DateTime First)>(
            "SELECT stream, account_id, split_part(scope, ' cursor ', 1), min(occurred_at) FROM etl.problem GROUP BY 1, 2, 3"))
            .ToDictionary(p => (p.Stream, p.AccountId, p.Unit), p => p.First);
        var expected = await UnitDigestsAsync(reference.ConnectionString);
        var actual = await UnitDigestsAsync(harness.ConnectionString);
        var fates = new List<Fate>();
        foreach (var landed in await LandedMutations.FindAsync(harness))
        {
            if (landed.CallId is not { } callId)
            {
                fates.Add(new Fate(landed.Mutation, false, Silent, landed.Why));
                continue;
            }

            var call = await connection.QuerySingleAsync<(string Stream, string AccountId, string Unit, DateTime Day)>(
                "SELECT stream, account_id, split_part(scope, ' cursor ', 1), requested_at FROM raw.api_call WHERE call_id = @callId", new { callId });
            bool SameUnit(UnitTable k) => k.Stream == call.Stream && k.AccountId == call.AccountId && k.Unit == call.Unit && k.Day == call.Day;
            var changed = expected.Keys.Where(SameUnit).Union(actual.Keys.Where(SameUnit))
                .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
                .Select(k => $"{k.Table} {expected.GetValueOrDefault(k) ?? "none"} → {actual.GetValueOrDefault(k) ?? "none"}")
                .ToList();
            var outcome =
                landed.Retried ? Retried
                : landed.ProblemRecorded || (problemUnits.TryGetValue((call.Stream, call.AccountId, call.Unit), out var first) && first <= call.Day) ? Problem
                : changed.Count == 0 ? NoEffect
                : landed.Mutation.Text is not null && await StoredAsync(connection, callId, landed.Mutation.Text) ? StoredAsServed
                : Silent;
            fates.Add(new Fate(landed.Mutation, landed.KeptExactly, outcome, landed.KeptExactly ? string.Join(", ", changed) : landed.Why));
        }

        return fates;
    }

    /// <summary>Whether a row written from the call holds the string (in a column or inside a jsonb value).</summary>
    private static async Task<bool> StoredAsync(NpgsqlConnection connection, long callId, string text)
    {
        var tables = await connection.QueryAsync<string>(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.columns JOIN information_schema.tables USING (table_schema, table_name) WHERE table_schema = 'douyin' AND column_name = 'source_call_id' AND table_type = 'BASE TABLE'");
        foreach (var table in tables)
        {
            foreach (var row in await connection.QueryAsync<string>($"SELECT to_jsonb(t)::text FROM {table} t WHERE source_call_id = @callId", new { callId }))
            {
                if (Strings(JsonNode.Parse(row)).Any(s => s == text))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    private sealed record UnitTable(string Stream, string AccountId, string Unit, DateTime Day, string Table);

    private static async Task<Dictionary<UnitTable, string>> UnitDigestsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var tables = await connection.QueryAsync<(string Table, string[] Volatile)>("""
            SELECT format('%I.%I', table_schema, table_name),
                   array_agg(column_name::text) FILTER (WHERE column_name LIKE '%call_id' OR column_name LIKE '%run_id')
            FROM information_schema.columns
            WHERE table_schema = 'douyin' AND table_name IN (SELECT table_name FROM information_schema.columns JOIN information_schema.tables USING (table_schema, table_name)
                                                             WHERE table_schema = 'douyin' AND column_name = 'source_call_id' AND table_type = 'BASE TABLE')
            GROUP BY 1
            """);
        var digests = new Dictionary<UnitTable, string>();
        foreach (var (table, volatileColumns) in tables)
        {
            var row = $"regexp_replace((to_jsonb(t){string.Concat(volatileColumns.Select(c => $" - '{c}'"))})::text, 'call:[0-9]+', 'call:#', 'g')";
            var rows = await connection.QueryAsync<(string Stream, string AccountId, string Unit, DateTime Day, long Count, string Digest)>($"""
                SELECT c.stream, c.account_id, split_part(c.scope, ' cursor ', 1), c.requested_at, count(*), md5(string_agg({row}, E'\n' ORDER BY {row} COLLATE "C"))
                FROM {table} t JOIN raw.api_call c ON c.call_id = t.source_call_id
                GROUP BY 1, 2, 3, 4
                """);
            foreach (var r in rows)
            {
                digests[new UnitTable(r.Stream, r.AccountId, r.Unit, r.Day, table)] = $"{r.Count} rows {r.Digest[..8]}";
            }
        }

        return digests;
    }
}
