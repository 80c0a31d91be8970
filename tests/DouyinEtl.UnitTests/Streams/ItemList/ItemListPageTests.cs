using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemList;

namespace DouyinEtl.UnitTests.Streams.ItemList;

public sealed class ItemListPageTests
{
    // TikHub's published response example for fetch_item_list, verbatim.
    private const string DocumentedExample = """
        {
            "has_more": true,
            "cursor": 1234567890,
            "items": [
                {
                    "item_id": "7559536212910853422",
                    "metrics": {
                        "play_count": 12345,
                        "digg_count": 678,
                        "comment_count": 90,
                        "share_count": 45,
                        "collect_count": 123
                    },
                    "review": {
                        "status": 2
                    },
                    "visibility": {
                        "is_public": true
                    }
                }
            ]
        }
        """;

    // What creator.douyin.com's item/list really sends (RESEARCH §3.2): a bare 19-digit id, string metrics, min/max cursors.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "status_msg": "",
            "has_more": false,
            "max_cursor": 1758988800000,
            "min_cursor": 1759000000000,
            "items": [
                {
                    "id": 7412345678901234567,
                    "type": 2,
                    "description": "周末探店 #vlog",
                    "create_time": 1759000000,
                    "cover": { "url_list": ["https://p3-sign.douyinpic.com/cover.jpeg"] },
                    "video_info": { "duration": 15300 },
                    "review": { "status": 2, "details": [] },
                    "metrics": {
                        "view_count": "196",
                        "like_count": "1.000000",
                        "comment_count": "0",
                        "share_count": "1,234",
                        "favorite_count": "1.2万",
                        "completion_rate": "0.696970",
                        "completion_rate_5s": "-",
                        "avg_view_second": "3.537313"
                    }
                }
            ]
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_ReadsEveryField()
    {
        var problems = new PayloadProblems();

        var page = ItemListPage.Parse(Json(DocumentedExample), problems)!;

        Assert.True(page.HasMore);
        Assert.Equal(1234567890, page.Cursor);
        var item = Assert.Single(page.Items);
        Assert.Equal("7559536212910853422", item.ItemId);
        Assert.Equal(12345, item.Metrics!.ViewCount);
        Assert.Equal(678, item.Metrics.LikeCount);
        Assert.Equal(90, item.Metrics.CommentCount);
        Assert.Equal(45, item.Metrics.ShareCount);
        Assert.Equal(123, item.Metrics.FavoriteCount);
        Assert.Equal(2, item.ReviewStatus);
        Assert.True(item.IsPublic);

        // TikHub's example carries no publish time, title or type: each gap is said, not read as NULL in silence.
        Assert.Null(item.PublishTime);
        Assert.Equal(
            ["an item of fetch_item_list has no 'create_time'", "an item of fetch_item_list has no 'description'", "an item of fetch_item_list has no 'type'"],
            problems.Messages);
    }

