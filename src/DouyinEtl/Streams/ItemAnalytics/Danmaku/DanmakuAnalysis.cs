using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.Danmaku;

/// <summary>
/// <c>fetch_item_danmaku_analysis</c> → <c>douyin.item_danmaku_distribution</c>, <c>_hot_word</c> and <c>_total</c>.
/// Videos only: bullets run over a video's timeline.
/// </summary>
internal sealed class DanmakuAnalysis : IWorkEndpoint
{
    public string Endpoint => UpstreamEndpoints.ItemDanmakuAnalysis;

    public bool VideoOnly => true;

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (DanmakuReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var points = report.Distribution.Select(p => new DanmakuPointRow(snapshot, p)).ToList();
        var words = report.HotWords.Select(w => new DanmakuWordRow(snapshot, w)).ToList();
        List<DanmakuTotalRow> totals = report.Total is { } total ? [new DanmakuTotalRow(snapshot, total)] : [];
        return new ItemDayRows(points.Count + words.Count + totals.Count, async (c, t, ct) =>
            await DayTables.ReplaceAsync(c, t, snapshot, DanmakuSql.DistributionTable, DanmakuSql.Distribution, points, ct)
            + await DayTables.ReplaceAsync(c, t, snapshot, DanmakuSql.HotWordTable, DanmakuSql.HotWords, words, ct)
            + await DayTables.ReplaceAsync(c, t, snapshot, DanmakuSql.TotalTable, DanmakuSql.Totals, totals, ct));
    }
}
