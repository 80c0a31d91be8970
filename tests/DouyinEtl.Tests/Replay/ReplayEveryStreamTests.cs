using DouyinEtl.Replay;
using DouyinEtl.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Replay;

/// <summary>
/// Replay of every stream besides item-list (see <see cref="ReplayTests"/>) on one warehouse all jobs filled: a stream's
/// tables emptied and replayed hold exactly the rows the live runs wrote, without one upstream call; replaying the
/// first day over the full warehouse changes nothing.
/// </summary>
public sealed class ReplayEveryStreamTests(AllStreamsWarehouseFixture fixture) : IClassFixture<AllStreamsWarehouseFixture>
{
    /// <summary>Each stream's tables, children first (so they can be emptied in this order).</summary>
    private static readonly Dictionary<string, string[]> Tables = new()
    {
        ["item-export"] = ["item_export_row"],
        ["item-analytics"] =
        [
            "item_overview", "item_play_source", "item_search_keyword", "item_search_keyword_total", "item_watch_trend",
            "item_audience_portrait", "item_audience_others", "item_danmaku_distribution", "item_danmaku_hot_word",
            "item_danmaku_total", "item_analysis_fetch",
        ],
        ["author-diagnosis"] = ["author_diagnosis"],
        ["item-analysis"] = ["item_analysis_vertical", "item_analysis_overview", "item_analysis_breakdown", "item_analysis_performance"],
        ["live-rooms"] = ["live_room_daily", "live_room"],
    };

    private readonly Harness _harness = fixture.Harness;

    public static TheoryData<string> Streams => [.. Tables.Keys];

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Replay_IntoEmptiedTables_ReproducesEveryRowExactly_WithoutCallingUpstream(string stream)
    {
        var before = await RowsAsync(Tables[stream]);
        Assert.All(Tables[stream].Where(t => t is not ("item_analysis_breakdown" or "item_danmaku_hot_word")), t => Assert.True(before[t].Count > 0, $"{t} is empty: the test would prove nothing"));
        await _harness.ScalarAsync<int>(string.Concat(Tables[stream].Select(t => $"DELETE FROM douyin.{t}; ")) + "SELECT 0");
        var calls = _harness.Sandbox.Calls.TotalRequests;

        var summary = await ReplayAsync(new ReplayRequest([stream], [], RunPeriod.Default));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.CallsTotal > 1, "several landed calls should have been replayed");
        Assert.Equal(summary.CallsTotal, summary.Counters.UnitsDone);
        Assert.Equal(calls, _harness.Sandbox.Calls.TotalRequests);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT calls FROM etl.run WHERE run_id = @RunId", new { summary.RunId }));
        var after = await RowsAsync(Tables[stream]);
        Assert.All(Tables[stream], t => Assert.True(before[t].SequenceEqual(after[t]), $"{t}: {Difference(before[t], after[t])}"));
    }

    [Fact]
    public async Task Replay_OfTheFirstDayOverTheFullWarehouse_ChangesNothing()
    {
        var all = Tables.Values.SelectMany(t => t).Append("item").Append("item_metric_snapshot").ToList();
        var before = await RowsAsync(all);
        var calls = _harness.Sandbox.Calls.TotalRequests;

        var summary = await ReplayAsync(new ReplayRequest([], [], new RunPeriod(fixture.FirstDay, fixture.FirstDay)));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(
            await _harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE http_status = 200 AND requested_at < @End", new { End = ShanghaiTime.StartOfDay(fixture.FirstDay.AddDays(1)).UtcDateTime }),
            summary.CallsTotal);
        Assert.Equal(calls, _harness.Sandbox.Calls.TotalRequests);
        var after = await RowsAsync(all);
        Assert.All(all, t => Assert.True(before[t].SequenceEqual(after[t]), $"{t}: {Difference(before[t], after[t])}"));
    }

    private async Task<ReplaySummary> ReplayAsync(ReplayRequest request)
    {
        using var host = _harness.BuildHost();
        return await host.Services.GetRequiredService<Replayer>().RunAsync(request, null, CancellationToken.None);
    }

    /// <summary>Every row of each table as JSON text, in a stable order: equal lists mean equal tables, byte for byte.</summary>
    private async Task<Dictionary<string, List<string>>> RowsAsync(IEnumerable<string> tables)
    {
        var rows = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            rows[table] = await _harness.QueryAsync<string>($"SELECT to_jsonb(t)::text AS row FROM douyin.{table} t ORDER BY 1");
        }

        return rows;
    }

    private static string Difference(List<string> before, List<string> after) =>
        $"{before.Count} rows before, {after.Count} after; first lost: {before.Except(after).FirstOrDefault() ?? "none"}; first new: {after.Except(before).FirstOrDefault() ?? "none"}";
}
