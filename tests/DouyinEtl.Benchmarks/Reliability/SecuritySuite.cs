using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// After every other suite: no cookie, API key, account key or notification sink's URL token or secret (whole or any
/// 16-character fragment) in any log line, child-process output, exception text, notification payload or row of raw,
/// etl (etl.managed_account and etl.notification* included), douyin and quartz; awkward titles stored byte for byte as
/// served; the analyst role refused the raw payloads, the managed accounts and the notifications.
/// </summary>
internal static class SecuritySuite
{
    public static async Task RunAsync(Evidence evidence)
    {
        Console.WriteLine();
        Console.WriteLine("== Security: credentials in logs, outputs, exceptions and tables; titles byte-exact; analyst role ==");
        if (evidence.Harnesses.Count == 0)
        {
            return;
        }

        var scan = new SecretScan(
            evidence.Harnesses.SelectMany(h => h.Sandbox.World.Accounts.Select(a => a.Cookie)),
            evidence.Harnesses.Select(h => h.Sandbox.Options.ApiKey).Concat(evidence.Secrets));
        var texts = evidence.Harnesses.Select(h => h.Logs.All).Concat(evidence.Texts).ToList();
        var leakingTexts = texts.Count(scan.Leaks);
        long rows = 0;
        var leakingTables = new List<string>();
        foreach (var harness in evidence.Harnesses)
        {
            var (leaking, scanned) = await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin", "quartz");
            rows += scanned;
            leakingTables.AddRange(leaking.Select(t => $"{new NpgsqlConnectionStringBuilder(harness.ConnectionString).Database}.{t}"));
        }

        var lines = texts.Sum(t => t.Count(c => c == '\n') + 1);
        var megabytes = texts.Sum(t => (long)t.Length) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {scan.FragmentCount} secret fragments from {evidence.Harnesses.Count} worlds; {lines} log/output lines ({megabytes:0.0} M chars): {leakingTexts} leaking; " +
            $"{rows} rows of raw/etl/douyin/quartz in {evidence.Harnesses.Count} databases: {(leakingTables.Count == 0 ? "none leaking" : "LEAKING: " + string.Join(", ", leakingTables))}"));
        evidence.Add(
            "security: credentials",
            $"every cookie (whole, each value, every {SecretScan.FragmentLength}-char piece) and API key of the {evidence.Harnesses.Count} sandbox worlds, and {evidence.Secrets.Count} account keys and sink credentials, searched in all logs, child stdout/stderr, exception texts, notification payloads (headers, body) and every table of raw, etl (managed accounts, notifications included), douyin, quartz",
            string.Create(CultureInfo.InvariantCulture, $"{lines} lines, {rows} rows scanned: {leakingTexts + leakingTables.Count} leaks"),
            leakingTexts == 0 && leakingTables.Count == 0);

        var (titles, awkward, wrong) = await TitlesAsync(evidence);
        evidence.Add(
            "security: titles byte-exact",
            "every work's title (douyin.item) and live room's title (douyin.live_room) compared as UTF-8 bytes with what the sandbox served (SQL, quotes, backslashes, tabs, CR LF, zero-width and control characters, astral emoji)",
            string.Create(CultureInfo.InvariantCulture, $"{titles} titles ({awkward} awkward) compared: {wrong} differ"),
            wrong == 0 && awkward > 0);

        var (denied, exposed) = await AnalystAsync(evidence.Harnesses[0]);
        evidence.Add(
            "security: analyst role",
            "a LOGIN in douyin_analyst reads raw.api_call (payload, body, request) and every relation of raw and etl",
            $"{denied} relations refused (permission denied); {exposed} readable",
            exposed == 0 && denied > 0);
    }

    /// <summary>Titles of the worlds loaded without mutations, as bytes; awkward ones are those with anything but letters, digits, spaces and '#'.</summary>
    private static async Task<(int Titles, int Awkward, int Wrong)> TitlesAsync(Evidence evidence)
    {
        int titles = 0, awkward = 0, wrong = 0;
        foreach (var harness in evidence.Harnesses.Where(h => h.Sandbox.Options.Faults.MutationRate == 0))
        {
            var world = harness.Sandbox.World;
            var served = world.AllVisibleItems(harness.Now).ToDictionary(i => i.Id, i => i.Title);
            var stored = await harness.QueryAsync<(string Id, byte[] Title)>("SELECT item_id, convert_to(title, 'UTF8') FROM douyin.item");
            foreach (var (id, title) in stored)
            {
                titles++;
                var expected = served[id];
                awkward += expected.Any(c => char.IsControl(c) || char.IsSurrogate(c) || c is '\'' or '"' or '\\' or ';' or '<' or '$' or '\u200b' or '\u200d') ? 1 : 0;
                wrong += Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(title) ? 0 : 1;
            }

            var today = DouyinEtl.Sandbox.World.ShanghaiClock.Day(harness.Now);
            var servedRooms = world.Accounts
                .SelectMany(a => DouyinEtl.Sandbox.World.LiveRoomWorld.History(world, a, today.AddDays(-400), today, harness.Now, includeLive: true))
                .ToDictionary(r => r.Room.RoomId, r => r.Room.Title);
            foreach (var (roomId, title) in await harness.QueryAsync<(string RoomId, byte[] Title)>("SELECT room_id, convert_to(title, 'UTF8') FROM douyin.live_room"))
            {
                titles++;
                wrong += servedRooms.TryGetValue(roomId, out var expected) && Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(title) ? 0 : 1;
            }
        }

        return (titles, awkward, wrong);
    }

    private static async Task<(int Denied, int Exposed)> AnalystAsync(Harness harness)
    {
        await using var login = await AnalystLogin.CreateAsync(harness.ConnectionString);
        var relations = await harness.QueryAsync<string>("""
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables WHERE table_schema IN ('raw', 'etl') ORDER BY 1
            """);
        int denied = 0, exposed = 0;
        await using var connection = await login.OpenAsync();
        foreach (var relation in relations.Prepend("raw.api_call (payload, body, request)"))
        {
            var sql = relation.StartsWith("raw.api_call (", StringComparison.Ordinal)
                ? "SELECT payload::text, body, request::text FROM raw.api_call LIMIT 1"
                : $"SELECT 1 FROM {relation} LIMIT 1";
            try
            {
                await connection.ExecuteScalarAsync(sql);
                exposed++;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                denied++;
            }
        }

        return (denied, exposed);
    }
}
