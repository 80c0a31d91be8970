using System.Globalization;
using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.AudienceOthers;
using DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;
using DouyinEtl.Streams.ItemAnalytics.Danmaku;
using DouyinEtl.Streams.ItemAnalytics.PlaySource;
using DouyinEtl.Streams.ItemAnalytics.SearchKeyword;
using DouyinEtl.Streams.ItemAnalytics.WatchTrend;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>
/// The single-work endpoints and the tables their answers land in. Each endpoint's folder holds its report (how the
/// answer is read, in both payload variants) and its table declarations; here each report becomes the day's rows.
/// </summary>
internal static class WorkEndpoints
{
    /// <summary>Watch-trend analysis types 1 retention 留存, 2 likes 点赞, 7 bounce 跳出 (the video types; image posts use 3, 8, 9).</summary>
    public static readonly IReadOnlyList<short> WatchTrendTypes = [1, 2, 7];

    /// <summary>The enabled endpoints (the watch trend once per analysis type).</summary>
    public static List<WorkEndpoint> Enabled(ItemAnalyticsEndpoints enabled)
    {
        var endpoints = new List<WorkEndpoint>();
        if (enabled.PlaySource)
        {
            endpoints.Add(new(UpstreamEndpoints.ItemPlaySource, PlaySource));
        }

        if (enabled.SearchKeyword)
        {
            endpoints.Add(new(UpstreamEndpoints.ItemSearchKeyword, SearchKeyword));
        }

        if (enabled.WatchTrend)
        {
            endpoints.AddRange(WatchTrendTypes.Select(WatchTrend));
        }

        if (enabled.AudiencePortrait)
        {
            endpoints.Add(new(UpstreamEndpoints.ItemAudiencePortrait, AudiencePortrait));
        }

        if (enabled.AudienceOthers)
        {
            endpoints.Add(new(UpstreamEndpoints.ItemAudienceOthers, AudienceOthers));
        }

        if (enabled.DanmakuAnalysis)
        {
            // Bullets run over a video's timeline.
            endpoints.Add(new(UpstreamEndpoints.ItemDanmakuAnalysis, Danmaku) { VideoOnly = true });
        }

        return endpoints;
    }

    /// <summary><c>douyin.item_play_source</c>, one row per work × day × app × source.</summary>
    private static ItemDayRows? PlaySource(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems) =>
        PlaySourceReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, PlaySourceSql.Table, PlaySourceSql.Rows, [.. report.Sources.Select(s => new PlaySourceRow(snapshot, s))])
            : null;

    /// <summary><c>douyin.item_search_keyword</c> (+ <c>_total</c> when served).</summary>
    private static ItemDayRows? SearchKeyword(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems) =>
        SearchKeywordReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, SearchKeywordSql.WordTable, SearchKeywordSql.Words, [.. report.Words.Select(w => new SearchKeywordRow(snapshot, w))])
                .And(DayTables.Of(snapshot, SearchKeywordSql.TotalTable, SearchKeywordSql.Totals, report.TotalCount is { } total ? [new SearchTotalRow(snapshot, total)] : []))
            : null;

    /// <summary>
    /// <c>douyin.item_watch_trend</c> for one analysis type. Each type is its own unit (own call, own bookkeeping row),
    /// so a run stopped between types never pays for a landed one again. Videos only.
    /// </summary>
    private static WorkEndpoint WatchTrend(short analysisType) =>
        new(UpstreamEndpoints.ItemWatchTrend, (snapshot, data, problems) => WatchTrendReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, WatchTrendSql.Table, WatchTrendSql.Rows, [.. report.Points.Select(p => new WatchTrendRow(snapshot, analysisType, p))], analysisType)
            : null)
        {
            Variant = analysisType.ToString(CultureInfo.InvariantCulture),
            VideoOnly = true,
            Body = itemId => new() { ["item_id"] = itemId, ["analysis_type"] = analysisType },
        };

    /// <summary><c>douyin.item_audience_portrait</c>, one row per work × day × dimension × bucket.</summary>
    private static ItemDayRows? AudiencePortrait(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems) =>
        PortraitReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, AudiencePortraitSql.Table, AudiencePortraitSql.Rows, [.. report.Buckets.Select(b => new PortraitRow(snapshot, b))])
            : null;

    /// <summary><c>douyin.item_audience_others</c>, one row per work × day × kind × key.</summary>
    private static ItemDayRows? AudienceOthers(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems) =>
        AudienceOthersReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, AudienceOthersSql.Table, AudienceOthersSql.Rows, [.. report.Entries.Select(e => new AudienceOthersRow(snapshot, e))])
            : null;

    /// <summary><c>douyin.item_danmaku_distribution</c>, <c>_hot_word</c> and <c>_total</c>.</summary>
    private static ItemDayRows? Danmaku(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems) =>
        DanmakuReport.Parse(data, problems) is { } report
            ? DayTables.Of(snapshot, DanmakuSql.DistributionTable, DanmakuSql.Distribution, [.. report.Distribution.Select(p => new DanmakuPointRow(snapshot, p))])
                .And(DayTables.Of(snapshot, DanmakuSql.HotWordTable, DanmakuSql.HotWords, [.. report.HotWords.Select(w => new DanmakuWordRow(snapshot, w))]))
                .And(DayTables.Of(snapshot, DanmakuSql.TotalTable, DanmakuSql.Totals, report.Total is { } total ? [new DanmakuTotalRow(snapshot, total)] : []))
            : null;
}
