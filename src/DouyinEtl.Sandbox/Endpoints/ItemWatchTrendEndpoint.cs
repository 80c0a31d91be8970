using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_watch_trend</c>: <c>analysis_trend.current_item/similar_author[] {key: "mm:ss", value}</c> for analysis
/// types 1 (retention), 2 (likes) and 7 (bounce); "h:mm:ss" past the hour. Empty series until 200 plays. The real page
/// adds <c>valley_list</c> (drop-off stretches, in seconds).
/// </summary>
public static class ItemWatchTrendEndpoint
{
    public const string Name = "fetch_item_watch_trend";

    public static readonly IReadOnlyList<int> AnalysisTypes = [1, 2, 7];

    public static void Validate(RequestValidator v)
    {
        ItemEndpoint.Validate(v);
        v.OptionalInteger("analysis_type", 1);
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        var type = (int)(request.Body["analysis_type"] is JsonValue value && value.TryGetValue<long>(out var number) ? number : 1);
        if (!AnalysisTypes.Contains(type))
        {
            return BadParameter($"analysis_type {type} 不支持");
        }

        return Answer(request, (a, item, now) => a.WatchTrend(item, now, type), t => Trend(t, withValleys: false), t => Trend(t, withValleys: true));
    }

    /// <summary>The real page adds the drop-off stretches; TikHub's example has none.</summary>
    private static JsonObject Trend(WatchTrendTruth truth, bool withValleys)
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

    public static string Key(int second) => second >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{second / 3600}:{second / 60 % 60:D2}:{second % 60:D2}")
        : string.Create(CultureInfo.InvariantCulture, $"{second / 60:D2}:{second % 60:D2}");

    private static JsonObject Point(TrendPoint p) => new() { ["key"] = Key(p.Second), ["value"] = p.Value };

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
}
