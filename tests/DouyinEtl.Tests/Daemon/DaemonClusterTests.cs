using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using Npgsql;

namespace DouyinEtl.Tests.Daemon;

/// <summary>
/// Two real <c>douyin-etl daemon</c> processes on one database, a cron firing every 3 s, runs that take about 2 s
/// (the sandbox answers slowly). One node is killed with SIGKILL in the middle of a run; the other recovers that fire
/// and goes on with the schedule; then it is stopped with SIGTERM in the middle of a run and exits cleanly.
/// </summary>
public sealed class DaemonClusterTests
{
    private const string Runs = """
        SELECT run_id AS RunId, trigger AS Trigger, status AS Status, scheduled_for AS ScheduledFor, scheduler_instance AS SchedulerInstance,
               started_at AS StartedAt, finished_at AS FinishedAt, units_skipped AS UnitsSkipped, coalesce(error, '') AS Error
        FROM etl.run ORDER BY started_at, run_id
        """;

    [Fact]
    public async Task TwoDaemons_RunEachFireOnce_AndTheSurvivorTakesOverWhenOneIsKilled()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Accounts = 1,
            ItemsPerAccount = 60,
            HistoryDays = 60,
            RequestsPerSecondPerKey = 0,
            RequestsPerSecondPerEndpoint = 0,
            Latency = TimeSpan.FromMilliseconds(300),
        });
        var database = await PostgresServer.CreateDatabaseAsync();
        var cookie = sandbox.World.Accounts[0].Cookie;
        var ports = new Dictionary<string, int> { ["node-a"] = FreePort(), ["node-b"] = FreePort() };
        Dictionary<string, string?> Environment(string node) => new()
        {
            ["ConnectionStrings__Warehouse"] = database,
            ["TikHub__BaseUrl"] = sandbox.BaseUrl,
            ["TikHub__ApiKey"] = sandbox.Options.ApiKey,
            ["TikHub__RequestsPerSecond"] = "1000",
            ["TikHub__RequestsPerSecondPerEndpoint"] = "1000",
            ["Accounts__0__Id"] = sandbox.World.Accounts[0].Id,
            ["Accounts__0__Cookie"] = cookie,
            ["ItemList__HistoryDays"] = "90",
            ["ItemList__RefreshDays"] = "3650",
            ["ItemList__RefreshEvery"] = "00:00:00",
            ["ItemList__PageSize"] = "20",
            ["Sync__Concurrency"] = "1",
            ["Sync__ShutdownGrace"] = "00:00:05",
            ["Daemon__Jobs__item-list__Cron"] = "0/3 * * * * ?",
            ["Daemon__InstanceId"] = node,
            ["Daemon__Urls"] = $"http://127.0.0.1:{ports[node]}",
            ["Daemon__CheckinInterval"] = "00:00:01",
            ["Daemon__CheckinMisfireThreshold"] = "00:00:02",
            ["Daemon__MisfireThreshold"] = "00:00:01",
            ["Daemon__IdleWaitTime"] = "00:00:01",
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Quartz"] = "Warning",
        };

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var a = WorkerProcess.Start(Environment("node-a"), "daemon");
        await using var b = WorkerProcess.Start(Environment("node-b"), "daemon");
        var nodes = new Dictionary<string, WorkerProcess> { ["node-a"] = a, ["node-b"] = b };
        try
        {
            await Eventually(async () => await ScalarAsync(database, "SELECT count(*) FROM quartz.qrtz_scheduler_state") == 2, "both nodes check in to the cluster", nodes);
            foreach (var port in ports.Values)
            {
                await Eventually(async () => (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode == HttpStatusCode.OK, $"ready on port {port}", nodes);
            }

            await Eventually(async () => await ScalarAsync(database, "SELECT count(*) FROM etl.run WHERE status = 'succeeded'") >= 3, "three runs", nodes);

            // Kill the node that is running a fire, early in the run, so its fire is certainly in flight.
            var victim = await EventuallyValue(
                () => ScalarTextAsync(database, "SELECT scheduler_instance FROM etl.run WHERE status = 'running' AND started_at > now() - interval '800 milliseconds'"),
                "a run to start",
                nodes);
            var survivor = victim == "node-a" ? "node-b" : "node-a";
            nodes[victim].KillHard();
            Assert.True(await nodes[victim].WaitForExitAsync(TimeSpan.FromSeconds(10)));
            var killedAt = await ScalarTimeAsync(database, "SELECT now()");

            await Eventually(
                async () => await ScalarAsync(database, "SELECT count(*) FROM etl.run WHERE trigger = 'daemon-recovery' AND status = 'succeeded'") == 1
                    && await ScalarAsync(database, $"SELECT count(*) FROM etl.run WHERE trigger = 'daemon' AND status = 'succeeded' AND started_at > '{killedAt:o}'") >= 2,
                "the survivor to recover the killed node's fire and go on with the schedule",
                nodes);

            var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[survivor]}/metrics"));
            Assert.Contains("douyin_etl_upstream_calls_total{", metrics, StringComparison.Ordinal);
            Assert.Contains("douyin_etl_stream_lag_seconds{", metrics, StringComparison.Ordinal);
            Assert.Contains("douyin_etl_rows_written_total{", metrics, StringComparison.Ordinal);

            // SIGTERM in the middle of a run: no new unit starts, the unit in flight finishes and is checkpointed, the run
            // is recorded as stopped early, its fire is handed back to the cluster, and the process exits 0.
            await EventuallyValue(
                () => ScalarTextAsync(database, "SELECT scheduler_instance FROM etl.run WHERE status = 'running' AND started_at > now() - interval '800 milliseconds'"),
                "a run on the survivor",
                nodes);
            nodes[survivor].Terminate();
            Assert.True(await nodes[survivor].WaitForExitAsync(TimeSpan.FromSeconds(30)), "the survivor did not stop within 30 s of SIGTERM");
            Assert.Equal(0, nodes[survivor].ExitCode);

            Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM etl.run WHERE status = 'running' OR scheduled_for IS NULL OR scheduler_instance IS NULL"));
            Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM quartz.qrtz_triggers WHERE trigger_group = 'RECOVERING_JOBS'"));
            await using var connection = new NpgsqlConnection(database);
            var runs = (await connection.QueryAsync<RunRow>(Runs)).ToList();
            var abandoned = runs.Where(r => r.Error.StartsWith("abandoned", StringComparison.Ordinal)).ToList();
            var completed = runs.Except(abandoned).ToList();

            var stopped = completed[^1];
            Assert.Equal(survivor, stopped.SchedulerInstance);
            Assert.Equal("partly_failed", stopped.Status);
            Assert.StartsWith("stopped early", stopped.Error, StringComparison.Ordinal);
            Assert.True(stopped.UnitsSkipped > 0);
            Assert.All(completed[..^1], r => Assert.Equal("succeeded", r.Status));

            // Each fire ran to completion exactly once, on one node or the other.
            Assert.Empty(completed.GroupBy(r => r.ScheduledFor).Where(g => g.Count() > 1).Select(g => g.Key));

            // The fire the killed node had in flight was closed as abandoned and run again by the survivor.
            var orphan = Assert.Single(abandoned);
            Assert.Equal(victim, orphan.SchedulerInstance);
            var recovery = Assert.Single(runs, r => r.Trigger == "daemon-recovery");
            Assert.Equal(survivor, recovery.SchedulerInstance);
            Assert.Equal(orphan.ScheduledFor, recovery.ScheduledFor);

            // DisallowConcurrentExecution across the cluster: no two runs overlapped.
            for (var i = 1; i < completed.Count; i++)
            {
                Assert.True(completed[i].StartedAt >= completed[i - 1].FinishedAt, $"run {completed[i].RunId} started before run {completed[i - 1].RunId} finished");
            }

            Assert.DoesNotContain(runs, r => r.SchedulerInstance == victim && r.StartedAt > killedAt);

            AssertStructuredLogs(nodes[survivor].Output, cookie, expectRunStarted: true);

            // SIGKILL may cut its last line, which can be the only "run started" one when every earlier fire ran on the survivor.
            AssertStructuredLogs(nodes[victim].Output.SkipLast(1).ToList(), cookie, expectRunStarted: false);
        }
        catch (Exception) when (Dump(nodes))
        {
            throw;
        }
    }

    /// <summary>Every line is a JSON object; run lines carry the run id and job as scopes; no cookie anywhere.</summary>
    private static void AssertStructuredLogs(IReadOnlyCollection<string> output, string cookie, bool expectRunStarted)
    {
        Assert.NotEmpty(output);
        var runStarted = 0;
        foreach (var line in output)
        {
            Assert.DoesNotContain(cookie, line, StringComparison.Ordinal);
            using var entry = JsonDocument.Parse(line);
            if (entry.RootElement.GetProperty("EventId").GetInt32() == 5001)
            {
                var scopes = entry.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
                Assert.Contains(scopes, s => s.TryGetProperty("RunId", out _) && s.TryGetProperty("Job", out var job) && job.GetString() == "item-list");
                runStarted++;
            }
        }

        Assert.True(runStarted > 0 || !expectRunStarted, "no 'run started' line in the log");
    }

    private static bool Dump(Dictionary<string, WorkerProcess> nodes)
    {
        foreach (var (name, node) in nodes)
        {
            Console.WriteLine($"--- {name} ---\n{string.Join('\n', node.Output.TakeLast(60))}");
        }

        return false;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what, Dictionary<string, WorkerProcess> nodes) =>
        await EventuallyValue(async () => await condition() ? "yes" : null, what, nodes);

    private static async Task<string> EventuallyValue(Func<Task<string?>> probe, string what, Dictionary<string, WorkerProcess> nodes)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromMinutes(3))
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or PostgresException)
            {
                // Not up yet (or the schema is still being migrated).
            }

            await Task.Delay(100);
        }

        // xUnit does not show Console output: a node that died says why in the message itself.
        var dead = nodes.Where(n => n.Value.HasExited).Select(n => $"\n--- {n.Key} exited {n.Value.ExitCode}, its last lines:\n{string.Join('\n', n.Value.Output.TakeLast(15))}");
        Assert.Fail($"timed out waiting for {what}; nodes alive: {string.Join(", ", nodes.Where(n => !n.Value.HasExited).Select(n => n.Key))}{string.Concat(dead)}");
        return "";
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static async Task<string?> ScalarTextAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<string?>(sql);
    }

    private static async Task<DateTime> ScalarTimeAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<DateTime>(sql);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RunRow(long RunId, string Trigger, string Status, DateTime ScheduledFor, string SchedulerInstance, DateTime StartedAt, DateTime FinishedAt, long UnitsSkipped, string Error);
}
