using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DouyinEtl.Cli;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Streams.LiveRooms;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Tests.Cli;

/// <summary>`douyin-etl backfill` through the real command line, and a real `douyin-etl` process killed half-way.</summary>
public sealed class BackfillCommandTests
{
    private const string From = "2025-10-01";
    private const string To = "2026-09-30";

    [Fact]
    public async Task Backfill_OneYearKilledHalfWay_ResumesWithoutPayingForFinishedWindowsAgain()
    {
        // What the year costs when nothing goes wrong.
        await using var reference = await SandboxAsync(TimeSpan.Zero);
        var referenceDatabase = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal(0, await CommandLine.InvokeAsync([.. Args(), .. Settings(reference, referenceDatabase)]));
        var fullCost = reference.Calls.TotalBilled;

        // The same backfill in a separate process, killed (SIGKILL, no goodbye) once about half of it is paid for.
        await using var sandbox = await SandboxAsync(TimeSpan.FromMilliseconds(15));
        var database = await PostgresServer.CreateDatabaseAsync();
        var output = new StringBuilder();
        using (var killed = StartChild(sandbox, database, output))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (sandbox.Calls.TotalBilled < fullCost / 2 && !killed.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            Assert.False(killed.HasExited, "the backfill ended before it could be killed half-way: " + output);
            killed.Kill(entireProcessTree: true);
            await WaitAsync(killed, output);
        }

        var paidWhenKilled = sandbox.Calls.TotalBilled;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var finished = await Query<string>(connection, "SELECT stream || ' ' || account_id || ' ' || scope FROM etl.checkpoint WHERE completed_at IS NOT NULL AND stream IN ('item-analysis', 'live-rooms')");
        var lastCallBeforeResume = await Scalar<long>(connection, "SELECT max(call_id) FROM raw.api_call");
        Assert.NotEmpty(finished);
        Assert.True(paidWhenKilled < fullCost, "killed too late to prove anything");
        Assert.Equal(1, await Scalar<long>(connection, "SELECT count(*) FROM etl.run WHERE finished_at IS NULL"));

        // The same command again: it picks up where the killed one stopped.
        using (var resumed = StartChild(sandbox, database, output))
        {
            await WaitAsync(resumed, output);
            Assert.True(resumed.ExitCode == 0, "resumed backfill failed: " + output);
        }

        var askedAgain = await Query<string>(connection, "SELECT DISTINCT stream || ' ' || account_id || ' ' || scope FROM raw.api_call WHERE call_id > @lastCallBeforeResume", new { lastCallBeforeResume });
        Assert.NotEmpty(askedAgain);
        Assert.Empty(askedAgain.Intersect(finished));

        // One call may have been in flight when the process died (concurrency 1): that one, at most, is paid twice.
        Assert.InRange(sandbox.Calls.TotalBilled, fullCost, fullCost + 1);

        // A year in windows of at most 90 days: at least five for each windowed stream.
        foreach (var (endpoint, format) in new[] { (UpstreamEndpoints.ItemAnalysisInvolvedVertical, "yyyyMMdd"), (UpstreamEndpoints.LiveRoomHistoryList, "yyyy-MM-dd") })
        {
            var requests = await Query<string>(connection, "SELECT request::text FROM raw.api_call WHERE endpoint = @endpoint", new { endpoint });
            var spans = requests.Select(r => JsonNode.Parse(r)!).Select(r => (
                First: DateOnly.ParseExact(r["start_date"]!.GetValue<string>(), format, CultureInfo.InvariantCulture),
                Last: DateOnly.ParseExact(r["end_date"]!.GetValue<string>(), format, CultureInfo.InvariantCulture))).ToList();
            Assert.All(spans, s => Assert.InRange(s.Last.DayNumber - s.First.DayNumber + 1, 1, 90));
            Assert.True(spans.Distinct().Count() >= 5, $"{endpoint}: {spans.Distinct().Count()} windows");
        }

        // And the warehouse holds what the uninterrupted backfill loaded.
        await using var referenceConnection = new NpgsqlConnection(referenceDatabase);
        await referenceConnection.OpenAsync();
        foreach (var sql in new[] { LiveRoomsTruth.RoomsSql, "SELECT * FROM douyin.item_analysis_performance ORDER BY 1, 2, 3, 4, 5", "SELECT item_id FROM douyin.item ORDER BY 1" })
        {
            var table = $"SELECT to_jsonb(t) - 'captured_at' - 'source_call_id' - 'first_seen_at' - 'last_seen_at' FROM ({sql}) t";
            Assert.Equal(await Query<string>(referenceConnection, table), await Query<string>(connection, table));
        }

        foreach (var account in sandbox.World.Accounts)
        {
            Assert.DoesNotContain(account.Cookie, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("backfill", "author-diagnosis", "--from", From, "--to", To)]
    [InlineData("backfill", "all", "--from", To, "--to", From)]
    [InlineData("backfill", "all", "--from", "2025/10/01", "--to", To)]
    [InlineData("backfill", "all", "--to", To)]
    [InlineData("backfill", "no-such-job", "--from", From, "--to", To)]
    public async Task Backfill_BadRequest_Exits64WithoutCallingUpstream(params string[] command)
    {
        await using var sandbox = await SandboxAsync(TimeSpan.Zero);

        Assert.Equal(64, await CommandLine.InvokeAsync([.. command, .. Settings(sandbox, await PostgresServer.CreateDatabaseAsync())]));
        Assert.Equal(0, sandbox.Calls.TotalRequests);
    }

    private static string[] Args() => ["backfill", "all", "--from", From, "--to", To];

    private static Task<SandboxServer> SandboxAsync(TimeSpan latency) => SandboxServer.StartAsync(new SandboxOptions
    {
        Accounts = 2,
        ItemsPerAccount = 150,
        ForwardDays = 30,
        RequestsPerSecondPerEndpoint = 0,
        RequestsPerSecondPerKey = 0,
        FixedNow = Harness.DefaultNow,
        Latency = latency,
    });

    private static Dictionary<string, string> Configuration(SandboxServer sandbox, string database)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Warehouse"] = database,
            ["TikHub:BaseUrl"] = sandbox.BaseUrl,
            ["TikHub:ApiKey"] = sandbox.Options.ApiKey,
            ["TikHub:RequestsPerSecond"] = "1000",
            ["TikHub:RequestsPerSecondPerEndpoint"] = "1000",
            ["Sync:Concurrency"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < sandbox.World.Accounts.Count; i++)
        {
            settings[$"Accounts:{i}:Id"] = sandbox.World.Accounts[i].Id;
            settings[$"Accounts:{i}:Cookie"] = sandbox.World.Accounts[i].Cookie;
        }

        return settings;
    }

    private static IEnumerable<string> Settings(SandboxServer sandbox, string database) =>
        CliArguments.From(Configuration(sandbox, database).Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));

    /// <summary>`dotnet douyin-etl.dll backfill all …` (the worker's build sits next to the tests), configured by environment as in production.</summary>
    private static Process StartChild(SandboxServer sandbox, string database, StringBuilder output)
    {
        var start = new ProcessStartInfo(DotNet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "douyin-etl.dll"));
        foreach (var arg in Args())
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Configuration(sandbox, database))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits for the child; one that hangs is killed so it cannot outlive the test, and the test fails.</summary>
    private static async Task WaitAsync(Process child, StringBuilder output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail("douyin-etl did not finish within 3 minutes: " + output);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string DotNet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static async Task<List<T>> Query<T>(NpgsqlConnection connection, string sql, object? parameters = null) =>
        [.. await Dapper.SqlMapper.QueryAsync<T>(connection, sql, parameters)];

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql) =>
        (await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql))!;
}
