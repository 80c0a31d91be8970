using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.WatchTrend;

/// <summary>
/// <c>fetch_item_watch_trend</c> for one analysis type → <c>douyin.item_watch_trend</c>. Each type is its own unit (own
/// call, own bookkeeping row), so a run stopped between types never pays for a landed one again. Videos only.
/// </summary>
internal sealed class WatchTrendAnalysis(short analysisType) : IWorkEndpoint
{
    /// <summary>1 retention 留存, 2 likes 点赞, 7 bounce 跳出 (the video types; image posts use 3, 8, 9).</summary>
    public static readonly IReadOnlyList<short> Types = [1, 2, 7];

    public string Endpoint => UpstreamEndpoints.ItemWatchTrend;

    public string Variant { get; } = analysisType.ToString(CultureInfo.InvariantCulture);

    public bool VideoOnly => true;

    public JsonObject Body(string itemId) => new() { ["item_id"] = itemId, ["analysis_type"] = analysisType };

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (WatchTrendReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var rows = report.Points.Select(p => new WatchTrendRow(snapshot, analysisType, p)).ToList();
        return new ItemDayRows(rows.Count, (c, t, ct) => DayTables.ReplaceAsync(c, t, snapshot, WatchTrendSql.Table, WatchTrendSql.Rows, rows, ct, analysisType));
    }
}
