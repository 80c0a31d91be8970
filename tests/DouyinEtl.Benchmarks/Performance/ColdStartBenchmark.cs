using DouyinEtl.Sandbox;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// How long `douyin-etl run item-list` takes from process start to its first upstream request (as the sandbox sees it):
/// the runtime's start, configuration and validation, the migration check, the run's ledger row and the planning. The
/// database is migrated beforehand, as it is on every run but the first.
/// </summary>
internal static class ColdStartBenchmark
{
    public static async Task RunAsync(BenchWarehouse warehouse, int repeats)
    {
        Bench.Heading("cold start: child `douyin-etl run item-list` from process start to the sandbox's first request (database migrated already)");
        var toFirst = new List<double>();
        var whole = new List<double>();
        var help = new List<double>();
        var loads = new List<string>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            using (var helpOnly = WorkerChild.Start(new Dictionary<string, string?>(), "--help"))
            {
                await helpOnly.WaitWithPeakAsync(TimeSpan.FromMinutes(1));
                help.Add(helpOnly.Elapsed.TotalMilliseconds);
            }

            var options = new SandboxOptions { Accounts = 1, ItemsPerAccount = 100, ForwardDays = 0, RequestsPerSecondPerKey = 0, RequestsPerSecondPerEndpoint = 0 };
            await using var sandbox = await SandboxServer.StartAsync(options);
            var settings = BenchWarehouse.WorkerSettings(sandbox, await warehouse.CreateDatabaseAsync());
            settings["TikHub:RequestsPerSecond"] = "1000";
            settings["TikHub:RequestsPerSecondPerEndpoint"] = "1000";
            using (await BenchWarehouse.StartWorkerAsync(settings, TimeProvider.System))
            {
                // Migrated; the worker in this process is not used.
            }

            loads.Add(Bench.LoadAverage());
            using var child = WorkerChild.Start(settings, "run", "item-list");
            var first = await Task.Run(() =>
            {
                while (sandbox.Calls.TotalRequests == 0 && child.Elapsed < TimeSpan.FromMinutes(2))
                {
                    Thread.Sleep(1);
                }

                return child.Elapsed;
            });
            var (exitCode, _) = await child.WaitWithPeakAsync(TimeSpan.FromMinutes(2));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"douyin-etl run item-list exited with {exitCode}");
            }

            toFirst.Add(first.TotalMilliseconds);
            whole.Add(child.Elapsed.TotalMilliseconds);
        }

        Bench.Line($"to the first request: {Bench.Spread(toFirst, "0")} ms");
        Bench.Line($"for comparison, `douyin-etl --help` (the runtime and the command line alone): {Bench.Spread(help, "0")} ms; the whole run (25 calls, 1 account of 100 works): {Bench.Spread(whole, "0")} ms");
        Bench.Line($"[load {string.Join(" | ", loads)}]");
    }
}
