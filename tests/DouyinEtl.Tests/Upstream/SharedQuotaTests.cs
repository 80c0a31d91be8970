using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Upstream;

/// <summary>
/// Two real <c>douyin-etl run</c> processes, different jobs, one key, one sandbox that enforces TikHub's limits
/// (10/s per key, 5/s per key × endpoint) and counts the requests it had to refuse: together they keep the key's
/// limits, and a 429 one of them meets pauses both.
/// </summary>
public sealed class SharedQuotaTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task TwoProcesses_OnOneKey_TogetherNeverGoOverItsLimits()
    {
        await using var harness = await StartAsync();

        var (analytics, analysis) = await RunBothAsync(harness, whileRunning: null);

        Assert.True(analytics.ExitCode == 0, analytics.Output);
        Assert.True(analysis.ExitCode == 0, analysis.Output);
        Assert.Equal(0, harness.Sandbox.Calls.TotalOverLimit);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE http_status = 429"));

        // The two runs really called side by side (else the test proves nothing): calls of both within one shared span.
        var overlap = await harness.QueryAsync<(string Stream, long Calls)>("""
            WITH span AS (
                SELECT max(first) AS from_, min(last) AS to_
                FROM (SELECT stream, min(requested_at) AS first, max(requested_at) AS last FROM raw.api_call WHERE stream <> 'item-list' GROUP BY stream) s)
            SELECT c.stream, count(*) FROM raw.api_call c, span WHERE c.stream <> 'item-list' AND c.requested_at BETWEEN span.from_ AND span.to_ GROUP BY c.stream
            """);
        Assert.Equal(2, overlap.Count);
        Assert.All(overlap, o => Assert.True(o.Calls >= 15, $"{o.Stream}: only {o.Calls} calls while the other job ran"));
    }

    [Fact]
    public async Task A429MetByOneProcess_PausesTheOtherToo()
    {
        await using var harness = await StartAsync();
        const int retryAfter = 4;

        var (analytics, analysis) = await RunBothAsync(harness, whileRunning: async () =>
        {
            harness.Sandbox.State.ThrottleNext(retryAfter);
            await Eventually(() => harness.Sandbox.Calls.ForKey(harness.Sandbox.Options.ApiKey).ThrottledAt.Count == 1, "the 429 to be served");
        });

        Assert.True(analytics.ExitCode == 0, analytics.Output);
        Assert.True(analysis.ExitCode == 0, analysis.Output);
        var key = harness.Sandbox.Calls.ForKey(harness.Sandbox.Options.ApiKey);
        var throttledAt = Assert.Single(key.ThrottledAt);
        var after = key.RequestedAt.Select(t => harness.Sandbox.State.SecondsBetween(throttledAt, t)).Where(s => s > 0).ToList();

        // Slots reserved before the pause (a few per process, 0.1 s apart) may still go out in the first second; after
        // that nobody calls until Retry-After has passed, then both go on.
        var duringPause = after.Where(s => s is > 1.5 and < retryAfter - 0.2).ToList();
        Assert.True(duringPause.Count == 0, $"{duringPause.Count} request(s) during the pause, at {string.Join(", ", duringPause.Select(s => $"{s:0.00} s"))} after the 429");
        Assert.True(after.Count(s => s >= retryAfter) >= 10, $"only {after.Count(s => s >= retryAfter)} request(s) after the pause");
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE http_status = 429"));
    }

    private static async Task<((int ExitCode, string Output) Analytics, (int ExitCode, string Output) Analysis)> RunBothAsync(Harness harness, Func<Task>? whileRunning)
    {
        await harness.RunAsync("item-list");
        using (var host = harness.BuildHost())
        {
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        }

        // From here on, TikHub's limits, enforced by the sandbox and configured in the worker.
        harness.Sandbox.Options.RequestsPerSecondPerKey = 10;
        harness.Sandbox.Options.RequestsPerSecondPerEndpoint = 5;
        var environment = harness.ChildEnvironment();
        environment["TikHub__RequestsPerSecond"] = "10";
        environment["TikHub__RequestsPerSecondPerEndpoint"] = "5";
        environment["TikHub__RetryBaseDelay"] = "00:00:00.500";
        environment["TikHub__RetryMaxDelay"] = "00:00:05";
        environment["Logging__LogLevel__Default"] = "Warning";

        var analytics = WorkerProcess.RunAsync(environment, ProcessTimeout, "run", "item-analytics");
        var analysis = WorkerProcess.RunAsync(environment, ProcessTimeout, "run", "item-analysis");
        if (whileRunning is not null)
        {
            await Eventually(
                async () => await harness.ScalarAsync<long>("SELECT count(DISTINCT stream) FROM raw.api_call WHERE stream IN ('item-analytics', 'item-analysis')") == 2,
                "both processes to call");
            await whileRunning();
        }

        return (await analytics, await analysis);
    }

    private static Task<Harness> StartAsync() => Harness.StartAsync(
        s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(50)),
        new Dictionary<string, string?> { ["Sync:Concurrency"] = "4" });

    private static Task Eventually(Func<bool> condition, string what) => Eventually(() => Task.FromResult(condition()), what);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            Assert.False(timeout.IsCancellationRequested, "timed out waiting for " + what);
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
