using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// A full sync of every job under every fault at once (the reliability benchmark runs each mix with three seeds): the
/// warehouse equals the sandbox's truth and, table for table, a fault-free sync; no log line or table holds a credential.
/// </summary>
public sealed class FullSyncFaultTests
{
    internal static void SmallWorld(SandboxOptions options) => (options.Accounts, options.ItemsPerAccount) = (2, 60);

    [Fact]
    public async Task FullSync_UnderEveryFaultAtOnce_EqualsTruthAndTheFaultFreeWarehouse_AndLeaksNoCredential()
    {
        await using var clean = await Harness.StartAsync(SmallWorld);
        await FullSync.RunAsync(clean);
        var faults = new FaultOptions
        {
            Seed = 8,
            ServerErrorRate = 0.05,
            TooManyRequestsRate = 0.03,
            RetryAfterSeconds = 0,
            HangRate = 0.02,
            HangDuration = TimeSpan.FromSeconds(30),
            MalformedJsonRate = 0.05,
            HtmlBodyRate = 0.05,
            PleaseRetryRate = 0.03,
        };
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount, s.Faults, s.ApiKey) = (2, 60, faults, SecretScan.NewApiKey()),
            new Dictionary<string, string?> { ["TikHub:AttemptTimeout"] = "00:00:00.500", ["TikHub:DownloadTimeout"] = "00:00:01" });

        var summaries = await FullSync.RunAsync(harness);
        if (summaries.Any(s => s.Outcome != RunOutcome.Succeeded))
        {
            // A unit whose retries all met faults is asked again by the next run, as the next cron fire would.
            summaries = await FullSync.RunAsync(harness);
        }

        Assert.All(summaries, s => Assert.Equal(RunOutcome.Succeeded, s.Outcome));
        Assert.True(harness.Sandbox.Calls.TotalRequests > clean.Sandbox.Calls.TotalRequests, "the faults must have cost retries");
        Assert.Empty(await FullSync.DifferencesFromTruthAsync(harness, PayloadVariant.RealWorld));
        Assert.Equal(await FullSync.FingerprintAsync(clean.ConnectionString), await FullSync.FingerprintAsync(harness.ConnectionString));
        Assert.Empty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));

        var scan = new SecretScan(harness.Sandbox.World.Accounts.Select(a => a.Cookie), [harness.Sandbox.Options.ApiKey]);
        Assert.False(scan.Leaks(harness.Logs.All), "a log line holds a credential");
        Assert.Empty((await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin", "quartz")).Leaking);

        // The scan itself finds a 16-character piece of a cookie value anywhere in a row.
        var piece = harness.Sandbox.World.Accounts[0].Cookie.Split(';')[3].Split('=')[1][5..21];
        await harness.ScalarAsync<long>("UPDATE etl.run SET error = concat(error, ' ', @piece::text) WHERE run_id = 1 RETURNING run_id", new { piece });
        Assert.Equal(["etl.run"], (await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin", "quartz")).Leaking);
    }
}
