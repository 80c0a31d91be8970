using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ContentAnalysis;

/// <summary>Counts and rates shared by the overview's totals and its genre/vertical bars.</summary>
internal sealed record AnalysisCounts(long? PublishCount, long? PlayCount, long? LikeCount, long? CommentCount, long? ShareCount)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "publish_count", "publish_cnt", "play_count", "play_cnt", "like_count", "like_cnt",
        "comment_count", "comment_cnt", "share_count", "share_cnt",
    };

    public static AnalysisCounts Read(JsonElement obj, PayloadProblems problems) => new(
        problems.Count(obj, "publish_count", "publish_cnt"),
        problems.Count(obj, "play_count", "play_cnt"),
        problems.Count(obj, "like_count", "like_cnt"),
        problems.Count(obj, "comment_count", "comment_cnt"),
        problems.Count(obj, "share_count", "share_cnt"));
}

internal sealed record AnalysisBar(string Dimension, string Key, AnalysisCounts Counts);

internal sealed record AnalysisOverview(AnalysisCounts Totals, decimal? AvgPlayDuration, decimal? CompletionRate5s, decimal? BounceRate2s, IReadOnlyList<AnalysisBar> Bars, string Json);

internal sealed record PerformanceEntry(
    int Rank,
    string ItemId,
    decimal? MetricValue,
    long? PlayCount,
    decimal? AvgPlayDuration,
    decimal? CompletionRate5s,
    decimal? BounceRate2s,
    string? CoverUrl,
    string Json);

