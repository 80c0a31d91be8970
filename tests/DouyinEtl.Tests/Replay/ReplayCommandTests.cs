using DouyinEtl.Tests.Streams.ItemList;

namespace DouyinEtl.Tests.Replay;

/// <summary><c>douyin-etl replay</c> calls nothing upstream, so it runs with a connection string and nothing else: no key, no cookies.</summary>
public sealed class ReplayCommandTests
{
    [Fact]
    public async Task Replay_WithOnlyAConnectionString_RebuildsTheTablesWithoutAKeyOrCookies()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync("item-list");
        await harness.ScalarAsync<long>("WITH gone AS (DELETE FROM douyin.item_metric_snapshot RETURNING 1) SELECT count(*) FROM gone");
        await harness.ScalarAsync<long>("WITH gone AS (DELETE FROM douyin.item RETURNING 1) SELECT count(*) FROM gone");
        var requests = harness.Sandbox.Calls.TotalRequests;

        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Warehouse"] = harness.ConnectionString };
        foreach (var (key, value) in WorkerProcess.PinnedClock(harness.Now))
        {
            environment[key] = value;
        }

        var (exitCode, output) = await WorkerProcess.RunAsync(environment, TimeSpan.FromMinutes(2), "replay", "--stream", "item-list");

        Assert.True(exitCode == 0, output);
        Assert.Contains("0 upstream calls", output, StringComparison.Ordinal);
        Assert.Equal(requests, harness.Sandbox.Calls.TotalRequests);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
    }
}
