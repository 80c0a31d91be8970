using System.Text.Json.Nodes;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Streams.ItemList;
using DouyinEtl.Upstream;

namespace DouyinEtl.Tests.Upstream;

public sealed class TikHubClientTests
{
    [Fact]
    public async Task Call_RejectedAs422_IsNotRetriedAndSaysWhy()
    {
        await using var harness = await Harness.StartAsync();

        var error = await Assert.ThrowsAsync<UpstreamFailedException>(() => harness.CallAsync(
            UpstreamEndpoints.ItemList, new JsonObject { ["start_time"] = 0, ["end_time"] = 1, ["count"] = 101 }));

        Assert.Equal(422, error.HttpStatus);
        Assert.Contains("count", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Sandbox.Calls.TotalRequests);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE outcome = 'rejected' AND http_status = 422"));
    }

    [Fact]
    public async Task Run_WithAWrongApiKey_FailsAtOnceWithoutRetrying()
    {
        await using var harness = await Harness.StartAsync();

        var summary = await harness.RunAsync(settings: new Dictionary<string, string?> { ["TikHub:ApiKey"] = "not-the-key" });

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Contains("TikHub:ApiKey", summary.Error, StringComparison.Ordinal);
        Assert.True(harness.Sandbox.Calls.TotalRequests <= 4, $"{harness.Sandbox.Calls.TotalRequests} requests after a 401");
        Assert.Equal("failed", await harness.ScalarAsync<string>("SELECT status FROM etl.run"));
    }

    [Fact]
    public async Task Run_AtTheSandboxsOwnRateLimit_IsNeverThrottled()
    {
        await using var harness = await Harness.StartAsync(
            s =>
            {
                s.Accounts = 1;
                s.RequestsPerSecondPerKey = 10;
                s.RequestsPerSecondPerEndpoint = 5;
            },
            new Dictionary<string, string?> { ["TikHub:RequestsPerSecond"] = "10", ["TikHub:RequestsPerSecondPerEndpoint"] = "5" });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.Counters.Calls > 20);
        Assert.Equal(0, summary.Counters.Throttled);
        Assert.Equal(0, harness.Sandbox.Calls.Snapshot()["fetch_item_list"].Throttled);
    }

    [Fact]
    public async Task Run_FasterThanTheUpstreamAllows_HonoursRetryAfterAndStillEqualsTruth()
    {
        await using var harness = await Harness.StartAsync(
            s =>
            {
                s.Accounts = 1;
                s.RequestsPerSecondPerKey = 10;
                s.RequestsPerSecondPerEndpoint = 5;
            },
            new Dictionary<string, string?> { ["TikHub:RequestsPerSecond"] = "50", ["TikHub:RequestsPerSecondPerEndpoint"] = "50", ["Sync:Concurrency"] = "8" });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.Counters.Throttled > 0, "a client above the limit must meet 429s");
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
    }

    [Fact]
    public async Task Call_ExhaustedRetries_FailsTheUnitNotTheRunAndKeepsEveryAttempt()
    {
        await using var harness = await Harness.StartAsync(s => s.Faults = new FaultOptions { ServerErrorRate = 1.0 }, new Dictionary<string, string?> { ["TikHub:MaxRetries"] = "2" });

        var summary = await harness.RunAsync(accounts: ["creator-01"], period: new RunPeriod(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 20)));

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Equal(1, summary.Counters.UnitsFailed);
        Assert.Equal(3, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE http_status = 500"));
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'unit_failed'"));
    }
}
