using System.Globalization;
using Dapper;
using DouyinEtl.Cli;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Demo;

/// <summary>
/// The demo's check of the per-item analytics: every work × endpoint fetched today has the status the sandbox gives
/// it (data or "no data yet"), and every play-source row equals the sandbox's truth, value for value.
/// </summary>
internal static class ItemAnalyticsDemoCheck
{
    /// <summary>
    /// Works fanned out per demo run: the demo world has ~600 works inside the horizon, ~4,800 calls at production
    /// rate limits (8 minutes), so the demo takes the 25 youngest per run unless <c>--set ItemAnalytics:MaxItemsPerRun=…</c> says otherwise.
    /// </summary>
    public static string MaxItemsPerRun(System.CommandLine.ParseResult parse) =>
        CommandLine.Overrides(parse).LastOrDefault(o => string.Equals(o.Key, "ItemAnalytics:MaxItemsPerRun", StringComparison.OrdinalIgnoreCase)).Value ?? "25";

    public static async Task<bool> PrintAsync(NpgsqlDataSource dataSource, SandboxServer sandbox, CancellationToken cancellationToken)
    {
        var now = sandbox.State.Clock.GetUtcNow();
        var analytics = sandbox.World.Analytics;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fetched = (await connection.QueryAsync<(string ItemId, string Endpoint, string Status)>(new CommandDefinition(
            "SELECT item_id, endpoint, status FROM douyin.item_analysis_fetch WHERE snapshot_day = @Day",
            new { Day = ShanghaiTime.Day(now) },
            cancellationToken: cancellationToken))).ToList();
        var wrongStatus = fetched.Count(f => f.Status != (f.Endpoint != UpstreamEndpoints.ItemOverviewData && analytics.NoDataYet(analytics.Find(f.ItemId)!, now) ? "no_data_yet" : "ok"));

        var okItems = fetched.Where(f => f.Endpoint == UpstreamEndpoints.ItemPlaySource && f.Status == "ok").Select(f => f.ItemId).ToList();
        var landed = (await connection.QueryAsync<(string ItemId, int AppId, string Source, decimal? Ratio, decimal? Difference)>(new CommandDefinition(
            "SELECT item_id, app_id, source, ratio, history_difference FROM douyin.item_play_source WHERE snapshot_day = @Day AND item_id = ANY(@Ids)",
            new { Day = ShanghaiTime.Day(now), Ids = okItems.ToArray() },
            cancellationToken: cancellationToken))).ToHashSet();
        var truth = okItems
            .SelectMany(id => analytics.PlaySources(analytics.Find(id)!, now).Select(s => (id, s.AppId, s.Key, (decimal?)s.Value, (decimal?)s.HistoryDifference)))
            .ToHashSet();
        var playSourcesMatch = landed.SetEquals(truth);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Item analytics today: {fetched.Select(f => f.ItemId).Distinct().Count()} works, {fetched.Count} work × endpoint answers " +
            $"({fetched.Count(f => f.Status == "no_data_yet")} 'no data yet'), {wrongStatus} with a status the sandbox did not give; " +
            $"{landed.Count} play-source rows {(playSourcesMatch ? "all equal to" : "DIFFERENT FROM")} the sandbox's truth ({truth.Count})."));
        return wrongStatus == 0 && playSourcesMatch;
    }
}
