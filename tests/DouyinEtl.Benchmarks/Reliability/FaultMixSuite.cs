using System.Diagnostics;
using System.Globalization;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// Full syncs under each fault mix, three seeds each, every one compared with the sandbox's truth and, table by table,
/// with a fault-free full sync of the same world. A sync that ends partly failed is run again, as the next cron fire would.
/// </summary>
internal static class FaultMixSuite
{
    private const int MaxPasses = 3;

    private static readonly (string Name, Action<FaultOptions> Faults, Dictionary<string, string?> Settings)[] Mixes =
    [
        ("5xx (15 %)", f => f.ServerErrorRate = 0.15, []),
        ("429 with Retry-After: 1 (4 %)", f => (f.TooManyRequestsRate, f.RetryAfterSeconds) = (0.04, 1), []),
        ("hung past the attempt timeout (3 %)", f => (f.HangRate, f.HangDuration) = (0.03, TimeSpan.FromMinutes(2)),
            new() { ["TikHub:AttemptTimeout"] = "00:00:01", ["TikHub:DownloadTimeout"] = "00:00:02" }),
        ("malformed JSON, truncated xlsx (15 %)", f => f.MalformedJsonRate = 0.15, []),
        ("HTML bodies, truncated xlsx (15 %)", f => f.HtmlBodyRate = 0.15, []),
        ("all of them + 'Please retry' 400s (25 %)", f =>
        {
            (f.ServerErrorRate, f.TooManyRequestsRate, f.RetryAfterSeconds, f.HangRate, f.HangDuration) = (0.05, 0.02, 1, 0.01, TimeSpan.FromMinutes(2));
            (f.MalformedJsonRate, f.HtmlBodyRate, f.PleaseRetryRate) = (0.06, 0.06, 0.05);
        }, new() { ["TikHub:AttemptTimeout"] = "00:00:01", ["TikHub:DownloadTimeout"] = "00:00:02" }),
    ];

    public static async Task RunAsync(Evidence evidence)
    {
        Console.WriteLine();
        Console.WriteLine("== Fault mixes: full sync of every job, 3 seeds each, compared with the sandbox's truth and a fault-free sync ==");
        var seeds = new[] { 1, 2, 3 };
        var references = new Dictionary<int, SortedDictionary<string, string>>();
        var referenceBilled = new Dictionary<int, long>();
        foreach (var seed in seeds)
        {
            var variant = Variant(seed);
            var reference = await evidence.StartAsync(ReliabilityBenchmark.World(seed, variant));
            await FullSync.RunAsync(reference);
            var wrong = await FullSync.DifferencesFromTruthAsync(reference, variant);
            if (wrong.Count > 0)
            {
                throw new InvalidOperationException($"the fault-free reference (seed {seed}) differs from the sandbox's truth: {string.Join("; ", wrong)}");
            }

            references[seed] = await FullSync.FingerprintAsync(reference.ConnectionString);
            referenceBilled[seed] = reference.Sandbox.Calls.TotalBilled;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  reference seed {seed} ({variant}): {referenceBilled[seed]} billed calls, equals truth"));
        }

        foreach (var (name, faults, settings) in Mixes)
        {
            var equal = 0;
            var lines = new List<string>();
            long injected = 0, retries = 0, extraBilled = 0;
            var passes = new List<int>();
            var watch = Stopwatch.StartNew();
            foreach (var seed in seeds)
            {
                var variant = Variant(seed);
                var options = new FaultOptions { Seed = 1000 + seed };
                faults(options);
                var harness = await evidence.StartAsync(ReliabilityBenchmark.World(seed, variant, s => s.Faults = options), settings);
                var pass = 0;
                List<RunSummary> summaries;
                do
                {
                    pass++;
                    summaries = await FullSync.RunAsync(harness);
                    retries += summaries.Sum(s => s.Counters.Retries);
                }
                while (summaries.Any(s => s.Outcome != RunOutcome.Succeeded) && pass < MaxPasses);

                passes.Add(pass);
                injected += harness.Sandbox.Calls.TotalRequests - referenceBilled[seed];
                extraBilled += harness.Sandbox.Calls.TotalBilled - referenceBilled[seed];
                var differences = (await FullSync.DifferencesFromTruthAsync(harness, variant))
                    .Concat(FullSync.Differences(references[seed], await FullSync.FingerprintAsync(harness.ConnectionString)))
                    .ToList();
                if (differences.Count == 0)
                {
                    equal++;
                }

                var crashed = summaries.Where(s => s.Error is not null).Select(s => $"{s.Job}: {s.Error}").ToList();
                evidence.Texts.AddRange(crashed);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"    seed {seed}: {pass} pass(es), {harness.Sandbox.Calls.TotalRequests} requests, {harness.Sandbox.Calls.TotalBilled} billed, " +
                    $"{(differences.Count == 0 ? "equals truth" : "DIFFERS: " + string.Join("; ", differences.Take(4)))}{(crashed.Count > 0 ? "; job errors: " + string.Join("; ", crashed) : "")}"));
            }

            Console.WriteLine($"  {name}");
            lines.ForEach(Console.WriteLine);
            evidence.Add(
                "faults",
                $"{name}: full sync × 3 seeds (seeds 1, 3 real-world payloads, 2 documented)",
                string.Create(CultureInfo.InvariantCulture,
                    $"{equal}/3 equal truth and the fault-free warehouse; {injected} requests beyond the fault-free sync, {retries} retries; passes {string.Join("/", passes)}; {extraBilled} billed calls beyond the fault-free sync; {watch.Elapsed.TotalSeconds:0} s"),
                equal == seeds.Length);
        }
    }

    private static PayloadVariant Variant(int seed) => seed % 2 == 0 ? PayloadVariant.Documented : PayloadVariant.RealWorld;
}
