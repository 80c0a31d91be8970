using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.Danmaku;

/// <summary>
/// <c>fetch_item_danmaku_analysis</c>, both shapes (RESEARCH §3.3, §6). Documented: <c>bullet_distribution[]
/// {time_point, count, percentage}</c>, <c>hot_words[] {word, count, sentiment}</c>, <c>total_count</c>, <c>peak_time</c>.
/// Real (bullet analysis v2): <c>current_item[]</c> and <c>similar_author[]</c>, <c>{key: seconds, value}</c>. A video
/// without bullets answers empty lists: no rows, not an error.
/// </summary>
internal sealed record DanmakuReport(IReadOnlyList<DanmakuPoint> Distribution, IReadOnlyList<DanmakuWord> HotWords, DanmakuTotal? Total)
{
    public static DanmakuReport? Parse(JsonElement data, PayloadProblems problems)
    {
        if (!AnalyticsJson.Has(data, "bullet_distribution", "hot_words", "total_count", "peak_time", "current_item", "similar_author"))
        {
            return null;
        }

        AnalyticsJson.ExpectShape(data, problems, "fetch_item_danmaku_analysis", "bullet_distribution", "hot_words", "total_count");
        AnalyticsJson.ExpectShape(data, problems, "fetch_item_danmaku_analysis", "current_item", "similar_author");
        var points = new List<DanmakuPoint>();
        foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, "bullet_distribution"), "bullet_distribution", problems))
        {
            if (AnalyticsJson.Seconds(entry, problems, "time_point") is { } second)
            {
                problems.ExpectEach(entry, "a point of 'bullet_distribution'", "count", "percentage");
                points.Add(new DanmakuPoint("current_item", second, problems.Decimal(entry, "count"), AnalyticsJson.Percentage(entry, problems, "percentage")));
            }
        }

        foreach (var series in new[] { "current_item", "similar_author" })
        {
            foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, series), series, problems))
            {
                if (AnalyticsJson.Seconds(entry, problems, "key", "time_point") is { } second)
                {
                    problems.Expect(entry, $"a point of '{series}'", "value", "count");
                    points.Add(new DanmakuPoint(series, second, problems.Decimal(entry, "value", "count"), null));
                }
            }
        }

        var words = new List<DanmakuWord>();
        foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, "hot_words"), "hot_words", problems))
        {
            if (problems.Key(entry, "word", "keyword") is { Length: > 0 } word)
            {
                problems.ExpectEach(entry, "a hot_words entry", "count", "sentiment");
                words.Add(new DanmakuWord(word, problems.Count(entry, "count"), problems.Text(entry, "sentiment")));
            }
            else
            {
                problems.Add("a hot_words entry has no word; it was skipped");
            }
        }

        var total = problems.Count(data, "total_count");
        var peak = AnalyticsJson.Has(data, "peak_time") && JsonRead.Property(data, "peak_time") is not null
            ? AnalyticsJson.Seconds(data, problems, "peak_time")
            : null;
        return new DanmakuReport(points, words, total is null && peak is null ? null : new DanmakuTotal(total, peak));
    }
}

/// <summary>Bullets at one second: a count (this work) or an average (similar authors), and the documented share (0–1).</summary>
internal sealed record DanmakuPoint(string Series, int Second, decimal? Value, decimal? Share);

internal sealed record DanmakuWord(string Word, long? Occurrences, string? Sentiment);

internal sealed record DanmakuTotal(long? TotalCount, int? PeakSecond);
