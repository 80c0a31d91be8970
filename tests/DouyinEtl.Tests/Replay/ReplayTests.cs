using DouyinEtl.Cli;
using DouyinEtl.Configuration;
using DouyinEtl.Replay;
using DouyinEtl.Runs;
using DouyinEtl.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Replay;

/// <summary>Replay re-normalizes what was landed: the same rows as the live runs, and not one upstream call.</summary>
public sealed class ReplayTests
{
    private const string Items = "SELECT to_jsonb(t)::text FROM douyin.item t ORDER BY item_id";
    private const string Snapshots = "SELECT to_jsonb(t)::text FROM douyin.item_metric_snapshot t ORDER BY item_id, captured_hour";

    [Fact]
    public async Task Replay_IntoEmptiedTables_ReproducesEveryRowExactly_WithoutCallingUpstream()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        harness.SetNow(harness.Now.AddHours(1));
        await harness.RunAsync();
        var items = await harness.QueryAsync<string>(Items);
        var snapshots = await harness.QueryAsync<string>(Snapshots);
        var landed = await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE endpoint = 'fetch_item_list' AND http_status = 200");
        await harness.ScalarAsync<int>("DELETE FROM douyin.item_metric_snapshot; DELETE FROM douyin.item; SELECT 0");
        var callsBefore = harness.Sandbox.Calls.TotalRequests;

        var summary = await ReplayAsync(harness, new ReplayRequest([], [], RunPeriod.Default));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(landed, summary.CallsTotal);
        Assert.Equal(landed, summary.Counters.UnitsDone);
        Assert.Equal(items, await harness.QueryAsync<string>(Items));
        Assert.Equal(snapshots, await harness.QueryAsync<string>(Snapshots));
        Assert.Equal(callsBefore, harness.Sandbox.Calls.TotalRequests);
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT calls FROM etl.run WHERE run_id = @RunId", new { summary.RunId }));
        Assert.Equal("replay", await harness.ScalarAsync<string>("SELECT job FROM etl.run WHERE run_id = @RunId", new { summary.RunId }));
    }

    [Fact]
    public async Task Replay_OfAnOlderDayOnAFullWarehouse_RollsNothingBack()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var firstDay = ShanghaiTime.Day(harness.Now);
        harness.SetNow(harness.Now.AddDays(2));
        await harness.RunAsync();
        var items = await harness.QueryAsync<string>(Items);
        var snapshots = await harness.QueryAsync<string>(Snapshots);

        var summary = await ReplayAsync(harness, new ReplayRequest(["item-list"], [], new RunPeriod(firstDay, firstDay)));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.CallsTotal > 0);
        Assert.True(summary.CallsTotal < await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE http_status = 200"), "the period should select only the first day's calls");
        Assert.Equal(items, await harness.QueryAsync<string>(Items));
        Assert.Equal(snapshots, await harness.QueryAsync<string>(Snapshots));
    }

    [Fact]
    public async Task Replay_OneAccount_TouchesOnlyThatAccountsRows()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        await harness.ScalarAsync<int>("DELETE FROM douyin.item_metric_snapshot; DELETE FROM douyin.item; SELECT 0");

        await ReplayAsync(harness, new ReplayRequest([], ["creator-02"], RunPeriod.Default));

        Assert.Equal(["creator-02"], await harness.QueryAsync<string>("SELECT DISTINCT account_id FROM douyin.item"));
        await WarehouseTruthForOneAccountAsync(harness, "creator-02");
    }

    [Fact]
    public async Task Replay_UnknownStream_IsABadCommandLine()
    {
        await using var harness = await Harness.StartAsync();

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => ReplayAsync(harness, new ReplayRequest(["no-such-stream"], [], RunPeriod.Default)));

        Assert.Contains("item-list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayCommand_ExitsLikeRun()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var settings = harness.SetArguments();

        Assert.Equal(0, await CommandLine.InvokeAsync(["replay", "--stream", "item-list", .. settings]));
        Assert.Equal(64, await CommandLine.InvokeAsync(["replay", "--stream", "nothing", .. settings]));
        Assert.Equal(64, await CommandLine.InvokeAsync(["replay", "--from", "20261120", .. settings]));
    }

    [Fact]
    public void EveryRegisteredJob_IsReplayable_AndEveryEndpointHasOneOwner()
    {
        using var host = RegisteredJobs.BuildHost();

        var replayer = host.Services.GetRequiredService<Replayer>();

        Assert.Equal(RegisteredJobs.Names.Order(), replayer.Streams.Select(s => s.Stream).Order());
        var endpoints = typeof(UpstreamEndpoints).GetFields()
            .Where(f => f.IsLiteral && f.Name != nameof(UpstreamEndpoints.PathPrefix))
            .Select(f => (string)f.GetRawConstantValue()!);
        Assert.Equal(endpoints.Order(), replayer.Streams.SelectMany(s => s.Endpoints).Order());
    }

    private static async Task<ReplaySummary> ReplayAsync(Harness harness, ReplayRequest request)
    {
        using var host = harness.BuildHost();
        return await host.Services.GetRequiredService<Replayer>().RunAsync(request, null, CancellationToken.None);
    }

    private static async Task WarehouseTruthForOneAccountAsync(Harness harness, string account) =>
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness, [account]);
}
