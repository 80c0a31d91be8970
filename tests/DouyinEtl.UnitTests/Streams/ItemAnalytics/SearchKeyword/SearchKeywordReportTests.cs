using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.SearchKeyword;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.SearchKeyword;

public sealed class SearchKeywordReportTests
{
    // TikHub's response example for fetch_item_search_keyword, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "keywords": [
                {
                    "keyword": "搞笑视频",
                    "count": 1250,
                    "percentage": 35.5
                },
                {
                    "keyword": "热门音乐",
                    "count": 850,
                    "percentage": 24.2
                },
                {
                    "keyword": "舞蹈教学",
                    "count": 620,
                    "percentage": 17.6
                }
            ],
            "total_count": 3520,
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page (RESEARCH §3.3): show_from / inspire_search with percent as a 0–1 fraction.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "status_msg": "",
            "show_from": [
                { "keyword": "晚餐吃什么", "percent": 0.412 },
                { "keyword": "探店推荐", "percent": "0.118" }
            ],
            "inspire_search": [
                { "keyword": "猫咪搞笑", "percent": 0.05 }
            ]
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_LandsInShowFromWithCountsSharesAndTotal()
    {
        var problems = new PayloadProblems();

        var report = SearchKeywordReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(
            [
                new SearchWord("show_from", "搞笑视频", 1250, 0.355m),
                new SearchWord("show_from", "热门音乐", 850, 0.242m),
                new SearchWord("show_from", "舞蹈教学", 620, 0.176m),
            ],
            report.Words);
        Assert.Equal(3520, report.TotalCount);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_ReadsBothListsAsFractions()
    {
        var report = SearchKeywordReport.Parse(Json(RealWorldExample), new PayloadProblems())!;

        Assert.Equal(
            [
                new SearchWord("show_from", "晚餐吃什么", null, 0.412m),
                new SearchWord("show_from", "探店推荐", null, 0.118m),
                new SearchWord("inspire_search", "猫咪搞笑", null, 0.05m),
            ],
            report.Words);
        Assert.Null(report.TotalCount);
    }

    [Fact]
    public void Parse_RealPercentGivenInPercent_IsReadAsAFraction()
    {
        var report = SearchKeywordReport.Parse(Json("""{ "show_from": [ { "keyword": "a", "percent": 41.2 }, { "keyword": "b", "percent": 0.5 } ] }"""), new PayloadProblems())!;

        Assert.Equal([0.412m, 0.005m], report.Words.Select(w => w.Share));
    }

    [Fact]
    public void Parse_EmptyListsAreNoWords_ButAnotherShapeIsUnreadable()
    {
        var empty = SearchKeywordReport.Parse(Json("""{ "keywords": [], "total_count": 0, "status_code": 0 }"""), new PayloadProblems())!;
        Assert.Empty(empty.Words);
        Assert.Equal(0, empty.TotalCount);
        Assert.Empty(SearchKeywordReport.Parse(Json("""{ "show_from": [], "inspire_search": [] }"""), new PayloadProblems())!.Words);
        Assert.Null(SearchKeywordReport.Parse(Json("""{ "words": [] }"""), new PayloadProblems()));
    }

    [Fact]
    public void Parse_AKeywordTooLongForTheTablesKey_IsSkippedWithAProblem_TheOthersLand()
    {
        // Found by the mutated-payload suite: a 30,000-character keyword failed the whole unit on PostgreSQL's index limit.
        var problems = new PayloadProblems();
        var huge = new string('搜', 30_000);

        var report = SearchKeywordReport.Parse(Json($$"""{ "show_from": [ { "keyword": "{{huge}}", "percent": 0.4 }, { "keyword": "穿搭", "percent": 0.6 } ], "inspire_search": [] }"""), problems)!;

        Assert.Equal(["穿搭"], report.Words.Select(w => w.Keyword));
        Assert.Contains(problems.Messages, m => m.Contains("too long", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OneListOfAShapeWithoutTheOther_OrAWordWithoutItsShare_IsReported()
    {
        var problems = new PayloadProblems();

        var report = SearchKeywordReport.Parse(Json("""{ "show_from": [ { "keyword": "a", "percent": 0.4 }, { "keyword": "b" } ] }"""), problems)!;

        Assert.Equal(2, report.Words.Count);
        Assert.Equal(["fetch_item_search_keyword has no 'inspire_search'", "an entry of 'show_from' has no 'percent'"], problems.Messages);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