    [Fact]
    public void Parse_RealWorldExample_KeepsAll19DigitsAndReadsNumbersWrittenAsText()
    {
        var problems = new PayloadProblems();

        var page = ItemListPage.Parse(Json(RealWorldExample), problems)!;

        Assert.False(page.HasMore);
        Assert.Equal(1758988800000, page.Cursor);
        var item = Assert.Single(page.Items);
        Assert.Equal("7412345678901234567", item.ItemId);
        Assert.Equal("周末探店 #vlog", item.Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1759000000), item.PublishTime);
        Assert.Equal(2, item.CreatorType);
        Assert.Equal(15300, item.DurationMs);
        Assert.Equal("https://p3-sign.douyinpic.com/cover.jpeg", item.CoverUrl);
        var m = item.Metrics!;
        Assert.Equal(196, m.ViewCount);
        Assert.Equal(1, m.LikeCount);
        Assert.Equal(0, m.CommentCount);
        Assert.Equal(1234, m.ShareCount);
        Assert.Equal(12000, m.FavoriteCount);
        Assert.Equal(0.696970m, m.CompletionRate);
        Assert.Null(m.CompletionRate5s);
        Assert.Equal(3.537313m, m.AvgViewSecond);
        Assert.Contains("\"1.2万\"", m.Json, StringComparison.Ordinal);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_WrongTypes_KeepsTheItemAndReportsEachField()
    {
        const string payload = """
            { "has_more": false, "items": [
                { "id": "7412345678901234567", "create_time": "yesterday", "metrics": { "view_count": {"a": 1}, "like_count": "lots", "share_count": 3 } },
                { "id": 1.5, "metrics": {} },
                { "description": "no id at all" },
                "not an object"
            ] }
            """;
        var problems = new PayloadProblems();

        var page = ItemListPage.Parse(Json(payload), problems)!;

        var item = Assert.Single(page.Items);
        Assert.Equal(3, page.SkippedItems);
        Assert.Null(item.PublishTime);
        Assert.Null(item.Metrics!.ViewCount);
        Assert.Null(item.Metrics.LikeCount);
        Assert.Equal(3, item.Metrics.ShareCount);
        Assert.Contains(problems.Messages, m => m.Contains("create_time", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("view_count", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("like_count", StringComparison.Ordinal));
        Assert.Contains(problems.Messages, m => m.Contains("not an id", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "status_code": 0, "has_more": false }""")]
    [InlineData("""{ "has_more": 0, "items": [] }""")]
    public void Parse_EmptyWindow_IsAnEmptyLastPage(string payload)
    {
        var page = ItemListPage.Parse(Json(payload), new PayloadProblems())!;

        Assert.False(page.HasMore);
        Assert.Empty(page.Items);
    }

    [Theory]
    [InlineData("""{ "status_code": 0, "has_more": true }""")]
    [InlineData("""["items"]""")]
    [InlineData("\"<html>\"")]
    public void Parse_NoItemList_IsUnreadable(string payload) =>
        Assert.Null(ItemListPage.Parse(Json(payload), new PayloadProblems()));

    [Fact]
    public void Parse_MetricsOfTheWrongKindOrMissingACount_AreReportedNotReadAsNothing()
    {
        // Found by the mutated-payload suite: these landed as NULL metrics without a word.
        var problems = new PayloadProblems();
        var payload = """
            { "has_more": false, "items": [
                { "id": 7350123456789012345, "description": "a", "create_time": 1763600000, "type": 4, "cover": { "url_list": [] }, "review": { "status": 2 }, "metrics": "[object Object]", "visibility": [] },
                { "id": 7350123456789012346, "description": "b", "create_time": 1763600000, "type": 4, "cover": { "url_list": [] }, "review": { "status": 2 },
                  "metrics": { "like_count": "1", "comment_count": "2", "share_count": "3", "favorite_count": "4" } } ] }
            """;

        var page = ItemListPage.Parse(Json(payload), problems)!;

        Assert.Equal(2, page.Items.Count);
        Assert.Null(page.Items[0].Metrics);
        Assert.Equal(2, page.Items[1].Metrics!.CommentCount);
        Assert.Equal(
            ["'visibility' is not an object: []", "'metrics' is not an object: \"[object Object]\"", "an item's metrics has no 'view_count'"],
            problems.Messages);
    }

    [Fact]
    public void Parse_ACreatorCenterItemWithoutPublishTimeOrCover_IsReportedNotReadAsNull()
    {
        // Found by the mutated-payload suite: a work without create_time landed with no publish time, without a word.
        var problems = new PayloadProblems();
        var payload = """
            { "has_more": false, "items": [
                { "id": 7350123456789012345, "description": "a", "type": 4, "review": { "status": 2 },
                  "metrics": { "view_count": "1", "like_count": "1", "comment_count": "2", "share_count": "3", "favorite_count": "4" } } ] }
            """;

        var page = ItemListPage.Parse(Json(payload), problems)!;

        Assert.Null(Assert.Single(page.Items).PublishTime);
        Assert.Equal(["an item of fetch_item_list has no 'create_time'", "an item of fetch_item_list has no 'cover'"], problems.Messages);
    }

    [Fact]
    public void Parse_APageThatCountsWorksButHasNoList_IsAnEmptyLastPageWithAProblem()
    {
        var problems = new PayloadProblems();

        var page = ItemListPage.Parse(Json("""{ "status_code": 0, "has_more": false, "max_cursor": 0, "total": 4 }"""), problems)!;
        var empty = ItemListPage.Parse(Json("""{ "status_code": 0, "has_more": false, "total": 0 }"""), problems)!;

        Assert.Empty(page.Items);
        Assert.Empty(empty.Items);
        Assert.Equal(["the page has no 'items' list but a total of 4; read as an empty last page"], problems.Messages);
    }

    [Theory]
    [InlineData("""{ "has_more": false, "items": 3 }""")]
    [InlineData("""{ "has_more": false, "items": { "0": { "id": 1 } } }""")]
    public void Parse_AnItemListThatIsNotAList_IsUnreadableNotAnEmptyLastPage(string payload)
    {
        // Found by the mutated-payload suite: it was read as an empty last page, which closed the window without a word.
        var problems = new PayloadProblems();

        Assert.Null(ItemListPage.Parse(Json(payload), problems));
        Assert.Single(problems.Messages);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
