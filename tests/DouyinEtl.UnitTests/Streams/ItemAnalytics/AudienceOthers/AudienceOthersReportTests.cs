using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.AudienceOthers;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.AudienceOthers;

public sealed class AudienceOthersReportTests
{
    // TikHub's response example for fetch_item_audience_others, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "audience_distribution": {
                "fan_list": [
                    {
                        "key": "1",
                        "value": 0.156
                    },
                    {
                        "key": "0",
                        "value": 0.844
                    }
                ]
            },
            "audience_keyword": {
                "keyword_list": [
                    {
                        "keyword": "美食",
                        "value": 0.35
                    },
                    {
                        "keyword": "旅游",
                        "value": 0.28
                    },
                    {
                        "keyword": "生活",
                        "value": 0.22
                    },
                    {
                        "keyword": "娱乐",
                        "value": 0.15
                    }
                ]
            },
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page (RESEARCH §3.3): audience_preference.total_data.ratio_data and audience_search_most_keywords.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "audience_preference": { "total_data": { "ratio_data": [ { "key": "美食", "value": "0.31" }, { "key": "萌宠", "value": 0.12 } ] } },
            "audience_search_most_keywords": [ { "keywords": "探店推荐", "query_cnt_7d": "1,234" }, { "keywords": "宝宝辅食", "query_cnt_7d": 56 } ]
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_ReadsFanShareAndInterestWords()
    {
        var problems = new PayloadProblems();

        var report = AudienceOthersReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(
            [
                new AudienceEntry("fan_share", "1", 0.156m, null),
                new AudienceEntry("fan_share", "0", 0.844m, null),
                new AudienceEntry("interest_keyword", "美食", 0.35m, null),
                new AudienceEntry("interest_keyword", "旅游", 0.28m, null),
                new AudienceEntry("interest_keyword", "生活", 0.22m, null),
                new AudienceEntry("interest_keyword", "娱乐", 0.15m, null),
            ],
            report.Entries);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_ReadsPreferencesAndSearchCounts()
    {
        var report = AudienceOthersReport.Parse(Json(RealWorldExample), new PayloadProblems())!;

        Assert.Equal(
            [
                new AudienceEntry("preference", "美食", 0.31m, null),
                new AudienceEntry("preference", "萌宠", 0.12m, null),
                new AudienceEntry("search_keyword", "探店推荐", null, 1234),
                new AudienceEntry("search_keyword", "宝宝辅食", null, 56),
            ],
            report.Entries);
    }

    [Fact]
    public void Parse_EmptyLists_AreNoRows_ButAnotherShapeIsUnreadable()
    {
        Assert.Empty(AudienceOthersReport.Parse(Json("""{ "audience_distribution": { "fan_list": [] }, "audience_keyword": { "keyword_list": [] } }"""), new PayloadProblems())!.Entries);
        Assert.Null(AudienceOthersReport.Parse(Json("""{ "fans": [] }"""), new PayloadProblems()));
    }

    [Fact]
    public void Parse_APreferenceSectionWithoutItsRatios_IsReportedNotReadAsNoPreferences()
    {
        // Found by the mutated-payload suite: an answer without total_data landed fewer rows without a word.
        var problems = new PayloadProblems();

        var report = AudienceOthersReport.Parse(Json("""{ "audience_preference": { "total_data": {} }, "audience_search_most_keywords": [] }"""), problems)!;

        Assert.Empty(report.Entries);
        Assert.Equal(["fetch_item_audience_others has no 'audience_preference.total_data.ratio_data'"], problems.Messages);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
