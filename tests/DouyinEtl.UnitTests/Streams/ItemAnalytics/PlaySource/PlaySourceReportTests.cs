using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.PlaySource;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.PlaySource;

public sealed class PlaySourceReportTests
{
    // TikHub's response example for fetch_item_play_source, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "play_source": [
                {
                    "app_id": 1128,
                    "history_difference": 0.8543689320388349,
                    "key": "homepage_hot",
                    "value": 0.8543689320388349
                },
                {
                    "app_id": 1128,
                    "history_difference": 0.05825242718446602,
                    "key": "familiar",
                    "value": 0.05825242718446602
                },
                {
                    "app_id": 1128,
                    "history_difference": 0.04854368932038835,
                    "key": "search",
                    "value": 0.04854368932038835
                }
            ],
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page (RESEARCH §3.3): more sources, the Jingxuan app, a negative 7-day change, ids and numbers as text.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "status_msg": "",
            "play_source": [
                { "app_id": "1128", "history_difference": "-0.010712", "key": "homepage_hot", "value": "0.612345" },
                { "app_id": 2329, "history_difference": 0.002, "key": "yumme_vv_all", "value": 0.05 },
                { "app_id": 1128, "history_difference": 0.01, "key": "fresh", "value": "3.5%" },
                { "app_id": 1128, "history_difference": "-", "key": "search", "value": "-" }
            ]
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_ReadsEverySource()
    {
        var problems = new PayloadProblems();

        var report = PlaySourceReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(
            [
                new PlaySourceShare(1128, "homepage_hot", 0.8543689320388349m, 0.8543689320388349m),
                new PlaySourceShare(1128, "familiar", 0.05825242718446602m, 0.05825242718446602m),
                new PlaySourceShare(1128, "search", 0.04854368932038835m, 0.04854368932038835m),
            ],
            report.Sources);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_KeepsNegativeDifferencesAndReadsTextNumbers()
    {
        var problems = new PayloadProblems();

        var report = PlaySourceReport.Parse(Json(RealWorldExample), problems)!;

        Assert.Equal(
            [
                new PlaySourceShare(1128, "homepage_hot", 0.612345m, -0.010712m),
                new PlaySourceShare(2329, "yumme_vv_all", 0.05m, 0.002m),
                new PlaySourceShare(1128, "fresh", 0.035m, 0.01m),
                new PlaySourceShare(1128, "search", null, null),
            ],
            report.Sources);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_EmptyListIsNoSources_ButAnotherShapeIsUnreadable()
    {
        Assert.Empty(PlaySourceReport.Parse(Json("""{ "play_source": [], "status_code": 0 }"""), new PayloadProblems())!.Sources);
        Assert.Empty(PlaySourceReport.Parse(Json("""{ "play_source": null }"""), new PayloadProblems())!.Sources);
        Assert.Null(PlaySourceReport.Parse(Json("""{ "sources": [] }"""), new PayloadProblems()));
    }

    [Fact]
    public void Parse_BadEntries_AreReportedAndSkipped()
    {
        var problems = new PayloadProblems();

        var report = PlaySourceReport.Parse(Json("""{ "play_source": [ 1, { "value": 0.5 }, { "key": "search", "value": "lots" } ] }"""), problems)!;

        // Not an object; no key; a value that is not a number, and no app_id nor history_difference (which every shape carries).
        Assert.Equal([new PlaySourceShare(0, "search", null, null)], report.Sources);
        Assert.Equal(5, problems.Messages.Count);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