/// <summary>
/// Readers for the three content-analysis answers. Only the verticals' shape is documented (<c>primary_verticals</c>);
/// for the other two we read what is stable under either of the names seen — creator style (<c>play_cnt</c>, strings,
/// at the top of <c>data</c>) or TikHub style (<c>play_count</c>, numbers, under <c>data.data</c>) — and report any
/// other field as unknown rather than fail: the raw answer is kept whole.
/// </summary>
internal static class AnalysisPayloads
{
    private static readonly IReadOnlySet<string> RateNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "avg_play_duration", "average_play_duration", "completion_rate_5s", "bounce_rate_2s",
    };

    private static readonly IReadOnlySet<string> PerformanceFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "item_id", "id", "metric_value", "play_count", "play_cnt", "like_count", "like_cnt", "digg_count", "comment_count", "comment_cnt",
        "share_count", "share_cnt", "average_play_duration", "avg_play_duration", "completion_rate_5s", "bounce_rate_2s", "cover", "cover_url",
    };

    /// <summary>
    /// The field that holds a ranked work's value for each metric type (1 views, 2 likes, 3 comments, 4 shares), under
    /// both names seen: RESEARCH §3.3 shows <c>play_count</c> and no <c>metric_value</c> for the views ranking.
    /// </summary>
    private static string[] RankedMetric(int metricType) => metricType switch
    {
        2 => ["like_count", "like_cnt", "digg_count"],
        3 => ["comment_count", "comment_cnt"],
        4 => ["share_count", "share_cnt"],
        _ => ["play_count", "play_cnt"],
    };

    /// <summary>The window's verticals (possibly none), or null when the answer has no <c>primary_verticals</c> list.</summary>
    public static List<string>? Verticals(JsonElement data, PayloadProblems problems)
    {
        var root = Root(data, "primary_verticals");
        if (JsonRead.Property(root, "primary_verticals") is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        problems.ReportUnknown(root, new HashSet<string>(StringComparer.Ordinal) { "primary_verticals", "data" }, "fetch_item_analysis_involved_vertical");
        var verticals = new List<string>();
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(entry.GetString()))
            {
                if (problems.FitsKey(entry.GetString()!, "primary_verticals"))
                {
                    verticals.Add(entry.GetString()!);
                }
            }
            else
            {
                problems.Add($"fetch_item_analysis_involved_vertical: a vertical is not text: {entry.GetRawText()}");
            }
        }

        return [.. verticals.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The overview, or null when <c>data</c> is not an object.</summary>
    public static AnalysisOverview? Overview(JsonElement data, PayloadProblems problems)
    {
        var root = Root(data, "overview", "genre_list", "genre_distribution", "play_count", "play_cnt");
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var nested = JsonRead.Property(root, "overview", "total", "summary") is { ValueKind: JsonValueKind.Object } inner ? inner : (JsonElement?)null;
        var totals = nested ?? root;
        var known = new HashSet<string>(StringComparer.Ordinal) { "data", "overview", "total", "summary", "genre_distribution", "genre_list", "vertical_distribution", "vertical_list" };
        if (nested is { } n)
        {
            problems.ReportUnknown(n, new HashSet<string>(AnalysisCounts.Names.Concat(RateNames), StringComparer.Ordinal), "fetch_item_analysis_overview totals");
        }
        else
        {
            known.UnionWith(AnalysisCounts.Names.Concat(RateNames));
        }

        problems.ReportUnknown(root, known, "fetch_item_analysis_overview");
        var bars = Bars(root, "genre", ["genre", "genre_type"], problems, "genre_distribution", "genre_list")
            .Concat(Bars(root, "vertical", ["vertical", "primary_vertical", "name"], problems, "vertical_distribution", "vertical_list"))
            .ToList();
        return new AnalysisOverview(
            AnalysisCounts.Read(totals, problems),
            problems.Decimal(totals, "avg_play_duration", "average_play_duration"),
            problems.Decimal(totals, "completion_rate_5s"),
            problems.Decimal(totals, "bounce_rate_2s"),
            bars,
            data.GetRawText());
    }

    /// <summary>
    /// The ranked works of a <paramref name="metricType"/> ranking, or null when the answer has no item list. Each
    /// work's metric value is <c>metric_value</c> when the answer has one, else the ranked metric's own field.
    /// </summary>
    public static List<PerformanceEntry>? Performance(JsonElement data, int metricType, PayloadProblems problems)
    {
        var root = Root(data, "items", "item_list");
        if (JsonRead.Property(root, "items", "item_list") is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        problems.ReportUnknown(root, new HashSet<string>(StringComparer.Ordinal) { "data", "items", "item_list", "metric_type", "has_more", "total" }, "fetch_item_analysis_item_performance");
        var entries = new List<PerformanceEntry>();
        var rank = 0;
        foreach (var item in list.EnumerateArray())
        {
            rank++;
            if (problems.Id(item, "item_id", "id") is not { } itemId)
            {
                problems.Add("fetch_item_analysis_item_performance: an item has no readable item_id; it was skipped");
                continue;
            }

            problems.ReportUnknown(item, PerformanceFields, "fetch_item_analysis_item_performance items");
            var ranked = RankedMetric(metricType);
            if (JsonRead.Property(item, "metric_value") is null)
            {
                problems.Expect(item, $"a work of the metric type {metricType} ranking", ranked);
            }

            entries.Add(new PerformanceEntry(
                rank,
                itemId,
                problems.Decimal(item, "metric_value") ?? problems.Decimal(item, ranked),
                problems.Count(item, "play_count", "play_cnt"),
                problems.Decimal(item, "average_play_duration", "avg_play_duration"),
                problems.Decimal(item, "completion_rate_5s"),
                problems.Decimal(item, "bounce_rate_2s"),
                Cover(item),
                item.GetRawText()));
        }

        return entries;
    }

    /// <summary><c>data</c> itself, or <c>data.data</c> when the payload sits one level down (TikHub style).</summary>
    private static JsonElement Root(JsonElement data, params ReadOnlySpan<string> markers)
    {
        if (JsonRead.Property(data, markers) is null && JsonRead.Property(data, "data") is { ValueKind: JsonValueKind.Object } inner)
        {
            return inner;
        }

        return data;
    }

    private static IEnumerable<AnalysisBar> Bars(JsonElement root, string dimension, string[] keyNames, PayloadProblems problems, params ReadOnlySpan<string> listNames)
    {
        if (JsonRead.Property(root, listNames) is not { ValueKind: JsonValueKind.Array } list)
        {
            return [];
        }

        var known = new HashSet<string>(AnalysisCounts.Names.Concat(keyNames), StringComparer.Ordinal);
        var bars = new List<AnalysisBar>();
        foreach (var entry in list.EnumerateArray())
        {
            if (problems.Key(entry, keyNames) is not { Length: > 0 } key)
            {
                problems.Add($"fetch_item_analysis_overview: a {dimension} entry has no {keyNames[0]}; it was skipped");
                continue;
            }

            problems.ReportUnknown(entry, known, $"fetch_item_analysis_overview {dimension}s");
            bars.Add(new AnalysisBar(dimension, key, AnalysisCounts.Read(entry, problems)));
        }

        return bars;
    }

    private static string? Cover(JsonElement item) =>
        JsonRead.Path(item, "cover", "url_list") is { ValueKind: JsonValueKind.Array } urls && urls.GetArrayLength() > 0
            ? urls[0].GetString()
            : JsonRead.String(item, "cover", "cover_url");
}
