using System.Diagnostics;
using System.Globalization;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// kill -9 of the worker process at random points of a full sync, restarted each time (the whole script again, as the
/// next cron fires would), compared with the truth and with an uninterrupted reference sync of the same world: the
/// sandbox's billed count says how many paid answers each kill threw away.
/// </summary>
internal static class KillSuite
{
    /// <summary>Answers take time, as TikHub's do (100 ms here, as in the performance suite; about a second in production).</summary>
    public static Action<SandboxOptions> World(int latencyMs = 100) => ReliabilityBenchmark.World(7, PayloadVariant.RealWorld, s => s.Latency = TimeSpan.FromMilliseconds(latencyMs));

    public static async Task<(Harness Harness, long Billed, SortedDictionary<string, string> Fingerprint, TimeSpan Took)> ReferenceAsync(Evidence evidence, int latencyMs = 100)
    {
        var reference = await evidence.StartAsync(World(latencyMs));
        var watch = Stopwatch.StartNew();
        var failed = await ChildSync.RunAllAsync(reference, evidence);
        var took = watch.Elapsed;
        var wrong = await FullSync.DifferencesFromTruthAsync(reference, PayloadVariant.RealWorld);
        if (failed.Count + wrong.Count > 0)
        {
            throw new InvalidOperationException("the uninterrupted reference sync failed: " + string.Join("; ", failed.Concat(wrong)));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  reference: 6 child processes, {reference.Sandbox.Calls.TotalBilled} billed calls in {took.TotalSeconds:0.0} s, equals truth"));
        return (reference, reference.Sandbox.Calls.TotalBilled, await FullSync.FingerprintAsync(reference.ConnectionString), took);
    }

    public static async Task RunAsync(Evidence evidence, int kills)
    {
        // Production's concurrency at the performance suite's latency; one unit at a time; and a stress case where
        // answers come so fast that a kill often lands between an answer and its landing.
        foreach (var (latencyMs, concurrency) in new[] { (100, 4), (100, 1), (20, 4) })
        {
            await RunAsync(evidence, kills, latencyMs, concurrency);
        }
    }

    private static async Task RunAsync(Evidence evidence, int kills, int latencyMs, int concurrency)
    {
        Console.WriteLine();
        Console.WriteLine($"== kill -9 ({latencyMs} ms answers, Sync:Concurrency {concurrency}): `douyin-etl run <job>` for every job in turn, killed at {kills} random points and restarted ==");
        var (_, referenceBilled, referenceFingerprint, _) = await ReferenceAsync(evidence, latencyMs);

        var harness = await evidence.StartAsync(World(latencyMs), new Dictionary<string, string?> { ["Sync:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture) });
        var random = new Random(20261124);
        var points = new InterruptionPoints(random, referenceBilled, kills);
        var killedIn = new List<(string Job, long BilledAt, int DelayMs)>();
        var unexpectedExits = new List<string>();
        var watch = Stopwatch.StartNew();
        var jobIndex = 0;
        while (jobIndex < FullSync.Jobs.Count)
        {
            var job = FullSync.Jobs[jobIndex];
            var billedAtStart = harness.Sandbox.Calls.TotalBilled;
            var (exitCode, killed, output) = await ChildSync.RunJobAsync(harness, evidence, job, async worker =>
            {
                // Only while this child is at work (it has been paid at least once).
                if (harness.Sandbox.Calls.TotalBilled == billedAtStart || !points.Due(harness.Sandbox.Calls.TotalBilled))
                {
                    return false;
                }

                // A random moment after the point: answers in flight, being landed, parsed, written, or between units.
                var delay = random.Next(0, 250);
                await Task.Delay(delay);
                if (worker.HasExited)
                {
                    return false;
                }

                worker.KillHard();
                killedIn.Add((job, harness.Sandbox.Calls.TotalBilled, delay));
                points.Happened(harness.Sandbox.Calls.TotalBilled);
                return true;
            });

            if (killed)
            {
                jobIndex = 0;
                continue;
            }

            if (exitCode != 0)
            {
                unexpectedExits.Add($"{job} exited {exitCode}: {output.Split('\n').LastOrDefault()}");
            }

            jobIndex++;
        }

        var billedAfterSync = harness.Sandbox.Calls.TotalBilled;
        unexpectedExits.AddRange(await ChildSync.RunAllAsync(harness, evidence));
        var billedByCheckPass = harness.Sandbox.Calls.TotalBilled - billedAfterSync;

        var differences = (await FullSync.DifferencesFromTruthAsync(harness, PayloadVariant.RealWorld))
            .Concat(FullSync.Differences(referenceFingerprint, await FullSync.FingerprintAsync(harness.ConnectionString)))
            .ToList();
        var halfWritten = await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString);
        var repeated = billedAfterSync - referenceBilled;
        var dead = await ChildSync.DeadRunsAsync(harness.ConnectionString);
        var stillRunning = dead.Count(r => r.Status == "running");
        var repeatsByRun = await ChildSync.RepeatsByRunAsync(harness.ConnectionString);
        var perKill = dead.Select(r => repeatsByRun.GetValueOrDefault(r.RunId)).ToList();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  killed {killedIn.Count} times: {string.Join(", ", killedIn.Select(k => $"{k.Job}@{k.BilledAt}+{k.DelayMs}ms"))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  billed {billedAfterSync} against {referenceBilled} uninterrupted: {repeated} paid answers repeated ({(double)repeated / killedIn.Count:0.00} per kill); " +
            $"per killed run (answers landed raw, then asked again): [{string.Join(", ", perKill)}]; the check pass after the sync paid {billedByCheckPass}"));
        Console.WriteLine($"  runs of killed processes: {dead.Count}, closed as abandoned by the next run: {dead.Count - stillRunning}, still 'running': {stillRunning}; half-written units: {(halfWritten.Count == 0 ? "none" : string.Join("; ", halfWritten))}");
        Console.WriteLine($"  {(differences.Count == 0 ? "equals truth and the uninterrupted warehouse" : "DIFFERS: " + string.Join("; ", differences))}");
        if (unexpectedExits.Count > 0)
        {
            Console.WriteLine("  unexpected exits: " + string.Join("; ", unexpectedExits));
        }

        var ok = differences.Count == 0 && halfWritten.Count == 0 && unexpectedExits.Count == 0 && billedByCheckPass == 0 && killedIn.Count >= kills && stillRunning == 0;
        var landedThenAskedAgain = perKill.Sum();
        evidence.Add(
            $"kill -9 ({latencyMs} ms answers, concurrency {concurrency})",
            string.Create(CultureInfo.InvariantCulture,
                $"{killedIn.Count} SIGKILLs of the `run` child at random points of a full sync ({referenceBilled} paid calls; Sync:Concurrency {concurrency}, answers take {latencyMs} ms), restarted each time from the first job"),
            string.Create(CultureInfo.InvariantCulture,
                $"{(differences.Count == 0 ? "equals truth and the uninterrupted warehouse" : "differs")}; half-written units: {halfWritten.Count}; killed runs left 'running': {stillRunning}; " +
                $"{repeated} paid answers repeated = {(double)repeated / killedIn.Count:0.00} per kill ({repeated - landedThenAskedAgain} in flight or not yet landed, {landedThenAskedAgain} landed but not yet written); {watch.Elapsed.TotalSeconds:0} s"),
            ok && (double)repeated / killedIn.Count <= concurrency);
    }
}
