using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// The content-analysis trio: <c>fetch_item_analysis_involved_vertical</c>, <c>_overview</c> and <c>_item_performance</c>.
/// Dates are YYYYMMDD and a range may cover at most 90 days (400 beyond). TikHub documents only the verticals' answer;
/// the other two shapes are ours: "real-world" follows the creator center's habits (snake_case, numbers as strings,
/// fields nobody has described), "documented" a tidied TikHub style (numbers, nested under <c>data</c>).
/// </summary>
public static class ItemAnalysisEndpoints
{
    public const string InvolvedVerticalName = "fetch_item_analysis_involved_vertical";
    public const string OverviewName = "fetch_item_analysis_overview";
    public const string ItemPerformanceName = "fetch_item_analysis_item_performance";

    private const string DateFormat = "yyyyMMdd";
    private static readonly long[] AllGenres = [1, 2, 3, 4, 5, 8];

    public static void ValidateInvolvedVertical(RequestValidator v)
    {
        v.RequiredString("start_date");
        v.RequiredString("end_date");
    }

    public static void ValidateOverview(RequestValidator v)
    {
        ValidateInvolvedVertical(v);
        v.OptionalIntegerList("genres", AllGenres);
        v.RequiredStringList("primary_verticals");
    }

    public static void ValidateItemPerformance(RequestValidator v)
    {
        ValidateOverview(v);
        v.OptionalInteger("metric_type", 1, min: 1, max: 4);
    }

    public static SandboxReply HandleInvolvedVertical(TikHubRequest request)
    {
        if (!DateRangeParameters.TryRead(request, InvolvedVerticalName, DateFormat, ItemAnalysisWorld.MaxDays, out var first, out var last, out var error))
        {
            return error!;
        }

        var verticals = new JsonArray([.. ItemAnalysisWorld.InvolvedVerticals(request.World, request.Account, first, last, request.Now).Select(v => (JsonNode)v)]);
        return new DataReply(request.Variant == PayloadVariant.Documented
            ? new JsonObject { ["primary_verticals"] = verticals, ["status_code"] = 0, ["status_msg"] = "" }
            : new JsonObject { ["status_code"] = 0, ["status_msg"] = "", ["primary_verticals"] = verticals, ["extra"] = Extra(request) });
    }

    public static SandboxReply HandleOverview(TikHubRequest request)
    {
        if (!DateRangeParameters.TryRead(request, OverviewName, DateFormat, ItemAnalysisWorld.MaxDays, out var first, out var last, out var error))
        {
            return error!;
        }

        var overview = ItemAnalysisWorld.Overview(request.World, request.Account, first, last, Genres(request), Verticals(request), request.Now);
        var t = overview.Totals;
        if (request.Variant == PayloadVariant.Documented)
        {
            return new DataReply(new JsonObject
            {
                ["status_code"] = 0,
                ["status_msg"] = "",
                ["data"] = new JsonObject
                {
                    ["publish_count"] = t.PublishCount,
                    ["play_count"] = t.PlayCount,
                    ["like_count"] = t.LikeCount,
                    ["comment_count"] = t.CommentCount,
                    ["share_count"] = t.ShareCount,
                    ["avg_play_duration"] = t.AvgPlayDuration,
                    ["completion_rate_5s"] = t.CompletionRate5s,
                    ["bounce_rate_2s"] = t.BounceRate2s,
                    ["genre_distribution"] = new JsonArray([.. overview.Genres.Select(b => DocumentedBar(b, "genre", int.Parse(b.Key, CultureInfo.InvariantCulture)))]),
                    ["vertical_distribution"] = new JsonArray([.. overview.Verticals.Select(b => DocumentedBar(b, "vertical", b.Key))]),
                },
            });
        }

        return new DataReply(new JsonObject
        {
            ["status_code"] = 0,
            ["status_msg"] = "",
            ["overview"] = new JsonObject
            {
                ["publish_cnt"] = Text(t.PublishCount),
                ["play_cnt"] = Text(t.PlayCount),
                ["like_cnt"] = Text(t.LikeCount),
                ["comment_cnt"] = Text(t.CommentCount),
                ["share_cnt"] = Text(t.ShareCount),
                ["avg_play_duration"] = Text(t.AvgPlayDuration),
                ["completion_rate_5s"] = Text(t.CompletionRate5s),
                ["bounce_rate_2s"] = Text(t.BounceRate2s),
            },
            ["genre_list"] = new JsonArray([.. overview.Genres.Select(b => RealWorldBar(b, "genre"))]),
            ["vertical_list"] = new JsonArray([.. overview.Verticals.Select(b => RealWorldBar(b, "vertical"))]),
            // Undescribed: the worker must keep it raw and report it, not fail on it.
            ["update_time"] = ShanghaiClock.ToShanghai(request.Now).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["extra"] = Extra(request),
        });
    }

