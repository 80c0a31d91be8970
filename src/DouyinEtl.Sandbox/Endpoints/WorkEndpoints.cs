using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Routing;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// The single-work analytics routes: per endpoint, the work's truth of the day and how each payload variant shows it.
/// The many-id overview has its own class.
/// </summary>
public static class WorkEndpoints
{
    /// <summary>The watch trend's analysis types: 1 retention, 2 likes, 7 bounce.</summary>
    public static readonly IReadOnlyList<int> WatchTrendTypes = [1, 2, 7];

    public static void Map(TikHubPipeline pipeline, IEndpointRouteBuilder routes)
    {
        ItemEndpoint.Map(pipeline, routes, "fetch_item_play_source", (a, item, now) => a.PlaySources(item, now), s => PlaySources(s, realWorld: false), s => PlaySources(s, realWorld: true));
        ItemEndpoint.Map(pipeline, routes, "fetch_item_search_keyword", (a, item, now) => a.SearchKeywords(item, now), DocumentedSearchKeywords, RealWorldSearchKeywords);
        ItemEndpoint.Map(pipeline, routes, "fetch_item_audience_portrait", (a, item, now) => a.Portrait(item, now), p => Portrait(p, withTgi: true), p => Portrait(p, withTgi: false));
        ItemEndpoint.Map(pipeline, routes, "fetch_item_audience_others", (a, item, now) => a.AudienceOthers(item, now), DocumentedAudienceOthers, RealWorldAudienceOthers);
        ItemEndpoint.Map(pipeline, routes, "fetch_item_danmaku_analysis", (a, item, now) => a.Danmaku(item, now), DocumentedDanmaku, RealWorldDanmaku);
        pipeline.Map(routes, "fetch_item_watch_trend", ValidateWatchTrend, HandleWatchTrend);
    }

    private static void ValidateWatchTrend(RequestValidator v)
    {
        ItemEndpoint.Validate(v);
        v.OptionalInteger("analysis_type", 1);
    }

    private static SandboxReply HandleWatchTrend(TikHubRequest request)
    {
        var type = (int)(request.Body["analysis_type"] is JsonValue value && value.TryGetValue<long>(out var number) ? number : 1);
        if (!WatchTrendTypes.Contains(type))
        {
            return BadParameter($"analysis_type {type} 不支持");
        }

        return Answer(request, (a, item, now) => a.WatchTrend(item, now, type), t => WatchTrend(t, withValleys: false), t => WatchTrend(t, withValleys: true));
    }

    /// <summary>
    /// <c>fetch_item_watch_trend</c>: <c>analysis_trend.current_item/similar_author[] {key: "mm:ss", value}</c> for analysis
    /// types 1 (retention), 2 (likes) and 7 (bounce); "h:mm:ss" past the hour. Empty series until 200 plays. The real page
    /// adds <c>valley_list</c> (drop-off stretches, in seconds).
    /// </summary>
    private static JsonObject WatchTrend(WatchTrendTruth truth, bool withValleys)
    {
        var trend = new JsonObject
        {
            ["current_item"] = Array(truth.CurrentItem, Point),
            ["similar_author"] = Array(truth.SimilarAuthor, Point),
        };
        if (withValleys)
        {
            trend["valley_list"] = Array(Valleys(truth.CurrentItem), v => new JsonObject { ["start"] = v.Start, ["end"] = v.End });
        }

        return new JsonObject { ["analysis_trend"] = trend };
    }

    public static string WatchTrendKey(int second) => second >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{second / 3600}:{second / 60 % 60:D2}:{second % 60:D2}")
        : string.Create(CultureInfo.InvariantCulture, $"{second / 60:D2}:{second % 60:D2}");

    private static JsonObject Point(TrendPoint p) => new() { ["key"] = WatchTrendKey(p.Second), ["value"] = p.Value };

