using System.Diagnostics;
using System.Globalization;
using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// PostgreSQL stopped and started again (its own local cluster) at random points of a full sync run by child
/// processes: each interrupted run must end cleanly (exit 0, 2 or 1 with a message, never a crash) or recover, leave no
/// half-written unit, and a re-run must equal the truth and the uninterrupted warehouse.
/// </summary>
internal static class PostgresRestartSuite
{
    private const int Restarts = 6;

    public static async Task RunAsync(Evidence evidence)
    {
        Console.WriteLine();
        Console.WriteLine($"== PostgreSQL restarted {Restarts} times during a full sync (pg_ctl stop -m fast / immediate, down 0.5–3 s) ==");
        var (_, referenceBilled, referenceFingerprint, _) = await KillSuite.ReferenceAsync(evidence);

        var directory = Path.Combine(Path.GetTempPath(), "douyin-etl-reliability-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await LocalPostgres.StartAsync(directory, durable: true, CancellationToken.None);
        try
        {
            await using (var admin = new NpgsqlConnection(postgres.ConnectionString()))
            {
                await admin.ExecuteAsync("CREATE DATABASE reliability");
            }

            var database = postgres.ConnectionString("reliability");
            var harness = await evidence.StartAsync(KillSuite.World(), database: database);
            var random = new Random(15);
            var points = new InterruptionPoints(random, referenceBilled, Restarts);
            var interrupted = new List<string>();
            var crashed = new List<string>();
            var watch = Stopwatch.StartNew();
            foreach (var job in FullSync.Jobs)
            {
                // A job that fails is run again, as the next cron fire would; one that succeeds is done.
                while (true)
                {
                    var down = TimeSpan.Zero;
                    var mode = "";
                    var billedAtStart = harness.Sandbox.Calls.TotalBilled;
                    var (exitCode, restarted, output) = await ChildSync.RunJobAsync(harness, evidence, job, async _ =>
                    {
                        // Only while this child is at work (it has been paid at least once).
                        if (harness.Sandbox.Calls.TotalBilled == billedAtStart || !points.Due(harness.Sandbox.Calls.TotalBilled))
                        {
                            return false;
                        }

                        points.Happened(harness.Sandbox.Calls.TotalBilled);
                        mode = random.Next(2) == 0 ? "fast" : "immediate";
                        down = TimeSpan.FromMilliseconds(random.Next(500, 3000));
                        await postgres.StopAsync(mode, CancellationToken.None);
                        await Task.Delay(down);
                        await LocalPostgres.StartAsync(directory, durable: true, CancellationToken.None);
                        return true;
                    });

                    if (!restarted)
                    {
                        if (exitCode != 0)
                        {
                            interrupted.Add($"{job}: exit {exitCode} (no restart during it)");
                        }

                        break;
                    }

                    var last = output.Split('\n').LastOrDefault(l => l.Length > 0) ?? "";
                    var clean = exitCode is 0 or 1 or 2 && !output.Contains("Unhandled exception", StringComparison.Ordinal);
                    interrupted.Add(string.Create(CultureInfo.InvariantCulture, $"{job}: stop -m {mode}, down {down.TotalSeconds:0.0} s → exit {exitCode}: {Shorten(last)}"));
                    if (!clean)
                    {
                        crashed.Add($"{job} exit {exitCode}");
                    }

                    if (exitCode == 0)
                    {
                        break;
                    }
                }
            }

            interrupted.ForEach(i => Console.WriteLine("  " + i));
            var halfWritten = await FullSync.RowsWithoutCheckpointAsync(database);
            var billedBeforeRerun = harness.Sandbox.Calls.TotalBilled;
            var rerunFailures = await ChildSync.RunAllAsync(harness, evidence);
            var unfinished = (await ChildSync.DeadRunsAsync(database)).Where(r => r.Status == "running").ToList();
            var differences = (await FullSync.DifferencesFromTruthAsync(harness, PayloadVariant.RealWorld))
                .Concat(FullSync.Differences(referenceFingerprint, await FullSync.FingerprintAsync(database)))
                .ToList();
            var repeated = harness.Sandbox.Calls.TotalBilled - referenceBilled;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  after the sync: half-written units {(halfWritten.Count == 0 ? "none" : string.Join("; ", halfWritten))}; runs left 'running' {unfinished.Count}; " +
                $"the re-run paid {harness.Sandbox.Calls.TotalBilled - billedBeforeRerun} and {(rerunFailures.Count == 0 ? "succeeded" : "failed: " + string.Join("; ", rerunFailures))}; " +
                $"{repeated} paid answers repeated in all; {(differences.Count == 0 ? "equals truth and the uninterrupted warehouse" : "DIFFERS: " + string.Join("; ", differences))}"));
            evidence.Add(
                "PostgreSQL restart",
                $"{points.Done} restarts of the local cluster at random points of a full sync by child processes (stop -m fast or immediate, down 0.5–3 s), then a re-run",
                string.Create(CultureInfo.InvariantCulture,
                    $"{interrupted.Count(i => i.Contains("→ exit 0", StringComparison.Ordinal))} runs recovered, {interrupted.Count(i => i.Contains("→ exit 1", StringComparison.Ordinal) || i.Contains("→ exit 2", StringComparison.Ordinal))} ended failed/partly failed with a message, {crashed.Count} crashed; " +
                    $"half-written units: {halfWritten.Count}; runs left 'running': {unfinished.Count}; re-run {(differences.Count == 0 && rerunFailures.Count == 0 ? "equals truth" : "DIFFERS")}; {repeated} paid answers repeated; {watch.Elapsed.TotalSeconds:0} s"),
                crashed.Count == 0 && halfWritten.Count == 0 && differences.Count == 0 && rerunFailures.Count == 0 && unfinished.Count == 0 && points.Done >= Restarts);
        }
        finally
        {
            // Kept up for the security scan of its tables at the end.
            evidence.Cleanups.Add(async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await postgres.StopAsync(CancellationToken.None);
                Directory.Delete(directory, recursive: true);
            });
        }
    }

    private static string Shorten(string line) => line.Length > 160 ? line[..160] + "…" : line;
}
