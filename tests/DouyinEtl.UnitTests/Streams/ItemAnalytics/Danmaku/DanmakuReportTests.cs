using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.Danmaku;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.Danmaku;

public sealed class DanmakuReportTests
{
    // TikHub's response example for fetch_item_danmaku_analysis, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "bullet_distribution": [
                {
                    "time_point": 5,
                    "count": 328,
                    "percentage": 15.2
                },
                {
                    "time_point": 12,
                    "count": 562,
                    "percentage": 26.1
                },
                {
                    "time_point": 18,
                    "count": 445,
                    "percentage": 20.6
                }
            ],
            "hot_words": [
                {
                    "word": "哈哈哈",
                    "count": 156,
                    "sentiment": "positive"
                },
                {
                    "word": "精彩",
                    "count": 98,
                    "sentiment": "positive"
                },
                {
                    "word": "学到了",
                    "count": 76,
                    "sentiment": "positive"
                }
            ],
            "total_count": 2156,
            "peak_time": 12,
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page, bullet analysis v2 (RESEARCH §3.3): current_item / similar_author with seconds as keys.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "status_msg": "",
            "current_item": [ { "key": "5", "value": 3 }, { "key": 12, "value": "7" } ],
            "similar_author": [ { "key": "5", "value": 1.25 } ]
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_ReadsDistributionHotWordsTotalAndPeak()
    {
        var problems = new PayloadProblems();

        var report = DanmakuReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(
            [
                new DanmakuPoint("current_item", 5, 328, 0.152m),
                new DanmakuPoint("current_item", 12, 562, 0.261m),
                new DanmakuPoint("current_item", 18, 445, 0.206m),
            ],
            report.Distribution);
        Assert.Equal(
            [new DanmakuWord("哈哈哈", 156, "positive"), new DanmakuWord("精彩", 98, "positive"), new DanmakuWord("学到了", 76, "positive")],
            report.HotWords);
        Assert.Equal(new DanmakuTotal(2156, 12), report.Total);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_ReadsBothSeries_AndHasNoTotals()
    {
        var report = DanmakuReport.Parse(Json(RealWorldExample), new PayloadProblems())!;

        Assert.Equal(
            [
                new DanmakuPoint("current_item", 5, 3, null),
                new DanmakuPoint("current_item", 12, 7, null),
                new DanmakuPoint("similar_author", 5, 1.25m, null),
            ],
            report.Distribution);
        Assert.Empty(report.HotWords);
        Assert.Null(report.Total);
    }

    [Fact]
    public void Parse_NoBullets_IsEmptyNotUnreadable()
    {
        var report = DanmakuReport.Parse(Json("""{ "bullet_distribution": [], "hot_words": [], "total_count": 0, "status_code": 0 }"""), new PayloadProblems())!;

        Assert.Empty(report.Distribution);
        Assert.Equal(new DanmakuTotal(0, null), report.Total);
        Assert.Empty(DanmakuReport.Parse(Json("""{ "current_item": [], "similar_author": [] }"""), new PayloadProblems())!.Distribution);
        Assert.Null(DanmakuReport.Parse(Json("""{ "bullets": [] }"""), new PayloadProblems()));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
