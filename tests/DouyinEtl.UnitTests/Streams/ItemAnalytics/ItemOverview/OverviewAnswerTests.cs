using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.ItemOverview;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.ItemOverview;

public sealed class OverviewAnswerTests
{
    // TikHub publishes no response example for fetch_item_overview_data; this is mget as RESEARCH §3.2 describes it:
    // a bare 19-digit id, string metrics with six decimals, the section keys the creator center's page reads.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "items": [
                {
                    "id": 7412345678901234567,
                    "type": 2,
                    "description": "周末探店 #vlog",
                    "create_time": 1759000000,
                    "metrics": {
                        "view_count": "196", "like_count": "1.000000", "comment_count": "0", "share_count": "1,234",
                        "favorite_count": "1.2万", "subscribe_count": "3", "unsubscribe_count": "0", "danmaku_count": "2",
                        "completion_rate": "0.696970", "completion_rate_5s": "-", "bounce_rate_2s": "0.101010",
                        "cover_click_rate": "0.050000", "avg_view_second": "3.537313", "avg_view_proportion": "0.236000",
                        "fan_view_proportion": "0.010000", "dislike_rate": "0.000000"
                    },
                    "review": { "status": 2, "details": [] },
                    "play_info": { "anything": ["kept", "as", "jsonb"] },
                    "dou_plus": { "view_count": "40" },
                    "integrated_incentive": { "incentive_sum_list": [ { "type": "vv_boost", "total": "12" }, { "type": "cash", "total": "5" }, { "type": "vv_boost", "total": 3 } ] },
                    "incentive_life": { "incentive_play_count": "7" },
                    "content_analysis": { "quality": 2, "video_content_info": { "subsidy_vv": "9", "subsidy_income": "0.42" } }
                },
                { "description": "no id: skipped" }
            ]
        }
        """;

    // The item-list vocabulary of TikHub's docs (item_id, play_count, digg_count, collect_count), numbers as numbers.
    private const string DocumentedVocabulary = """
        { "items": [ { "item_id": "7559536212910853422", "metrics": { "play_count": 12345, "digg_count": 678, "comment_count": 90, "share_count": 45, "collect_count": 123 }, "review": { "status": 2 } } ] }
        """;

    [Fact]
    public void Parse_RealWorld_TypesTheKeyValuesAndKeepsEverySection()
    {
        var problems = new PayloadProblems();

        var answer = OverviewAnswer.Parse(Json(RealWorldExample), [], problems)!;

        var item = Assert.Single(answer.Items);
        Assert.Equal("7412345678901234567", item.ItemId);
        Assert.Equal(
            new OverviewMetrics(196, 1, 0, 1234, 12000, 3, 0, 2, 0.696970m, null, 0.101010m, 0.05m, 3.537313m, 0.236m, 0.01m),
            item.Metrics);
        Assert.Equal(2, item.ReviewStatus);
        Assert.Equal(40, item.DouPlusViewCount);
        Assert.Equal(15, item.VvBoostTotal);
        Assert.Equal(7, item.IncentivePlayCount);
        Assert.Equal(2, item.ContentQuality);
        Assert.Equal(9, item.SubsidyVv);
        Assert.Equal(0.42m, item.SubsidyIncome);
        Assert.Contains("dislike_rate", item.Sections.Metrics, StringComparison.Ordinal);
        Assert.Equal("""{ "anything": ["kept", "as", "jsonb"] }""", item.Sections.PlayInfo);
        Assert.Single(problems.Messages);
    }

    [Fact]
    public void Parse_DocumentedVocabulary_ReadsTheSameMetrics()
    {
        var item = Assert.Single(OverviewAnswer.Parse(Json(DocumentedVocabulary), [], new PayloadProblems())!.Items);

        Assert.Equal("7559536212910853422", item.ItemId);
        Assert.Equal((12345L, 678L, 90L, 45L, 123L), (item.Metrics.ViewCount!.Value, item.Metrics.LikeCount!.Value, item.Metrics.CommentCount!.Value, item.Metrics.ShareCount!.Value, item.Metrics.FavoriteCount!.Value));
        Assert.Null(item.Sections.DouPlus);
        Assert.Null(item.DouPlusViewCount);
    }

    [Fact]
    public void Parse_WithoutAnItemsList_IsUnreadable_ButAnEmptyListIsNoWorks()
    {
        Assert.Null(OverviewAnswer.Parse(Json("""{ "status_code": 0 }"""), [], new PayloadProblems()));
        Assert.Empty(OverviewAnswer.Parse(Json("""{ "items": [] }"""), [], new PayloadProblems())!.Items);
    }

    [Fact]
    public void Parse_AWorkWithoutARequestedSectionOrItsTypedValues_IsReported()
    {
        // Found by the mutated-payload suite: a work without content_analysis or review.status landed NULLs without a word.
        var problems = new PayloadProblems();
        var payload = """
            { "items": [ { "id": 7412345678901234567, "metrics": { "view_count": "1" }, "review": { "details": [] }, "dou_plus": { "view_count": "3" } } ] }
            """;

        var item = Assert.Single(OverviewAnswer.Parse(Json(payload), OverviewAnswer.Sections("metrics, review,dou_plus,content_analysis"), problems)!.Items);

        Assert.Null(item.ReviewStatus);
        Assert.Equal(3, item.DouPlusViewCount);
        Assert.Equal(
            ["work 7412345678901234567 of fetch_item_overview_data has no 'content_analysis'", "work 7412345678901234567 of fetch_item_overview_data has no 'review.status'"],
            problems.Messages.Where(m => m.StartsWith("work ", StringComparison.Ordinal)));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
