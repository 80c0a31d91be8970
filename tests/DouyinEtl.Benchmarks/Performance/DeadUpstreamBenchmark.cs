using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dapper;
using DouyinEtl.Sandbox;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// S3 of issue 14: a dead TikHub — connection refused (a port nobody listens on) and hanging (a local listener that
/// accepts and never answers) — under a real <c>douyin-etl run</c> child with the production defaults
/// (<c>Sync:BreakerConsecutiveFailures</c> 5, <c>Sync:BreakerWindow</c> 30 s, <c>TikHub:AttemptTimeout</c> 30 s,
/// <c>Sync:Concurrency</c> 4), for <c>item-list</c> and <c>item-analytics</c> with at least 1,000 due units each:
/// time to exit (goal ≤ 90 s), exit code 1, the one line "TikHub unreachable at …", no stack trace at warn, calls
/// paid, units still due afterwards (<c>status --json</c>, the planning the run uses).
/// <c>dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- dead-upstream</c>.
/// </summary>
internal static class DeadUpstreamBenchmark
{
    /// <summary>25 month windows each (two years and the current month): 1,200 due item-list units on an empty warehouse.</summary>
    private const int ItemListAccounts = 48;

    public static async Task RunAsync(int unused)
    {
        Bench.Heading("S3 dead upstream: `douyin-etl run` against a refused port and a server that never answers (production breaker and timeout defaults)");
        Bench.Line($"machine: {Bench.Machine()}; nproc {Environment.ProcessorCount}");
        await using var warehouse = await BenchWarehouse.StartAsync();

        // item-list on an empty warehouse: every month of every account is due. No sandbox needed: nothing answers.
        var itemList = await warehouse.CreateDatabaseAsync();
        await BenchWarehouse.MigrateAsync(itemList);
        var itemListSettings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = itemList,
            ["TikHub:ApiKey"] = "bench-key",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < ItemListAccounts; i++)
        {
            itemListSettings[$"Accounts:{i}:Id"] = string.Create(CultureInfo.InvariantCulture, $"dead-{i:D2}");
            itemListSettings[$"Accounts:{i}:Cookie"] = string.Create(CultureInfo.InvariantCulture, $"sessionid={i:D32}");
        }

        // item-analytics: the works landed first by item-list from a sandbox without limits; every work in the horizon is due.
        var sandboxOptions = new SandboxOptions { Accounts = 4, ItemsPerAccount = 1_200, ForwardDays = 0, RequestsPerSecondPerKey = 0, RequestsPerSecondPerEndpoint = 0 };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        var analytics = await warehouse.CreateDatabaseAsync();
        var analyticsSettings = BenchWarehouse.WorkerSettings(sandbox, analytics);
        analyticsSettings["TikHub:RequestsPerSecond"] = "1000";
        analyticsSettings["TikHub:RequestsPerSecondPerEndpoint"] = "1000";
        using (var landing = WorkerChild.Start(analyticsSettings, "run", "item-list"))
        {
            var (landed, _) = await landing.WaitWithPeakAsync(TimeSpan.FromMinutes(10));
            Bench.Line($"item-analytics' works landed by `run item-list` from the sandbox (exit {landed}, {sandbox.Calls.TotalBilled:N0} calls)");
        }

        using var hanging = new HangingServer();
        foreach (var (job, settings) in new[] { ("item-list", itemListSettings), ("item-analytics", analyticsSettings) })
        {
            foreach (var (kind, url) in new[] { ("connection refused", $"http://127.0.0.1:{ClosedPort()}"), ("hanging server", hanging.Url) })
            {
                await MeasureAsync(job, kind, url, settings, sandbox);
            }
        }
    }

    private static async Task MeasureAsync(string job, string kind, string url, Dictionary<string, string?> settings, SandboxServer sandbox)
    {
        var dead = new Dictionary<string, string?>(settings) { ["TikHub:BaseUrl"] = url };
        var before = await WorkerStatus.RunAsync(dead);
        var billedBefore = sandbox.Calls.TotalBilled;
        var load = Bench.LoadAverage();
        using var child = WorkerChild.Start(dead, echoErrors: false, "run", job);
        var (exitCode, peak) = await child.WaitWithPeakAsync(TimeSpan.FromMinutes(15));
        var elapsed = child.Elapsed;
        var after = await WorkerStatus.RunAsync(dead);

        var output = child.Output;
        // The log's line, and the run summary's "error:" line that repeats the run's error, as for every failed run.
        var unreachable = output.Where(l => l.Contains("TikHub unreachable at " + url, StringComparison.Ordinal)).ToList();
        var logged = unreachable.Count(l => !l.TrimStart().StartsWith("error: ", StringComparison.Ordinal));
        var stackTraces = output.Count(l => l.StartsWith("   at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Warehouse"]);
        var run = await connection.QuerySingleOrDefaultAsync<(long RunId, string Status, long Calls, long Billed, long UnitsDone, long UnitsFailed)?>(
            "SELECT run_id, status, calls, billed_calls, units_done, units_failed FROM etl.run WHERE job = @job ORDER BY run_id DESC LIMIT 1", new { job })
            ?? (0, "no run recorded", -1, -1, -1, -1);
        var calls = (await connection.QueryAsync<(double At, double Seconds, string Outcome)>(
            """
            SELECT extract(epoch FROM c.requested_at - r.started_at)::float8, c.duration_ms / 1000.0, c.outcome
            FROM raw.api_call c JOIN etl.run r USING (run_id) WHERE c.run_id = @RunId ORDER BY c.requested_at
            """,
            new { run.RunId })).ToList();
        var paid = sandbox.Calls.TotalBilled - billedBefore;
        var met = elapsed.TotalSeconds <= 90 && exitCode == 1 && logged == 1 && stackTraces == 0 && before.Due(job) >= 1_000 && after.Due(job) == before.Due(job) && run.Billed == 0;
        Bench.Line($"{job,-15} {kind,-19} exit {exitCode} after {elapsed.TotalSeconds,5:0.0} s; units due {before.Due(job):N0} → {after.Due(job):N0}; run {run.Status}, {run.Calls} calls attempted, {run.Billed} billed (sandbox billed {paid}), units done {run.UnitsDone} failed {run.UnitsFailed}; {output.Count} lines at warn, {logged} \"TikHub unreachable\" logged (+{unreachable.Count - logged} in the run summary), {stackTraces} stack-trace lines; peak RSS {peak:0} MiB  {Bench.Goal(met)}  [load {load} → {Bench.LoadAverage()}]");
        foreach (var line in unreachable.Count > 0 ? unreachable : output.Take(10))
        {
            Bench.Line($"    {line.Trim()}");
        }

        // When each call went out after the run started, and how long it waited: why the breaker tripped when it did.
        Bench.Line($"    calls (start s + waited s, outcome): {string.Join(", ", calls.Take(40).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.At:0.0}+{c.Seconds:0.0} {c.Outcome}")))}{(calls.Count > 40 ? ", …" : "")}");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Accepts every connection and never answers on it, nor closes it, until disposed.</summary>
    private sealed class HangingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _connections = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public HangingServer()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_connections)
                    {
                        _connections.Add(client);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _accepting.GetAwaiter().GetResult();
            lock (_connections)
            {
                _connections.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }
    }
}
