using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Streams.ItemAnalytics.WatchTrend;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.WatchTrend;

public sealed class WatchTrendReportTests
{
    // TikHub's response example for fetch_item_watch_trend, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "analysis_trend": {
                "current_item": [
                    {
                        "key": "00:00",
                        "value": 0.2653
                    },
                    {
                        "key": "00:01",
                        "value": 0.2653
                    },
                    {
                        "key": "00:05",
                        "value": 0.0272
                    },
                    {
                        "key": "00:10",
                        "value": 0.1429
                    }
                ],
                "similar_author": [
                    {
                        "key": "00:00",
                        "value": 0.1594
                    },
                    {
                        "key": "00:01",
                        "value": 0.2229
                    }
                ]
            },
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page (RESEARCH §3.3): valley_list beside the series, values as text, "h:mm:ss" past the hour.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "analysis_trend": {
                "current_item": [
                    { "key": "59:59", "value": "0.1200" },
                    { "key": "1:00:00", "value": "0.1100" },
                    { "key": "1:02:05", "value": 0.05 }
                ],
                "similar_author": [],
                "valley_list": [ { "start": 3599, "end": 3725 } ]
            }
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_TurnsKeysIntoSeconds()
    {
        var problems = new PayloadProblems();

        var report = WatchTrendReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(
            [
                new TrendPoint("current_item", 0, 0.2653m),
                new TrendPoint("current_item", 1, 0.2653m),
                new TrendPoint("current_item", 5, 0.0272m),
                new TrendPoint("current_item", 10, 0.1429m),
                new TrendPoint("similar_author", 0, 0.1594m),
                new TrendPoint("similar_author", 1, 0.2229m),
            ],
            report.Points);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_ReadsHourKeysAndTextValues()
    {
        var report = WatchTrendReport.Parse(Json(RealWorldExample), new PayloadProblems())!;

        Assert.Equal(
            [
                new TrendPoint("current_item", 3599, 0.12m),
                new TrendPoint("current_item", 3600, 0.11m),
                new TrendPoint("current_item", 3725, 0.05m),
            ],
            report.Points);
    }

    [Theory]
    [InlineData("00:00", 0)]
    [InlineData("00:05", 5)]
    [InlineData("10:30", 630)]
    [InlineData("75:10", 4510)]
    [InlineData("1:02:05", 3725)]
    [InlineData("12", 12)]
    [InlineData("00:60", null)]
    [InlineData("1:60:00", null)]
    [InlineData("1.5", null)]
    [InlineData("00:99999999999", null)]
    [InlineData("99999999999999999999", null)]
    [InlineData("-", null)]
    [InlineData("", null)]
    public void Seconds_ReadsEveryTimeKeyForm(string key, int? seconds) => Assert.Equal(seconds, AnalyticsJson.Seconds(key));

    [Fact]
    public void Parse_StillComputing_IsEmptyNotUnreadable()
    {
        Assert.Empty(WatchTrendReport.Parse(Json("""{ "analysis_trend": { "current_item": [], "similar_author": [] }, "status_code": 0 }"""), new PayloadProblems())!.Points);
        Assert.Empty(WatchTrendReport.Parse(Json("""{ "analysis_trend": null, "status_code": 0 }"""), new PayloadProblems())!.Points);
        Assert.Null(WatchTrendReport.Parse(Json("""{ "trend": [] }"""), new PayloadProblems()));
    }

    [Fact]
    public void Parse_ABadKey_IsReportedAndThePointSkipped()
    {
        var problems = new PayloadProblems();

        var report = WatchTrendReport.Parse(Json("""{ "analysis_trend": { "current_item": [ { "key": "soon", "value": 1 }, { "key": "00:02", "value": 0.5 } ], "similar_author": [] } }"""), problems)!;

        Assert.Equal([new TrendPoint("current_item", 2, 0.5m)], report.Points);
        Assert.Single(problems.Messages);
    }

    [Fact]
    public void Parse_APointWithoutValueOrAMissingCurve_IsReported()
    {
        var problems = new PayloadProblems();

        var report = WatchTrendReport.Parse(Json("""{ "analysis_trend": { "current_item": [ { "key": "00:01" }, { "key": "00:02", "value": 0.5 } ] } }"""), problems)!;

        Assert.Equal(2, report.Points.Count);
        Assert.Equal(["a point of 'current_item' has no 'value'", "analysis_trend has no 'similar_author'"], problems.Messages);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
