using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ContentAnalysis;

namespace DouyinEtl.UnitTests.Streams.ContentAnalysis;

public sealed class AnalysisPayloadsTests
{
    [Fact]
    public void Verticals_DocumentedExampleVerbatim_ReadsTheList()
    {
        // TikHub's documented response example for fetch_item_analysis_involved_vertical, verbatim.
        const string example = """
            {     "primary_verticals": ["动物", "美食", "旅游"],     "status_code": 0,     "status_msg": "" }
            """;
        var problems = new PayloadProblems();

        Assert.Equal(["动物", "美食", "旅游"], AnalysisPayloads.Verticals(Json(example), problems));
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Verticals_EmptyNestedOddOrMissing()
    {
        var problems = new PayloadProblems();

        Assert.Empty(AnalysisPayloads.Verticals(Json("""{"primary_verticals": [], "status_code": 0}"""), problems)!);
        Assert.Equal(["美食"], AnalysisPayloads.Verticals(Json("""{"data": {"primary_verticals": ["美食", 3, "美食"]}}"""), problems));
        Assert.Single(problems.Messages);
        Assert.Null(AnalysisPayloads.Verticals(Json("""{"status_code": 0}"""), problems));
    }

    [Fact]
    public void Overview_CreatorAndTikHubStyles_ReadTheSameValues()
    {
        const string creator = """
            {"status_code": 0, "status_msg": "",
             "overview": {"publish_cnt": "12", "play_cnt": "12345", "like_cnt": "678", "comment_cnt": "90", "share_cnt": "45",
                          "avg_play_duration": "12.34", "completion_rate_5s": "0.4512", "bounce_rate_2s": "0.2311"},
             "genre_list": [{"genre": "1", "publish_cnt": "10", "play_cnt": "12000", "like_cnt": "600", "comment_cnt": "80", "share_cnt": "40"},
                            {"genre": "5", "publish_cnt": "2", "play_cnt": "345", "like_cnt": "78", "comment_cnt": "10", "share_cnt": "5"}],
             "vertical_list": [{"vertical": "美食", "publish_cnt": "12", "play_cnt": "12345", "like_cnt": "678", "comment_cnt": "90", "share_cnt": "45"}],
             "extra": {"now": 1}}
            """;
        const string tikHub = """
            {"status_code": 0, "status_msg": "", "data": {
               "publish_count": 12, "play_count": 12345, "like_count": 678, "comment_count": 90, "share_count": 45,
               "avg_play_duration": 12.34, "completion_rate_5s": 0.4512, "bounce_rate_2s": 0.2311,
               "genre_distribution": [{"genre": 1, "publish_count": 10, "play_count": 12000, "like_count": 600, "comment_count": 80, "share_count": 40},
                                      {"genre": 5, "publish_count": 2, "play_count": 345, "like_count": 78, "comment_count": 10, "share_count": 5}],
               "vertical_distribution": [{"vertical": "美食", "publish_count": 12, "play_count": 12345, "like_count": 678, "comment_count": 90, "share_count": 45}]}}
            """;
        var problems = new PayloadProblems();

        var a = AnalysisPayloads.Overview(Json(creator), problems)!;
        var b = AnalysisPayloads.Overview(Json(tikHub), problems)!;

        Assert.Empty(problems.Messages);
        Assert.Equal(new AnalysisCounts(12, 12345, 678, 90, 45), a.Totals);
        Assert.Equal((12.34m, 0.4512m, 0.2311m), (a.AvgPlayDuration, a.CompletionRate5s, a.BounceRate2s));
        Assert.Equal(a with { Json = "" }, b with { Json = "", Bars = a.Bars });
        Assert.Equal(a.Bars, b.Bars);
        Assert.Equal(["genre:1", "genre:5", "vertical:美食"], a.Bars.Select(x => $"{x.Dimension}:{x.Key}"));
    }

    [Fact]
    public void Overview_UnknownFields_AreReportedNotFatal()
    {
        var problems = new PayloadProblems();

        var overview = AnalysisPayloads.Overview(Json("""{"overview": {"play_cnt": "5", "fans_cnt": "2"}, "update_time": "2026-11-20 12:00:00"}"""), problems)!;

        Assert.Equal(5, overview.Totals.PlayCount);
        Assert.Equal(2, problems.Messages.Count);
        Assert.Contains(problems.Messages, m => m.Contains("'fans_cnt'", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("'update_time'", StringComparison.Ordinal));
    }

    [Fact]
    public void Performance_CreatorAndTikHubStyles_ReadTheSameRanking()
    {
        const string creator = """
            {"status_code": 0, "metric_type": "2", "items": [
              {"item_id": "7559536212910853422", "play_count": "20114", "average_play_duration": "14.71", "completion_rate_5s": "0.5286",
               "bounce_rate_2s": "0.2167", "cover": "https://p3/a.jpeg", "metric_value": "1165", "rank_change": "0"},
              {"item_id": 7559536212910853423, "play_count": "17969", "average_play_duration": "6.70", "completion_rate_5s": "0.5426",
               "bounce_rate_2s": "0.2205", "cover": "https://p3/b.jpeg", "metric_value": "1112"}]}
            """;
        const string tikHub = """
            {"status_code": 0, "data": {"metric_type": 2, "items": [
              {"item_id": "7559536212910853422", "metric_value": 1165, "play_count": 20114, "average_play_duration": 14.71,
               "completion_rate_5s": 0.5286, "bounce_rate_2s": 0.2167, "cover": {"url_list": ["https://p3/a.jpeg"]}},
              {"item_id": "7559536212910853423", "metric_value": 1112, "play_count": 17969, "average_play_duration": 6.7,
               "completion_rate_5s": 0.5426, "bounce_rate_2s": 0.2205, "cover": {"url_list": ["https://p3/b.jpeg"]}}]}}
            """;
        var creatorProblems = new PayloadProblems();

        var a = AnalysisPayloads.Performance(Json(creator), 2, creatorProblems)!;
        var b = AnalysisPayloads.Performance(Json(tikHub), 2, new PayloadProblems())!;

        Assert.Equal(a.Select(e => e with { Json = "" }), b.Select(e => e with { Json = "" }));
        Assert.Equal(new PerformanceEntry(2, "7559536212910853423", 1112m, 17969, 6.70m, 0.5426m, 0.2205m, "https://p3/b.jpeg", ""), a[1] with { Json = "" });
        Assert.Contains("\"rank_change\"", a[0].Json, StringComparison.Ordinal);
        Assert.Equal("fetch_item_analysis_item_performance items: unknown field 'rank_change' kept raw, not normalized", Assert.Single(creatorProblems.Messages));
    }

    [Fact]
    public void Performance_ItemWithoutIdIsSkippedAndNoListIsUnreadable()
    {
        var problems = new PayloadProblems();

        var entries = AnalysisPayloads.Performance(Json("""{"items": [{"play_count": "1"}, {"item_id": "7000000000000000001", "play_count": "2"}]}"""), 1, problems)!;

        Assert.Equal(2, Assert.Single(entries).Rank);
        Assert.Single(problems.Messages);
        Assert.Null(AnalysisPayloads.Performance(Json("""{"status_code": 0}"""), 1, problems));
    }

    // RESEARCH §3.3: a ranked work carries play_count and no metric_value; the value it is ranked by is that metric's own field.
    [Theory]
    [InlineData(1, "play_count", "20114")]
    [InlineData(1, "play_cnt", "\"20114\"")]
    [InlineData(2, "like_count", "1165")]
    [InlineData(2, "like_cnt", "\"1165\"")]
    [InlineData(3, "comment_count", "87")]
    [InlineData(3, "comment_cnt", "\"87\"")]
    [InlineData(4, "share_count", "12")]
    [InlineData(4, "share_cnt", "\"12\"")]
    public void Performance_WithoutMetricValue_TakesTheRankedMetricsOwnField(int metricType, string field, string value)
    {
        var problems = new PayloadProblems();
        var views = field.StartsWith("play", StringComparison.Ordinal) ? "" : """ "play_count": 20114, """;
        var json = $$"""{"items": [{"item_id": "7559536212910853422", {{views}} "{{field}}": {{value}}, "average_play_duration": 14.71}]}""";

        var entry = Assert.Single(AnalysisPayloads.Performance(Json(json), metricType, problems)!);

        Assert.Equal(decimal.Parse(value.Trim('"'), System.Globalization.CultureInfo.InvariantCulture), entry.MetricValue);
        Assert.Equal(20114, entry.PlayCount);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Performance_WithoutTheRankedMetric_SaysSoInsteadOfANull()
    {
        var problems = new PayloadProblems();

        var entry = Assert.Single(AnalysisPayloads.Performance(Json("""{"items": [{"item_id": "7559536212910853422", "play_count": 20114}]}"""), 2, problems)!);

        Assert.Null(entry.MetricValue);
        Assert.Equal("a work of the metric type 2 ranking has no 'like_count'", Assert.Single(problems.Messages));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