    public static SandboxReply HandleItemPerformance(TikHubRequest request)
    {
        if (!DateRangeParameters.TryRead(request, ItemPerformanceName, DateFormat, ItemAnalysisWorld.MaxDays, out var first, out var last, out var error))
        {
            return error!;
        }

        var metricType = (int)(RequestBody.Long(request.Body, "metric_type") ?? 1);
        var items = ItemAnalysisWorld.Performance(request.World, request.Account, first, last, Genres(request), Verticals(request), metricType, request.Now);
        if (request.Variant == PayloadVariant.Documented)
        {
            return new DataReply(new JsonObject
            {
                ["status_code"] = 0,
                ["status_msg"] = "",
                ["data"] = new JsonObject
                {
                    ["metric_type"] = metricType,
                    ["items"] = new JsonArray([.. items.Select(i => (JsonNode)WithRankedMetric(
                        new JsonObject
                        {
                            ["item_id"] = i.ItemId,
                            ["play_count"] = i.PlayCount,
                            ["average_play_duration"] = i.AveragePlayDuration,
                            ["completion_rate_5s"] = i.CompletionRate5s,
                            ["bounce_rate_2s"] = i.BounceRate2s,
                            ["cover"] = new JsonObject { ["url_list"] = new JsonArray(i.Cover) },
                        },
                        metricType,
                        "_count",
                        i.MetricValue))]),
                },
            });
        }

        return new DataReply(new JsonObject
        {
            ["status_code"] = 0,
            ["status_msg"] = "",
            ["metric_type"] = Text(metricType),
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)WithRankedMetric(
                new JsonObject
                {
                    ["item_id"] = i.ItemId,
                    ["play_count"] = Text(i.PlayCount),
                    ["average_play_duration"] = Text(i.AveragePlayDuration),
                    ["completion_rate_5s"] = Text(i.CompletionRate5s),
                    ["bounce_rate_2s"] = Text(i.BounceRate2s),
                    ["cover"] = i.Cover,
                    // Undescribed: kept raw and reported.
                    ["rank_change"] = "0",
                },
                metricType,
                "_cnt",
                Text(i.MetricValue)))]),
            ["extra"] = Extra(request),
        });
    }

    /// <summary>
    /// A ranked work carries the value it is ranked by as that metric's own field, as RESEARCH §3.3 shows for views
    /// (<c>play_count</c>, already there): likes, comments or shares named in the answer's style (<c>like_count</c> or
    /// <c>like_cnt</c>). There is no <c>metric_value</c> field.
    /// </summary>
    private static JsonObject WithRankedMetric(JsonObject item, int metricType, string suffix, JsonNode value)
    {
        if (metricType is 2 or 3 or 4)
        {
            item[(metricType switch { 2 => "like", 3 => "comment", _ => "share" }) + suffix] = value;
        }

        return item;
    }

    private static long[] Genres(TikHubRequest request) =>
        request.Body["genres"] is JsonArray genres ? [.. genres.Select(g => g!.GetValue<long>())] : AllGenres;

    private static string[] Verticals(TikHubRequest request) =>
        [.. ((JsonArray)request.Body["primary_verticals"]!).Select(v => v!.GetValue<string>())];

    private static JsonObject DocumentedBar(AnalysisBreakdown bar, string keyName, JsonNode key) => new()
    {
        [keyName] = key,
        ["publish_count"] = bar.PublishCount,
        ["play_count"] = bar.PlayCount,
        ["like_count"] = bar.LikeCount,
        ["comment_count"] = bar.CommentCount,
        ["share_count"] = bar.ShareCount,
    };

    private static JsonObject RealWorldBar(AnalysisBreakdown bar, string keyName) => new()
    {
        [keyName] = bar.Key,
        ["publish_cnt"] = Text(bar.PublishCount),
        ["play_cnt"] = Text(bar.PlayCount),
        ["like_cnt"] = Text(bar.LikeCount),
        ["comment_cnt"] = Text(bar.CommentCount),
        ["share_cnt"] = Text(bar.ShareCount),
    };

    private static JsonObject Extra(TikHubRequest request) => new() { ["now"] = request.Now.ToUnixTimeMilliseconds() };

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