    private static IEnumerable<(int Start, int End)> Valleys(IReadOnlyList<TrendPoint> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i].Value < points[i - 1].Value * 0.8m)
            {
                yield return (points[i - 1].Second, points[i].Second);
            }
        }
    }

    /// <summary>
    /// <c>fetch_item_play_source</c>: the share of a work's plays per traffic source. The documented example copies
    /// <c>value</c> into <c>history_difference</c>; really it is the change against 7 days earlier and may be negative
    /// (RESEARCH §3.3), which both variants serve. The real-world one also has the Douyin Jingxuan app (2329) and ids as strings.
    /// </summary>
    private static JsonObject PlaySources(IReadOnlyList<PlaySourceTruth> truth, bool realWorld) => new()
    {
        ["play_source"] = Array(truth, s => new JsonObject
        {
            ["app_id"] = realWorld ? Text(s.AppId) : s.AppId,
            ["history_difference"] = s.HistoryDifference,
            ["key"] = s.Key,
            ["value"] = s.Value,
        }),
    };

    /// <summary>
    /// <c>fetch_item_search_keyword</c>, documented: <c>keywords[] {keyword, count, percentage}</c> and <c>total_count</c>,
    /// percentage in percent.
    /// </summary>
    private static JsonObject DocumentedSearchKeywords(SearchKeywordTruth truth) => new()
    {
        ["keywords"] = Array(truth.ShowFrom, k => new JsonObject { ["keyword"] = k.Keyword, ["count"] = k.Count, ["percentage"] = Math.Round(k.Share * 100, 1) }),
        ["total_count"] = truth.TotalCount,
    };

    /// <summary>
    /// <c>fetch_item_search_keyword</c>, real: <c>show_from[]</c> (words searched to find the work) and <c>inspire_search[]</c>
    /// (words searched after watching), each <c>{keyword, percent}</c> with percent a 0–1 fraction (RESEARCH §3.3).
    /// </summary>
    private static JsonObject RealWorldSearchKeywords(SearchKeywordTruth truth) => new()
    {
        ["show_from"] = Array(truth.ShowFrom, k => new JsonObject { ["keyword"] = k.Keyword, ["percent"] = k.Share }),
        ["inspire_search"] = Array(truth.InspireSearch, k => new JsonObject { ["keyword"] = k.Keyword, ["percent"] = k.Share }),
    };

    /// <summary>
    /// <c>fetch_item_audience_portrait</c>: <c>active[] {key, value}</c>, and per dimension (gender, province, age,
    /// city_level) <c>{ratio_list, tgi_list}</c>; <c>career</c> and <c>new_user</c> are empty lists, as in TikHub's example.
    /// The real page has been seen with <c>ratio_list</c> only (RESEARCH §3.3): the real-world variant has no TGI.
    /// </summary>
    private static JsonObject Portrait(PortraitTruth truth, bool withTgi)
    {
        var data = new JsonObject
        {
            ["active"] = Array(truth.Buckets.Where(b => b.Dimension == "active"), b => new JsonObject { ["key"] = b.Key, ["value"] = b.Ratio }),
        };
        foreach (var dimension in new[] { "gender", "province", "age", "city_level" })
        {
            var buckets = truth.Buckets.Where(b => b.Dimension == dimension).ToList();
            var section = new JsonObject { ["ratio_list"] = Array(buckets, b => KeyValue(b.Key, b.Ratio)) };
            if (withTgi)
            {
                section["tgi_list"] = Array(buckets, b => KeyValue(b.Key, b.Tgi));
            }

            data[dimension] = section;
        }

        data["career"] = new JsonArray();
        data["new_user"] = new JsonArray();
        return data;
    }

    private static JsonObject KeyValue(string key, decimal? value) => new() { ["key"] = key, ["value"] = value };

    /// <summary>
    /// <c>fetch_item_audience_others</c>, documented: <c>audience_distribution.fan_list</c> ("1" fans, "0" others) and
    /// <c>audience_keyword.keyword_list</c>.
    /// </summary>
    private static JsonObject DocumentedAudienceOthers(AudienceOthersTruth truth) => new()
    {
        ["audience_distribution"] = new JsonObject
        {
            ["fan_list"] = new JsonArray(
                new JsonObject { ["key"] = "1", ["value"] = truth.FanShare },
                new JsonObject { ["key"] = "0", ["value"] = 1 - truth.FanShare }),
        },
        ["audience_keyword"] = new JsonObject
        {
            ["keyword_list"] = Array(truth.InterestKeywords, k => new JsonObject { ["keyword"] = k.Key, ["value"] = k.Value }),
        },
    };

    /// <summary>
    /// <c>fetch_item_audience_others</c>, real (RESEARCH §3.3): <c>audience_preference.total_data.ratio_data</c> and
    /// <c>audience_search_most_keywords[] {keywords, query_cnt_7d}</c>.
    /// </summary>
    private static JsonObject RealWorldAudienceOthers(AudienceOthersTruth truth) => new()
    {
        ["audience_preference"] = new JsonObject
        {
            ["total_data"] = new JsonObject
            {
                ["ratio_data"] = Array(truth.Preferences, p => new JsonObject { ["key"] = p.Key, ["value"] = Text(p.Value) }),
            },
        },
        ["audience_search_most_keywords"] = Array(truth.SearchKeywords, k => new JsonObject { ["keywords"] = k.Keyword, ["query_cnt_7d"] = k.QueryCount7d }),
    };

    /// <summary>
    /// <c>fetch_item_danmaku_analysis</c>, documented: <c>bullet_distribution[] {time_point, count, percentage}</c>,
    /// <c>hot_words[] {word, count, sentiment}</c>, <c>total_count</c>, <c>peak_time</c>. No bullets: empty lists.
    /// </summary>
    private static JsonObject DocumentedDanmaku(DanmakuTruth truth)
    {
        var data = new JsonObject
        {
            ["bullet_distribution"] = Array(truth.Distribution, p => new JsonObject { ["time_point"] = p.Second, ["count"] = p.Count, ["percentage"] = p.Percentage }),
            ["hot_words"] = Array(truth.HotWords, w => new JsonObject { ["word"] = w.Word, ["count"] = w.Count, ["sentiment"] = w.Sentiment }),
            ["total_count"] = truth.TotalCount,
        };
        if (truth.PeakSecond is { } peak)
        {
            data["peak_time"] = peak;
        }

        return data;
    }

    /// <summary>
    /// <c>fetch_item_danmaku_analysis</c>, real (bullet analysis v2, RESEARCH §3.3): <c>current_item[] {key: seconds, value}</c>
    /// and <c>similar_author[]</c>. No bullets: empty lists.
    /// </summary>
    private static JsonObject RealWorldDanmaku(DanmakuTruth truth) => new()
    {
        ["current_item"] = Array(truth.Distribution, p => new JsonObject { ["key"] = p.Second.ToString(CultureInfo.InvariantCulture), ["value"] = p.Count }),
        ["similar_author"] = Array(truth.SimilarAuthor, p => new JsonObject { ["key"] = p.Second.ToString(CultureInfo.InvariantCulture), ["value"] = p.Value }),
    };
}
