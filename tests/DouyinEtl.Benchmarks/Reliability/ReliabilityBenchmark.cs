using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// `reliability [kills] [suite…]`: full syncs of every job against the sandbox under fault mixes, kill -9 of the worker
/// process, PostgreSQL restarts and mutated payloads, each compared with the sandbox's ground truth; then a scan of every
/// log, child output, exception text and table for credentials. Prints one summary table; exits non-zero if a goal is missed.
/// Suites: faults, kill, pg-restart, mutations, accounts (all by default); security always runs last, over what they left.
/// </summary>
internal static class ReliabilityBenchmark
{
    public static async Task RunAsync(int kills)
    {
        var chosen = Environment.GetCommandLineArgs().SkipWhile(a => !a.Equals("reliability", StringComparison.OrdinalIgnoreCase)).Skip(2).ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool Runs(string suite) => chosen.Count == 0 || chosen.Contains(suite);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores; load average {LoadAverage()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC"));

        var evidence = new Evidence();
        var watch = Stopwatch.StartNew();
        if (Runs("faults"))
        {
            await FaultMixSuite.RunAsync(evidence);
        }

        if (Runs("kill"))
        {
            await KillSuite.RunAsync(evidence, Math.Max(kills, 10));
        }

        if (Runs("pg-restart"))
        {
            await PostgresRestartSuite.RunAsync(evidence);
        }

        if (Runs("mutations"))
        {
            await MutationSuite.RunAsync(evidence);
        }

        if (Runs("accounts"))
        {
            await AccountsSuite.RunAsync(evidence);
        }

        await SecuritySuite.RunAsync(evidence);
        foreach (var cleanup in evidence.Cleanups)
        {
            await cleanup();
        }

        foreach (var harness in evidence.Harnesses)
        {
            await harness.DisposeAsync();
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reliability summary ({watch.Elapsed.TotalMinutes:0.0} min, load average now {LoadAverage()})"));
        Console.WriteLine("| suite | what was run | result | goal met |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in evidence.Results)
        {
            Console.WriteLine($"| {row.Suite} | {row.What} | {row.Result} | {(row.GoalMet ? "yes" : "**no**")} |");
        }

        if (evidence.Results.Any(r => !r.GoalMet))
        {
            Environment.ExitCode = 1;
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>A sandbox world for the suites: the test harness's (3 accounts × 150 works over two years, frozen "now"), with a real-looking API key.</summary>
    public static Action<SandboxOptions> World(int seed, PayloadVariant variant, Action<SandboxOptions>? more = null) => s =>
    {
        s.Seed = seed;
        s.Variant = variant;
        s.ApiKey = SecretScan.NewApiKey();
        more?.Invoke(s);
    };
}

internal sealed record SuiteResult(string Suite, string What, string Result, bool GoalMet);

/// <summary>What the suites leave behind for the security scan, and their results.</summary>
internal sealed class Evidence
{
    private readonly List<Harness> _harnesses = [];

    public List<SuiteResult> Results { get; } = [];

    /// <summary>Child-process output and exception texts the suites caught.</summary>
    public List<string> Texts { get; } = [];

    /// <summary>Credentials besides the worlds' cookies and API keys (account keys, sinks' URL tokens and secrets) the scan looks for.</summary>
    public List<string> Secrets { get; } = [];

    /// <summary>Run after the security scan: servers and folders the suites kept for it.</summary>
    public List<Func<Task>> Cleanups { get; } = [];

    public IReadOnlyList<Harness> Harnesses => _harnesses;

    public async Task<Harness> StartAsync(Action<SandboxOptions> world, IReadOnlyDictionary<string, string?>? settings = null, string? database = null, bool accountsInConfiguration = true)
    {
        var harness = await Harness.StartAsync(world, settings, database, accountsInConfiguration);
        _harnesses.Add(harness);
        return harness;
    }

    public void Add(string suite, string what, string result, bool goalMet)
    {
        Results.Add(new SuiteResult(suite, what, result, goalMet));
        Console.WriteLine($"  → {suite}: {result}{(goalMet ? "" : "   ** GOAL MISSED **")}");
    }
}
