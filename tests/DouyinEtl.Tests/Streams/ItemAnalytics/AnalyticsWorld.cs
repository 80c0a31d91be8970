using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Streams.ItemAnalytics;

/// <summary>The sandbox world the item-analytics tests start from.</summary>
internal static class AnalyticsWorld
{
    public const string Job = "item-analytics";

    /// <summary>Settings that leave only the batched overview endpoint on.</summary>
    public static readonly IReadOnlyDictionary<string, string?> OverviewOnly = new Dictionary<string, string?>
    {
        ["ItemAnalytics:Endpoints:PlaySource"] = "false",
        ["ItemAnalytics:Endpoints:SearchKeyword"] = "false",
        ["ItemAnalytics:Endpoints:WatchTrend"] = "false",
        ["ItemAnalytics:Endpoints:AudiencePortrait"] = "false",
        ["ItemAnalytics:Endpoints:AudienceOthers"] = "false",
        ["ItemAnalytics:Endpoints:DanmakuAnalysis"] = "false",
    };

    /// <summary>A small world (3 accounts × 60 works over two years, about 27 inside the 90-day horizon) with its item list landed.</summary>
    public static async Task<Harness> StartWithItemsAsync(Action<SandboxOptions>? sandbox = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = await Harness.StartAsync(s =>
        {
            s.ItemsPerAccount = 60;
            sandbox?.Invoke(s);
        }, settings);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("item-list")).Outcome);
        return harness;
    }
}
