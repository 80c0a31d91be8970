using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.WatchTrend;

/// <summary>
/// <c>fetch_item_watch_trend</c>: <c>analysis_trend.current_item[]</c> and <c>.similar_author[]</c>, each
/// <c>{key: "mm:ss", value}</c>; keys past the hour read "h:mm:ss". Empty series mean "still computing" (under about
/// 200 plays): no rows, not an error. The real page's <c>valley_list</c> stays in the raw payload.
/// </summary>
internal sealed record WatchTrendReport(IReadOnlyList<TrendPoint> Points)
{
    public static readonly IReadOnlyList<string> Series = ["current_item", "similar_author"];

    public static WatchTrendReport? Parse(JsonElement data, PayloadProblems problems)
    {
        JsonElement trend;
        if (AnalyticsJson.Has(data, "analysis_trend"))
        {
            trend = JsonRead.Property(data, "analysis_trend") ?? default;
        }
        else if (AnalyticsJson.Has(data, [.. Series]))
        {
            trend = data;
        }
        else
        {
            return null;
        }

        var points = new List<TrendPoint>();
        foreach (var series in Series)
        {
            // Both curves come in every shape, empty while "still computing": a missing one is a changed answer.
            problems.Expect(trend, "analysis_trend", series);
            foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(trend, series), series, problems))
            {
                if (AnalyticsJson.Seconds(entry, problems, "key") is { } second)
                {
                    problems.Expect(entry, $"a point of '{series}'", "value");
                    points.Add(new TrendPoint(series, second, problems.Decimal(entry, "value")));
                }
            }
        }

        return new WatchTrendReport(points);
    }
}

/// <summary>One point of a curve: the series (this work or similar authors), the second into the video, and the ratio there.</summary>
internal sealed record TrendPoint(string Series, int Second, decimal? Value);
