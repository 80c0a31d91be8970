using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics.AudiencePortrait;

public sealed class PortraitReportTests
{
    // TikHub's response example for fetch_item_audience_portrait, verbatim (DouyinCreatorV2APIApi.md).
    private const string DocumentedExample = """
        {
            "active": [
                {
                    "key": "2",
                    "value": 0.0949367088607595
                },
                {
                    "key": "3",
                    "value": 0.15822784810126583
                },
                {
                    "key": "4",
                    "value": 0.6962025316455697
                },
                {
                    "key": "-1",
                    "value": 0.05063291139240506
                }
            ],
            "gender": {
                "ratio_list": [
                    {
                        "key": "male",
                        "value": 0.7612903225806451
                    },
                    {
                        "key": "female",
                        "value": 0.23870967741935484
                    }
                ],
                "tgi_list": [
                    {
                        "key": "male",
                        "value": 135.47066238136884
                    },
                    {
                        "key": "female",
                        "value": 54.49489346627035
                    }
                ]
            },
            "province": {
                "ratio_list": [
                    {
                        "key": "浙江",
                        "value": 0.24050632911392406
                    },
                    {
                        "key": "江苏",
                        "value": 0.12025316455696203
                    },
                    {
                        "key": "广东",
                        "value": 0.0759493670886076
                    },
                    {
                        "key": "湖北",
                        "value": 0.06329113924050633
                    }
                ],
                "tgi_list": [
                    {
                        "key": "浙江",
                        "value": 379.3041755346526
                    },
                    {
                        "key": "江苏",
                        "value": 169.70798949761055
                    },
                    {
                        "key": "广东",
                        "value": 70.0324843724158
                    },
                    {
                        "key": "湖北",
                        "value": 164.36825973059874
                    }
                ]
            },
            "age": {
                "ratio_list": [
                    {
                        "key": "18-23",
                        "value": 0.3548387096774194
                    },
                    {
                        "key": "-18",
                        "value": 0.1935483870967742
                    },
                    {
                        "key": "31-40",
                        "value": 0.14838709677419354
                    },
                    {
                        "key": "50-",
                        "value": 0.11612903225806452
                    },
                    {
                        "key": "41-50",
                        "value": 0.10967741935483871
                    },
                    {
                        "key": "24-30",
                        "value": 0.07741935483870968
                    }
                ],
                "tgi_list": [
                    {
                        "key": "-18",
                        "value": 563.217280988937
                    },
                    {
                        "key": "18-23",
                        "value": 191.33476395324902
                    },
                    {
                        "key": "50-",
                        "value": 80.07137972518639
                    },
                    {
                        "key": "41-50",
                        "value": 73.75840394976595
                    },
                    {
                        "key": "31-40",
                        "value": 49.79826524888418
                    },
                    {
                        "key": "24-30",
                        "value": 41.07687409864829
                    }
                ]
            },
            "career": [],
            "city_level": {
                "ratio_list": [],
                "tgi_list": []
            },
            "new_user": [],
            "status_code": 0,
            "status_msg": ""
        }
        """;

    // The real page (RESEARCH §3.3): ratio_list only, activity levels "4".."1", "-1", empty dimensions.
    private const string RealWorldExample = """
        {
            "status_code": 0,
            "active": [ { "key": "4", "value": 0.5 }, { "key": "1", "value": "0.25" }, { "key": "-1", "value": 0.25 } ],
            "gender": { "ratio_list": [ { "key": "female", "value": 0.6 }, { "key": "male", "value": 0.4 } ] },
            "province": { "ratio_list": [] },
            "age": { "ratio_list": [] },
            "city_level": { "ratio_list": [] },
            "career": [],
            "new_user": null,
            "extra": { "now": 1763630000000 }
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_MergesRatiosWithTgi_AndEmptyDimensionsGiveNoRows()
    {
        var problems = new PayloadProblems();

        var report = PortraitReport.Parse(Json(DocumentedExample), problems)!;

        Assert.Equal(4 + 2 + 4 + 6, report.Buckets.Count);
        Assert.Equal(new PortraitBucket("active", "4", 0.6962025316455697m, null), report.Buckets.Single(b => b is { Dimension: "active", Bucket: "4" }));
        Assert.Equal(new PortraitBucket("gender", "male", 0.7612903225806451m, 135.47066238136884m), report.Buckets.Single(b => b.Bucket == "male"));
        Assert.Equal(new PortraitBucket("province", "浙江", 0.24050632911392406m, 379.3041755346526m), report.Buckets.Single(b => b.Bucket == "浙江"));
        Assert.Equal(new PortraitBucket("age", "-18", 0.1935483870967742m, 563.217280988937m), report.Buckets.Single(b => b.Bucket == "-18"));
        Assert.Equal(["18-23", "-18", "31-40", "50-", "41-50", "24-30"], report.Buckets.Where(b => b.Dimension == "age").Select(b => b.Bucket));
        Assert.DoesNotContain(report.Buckets, b => b.Dimension is "career" or "city_level" or "new_user");
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_RealWorld_HasNoTgi_AndIgnoresWhatIsNotADimension()
    {
        var problems = new PayloadProblems();

        var report = PortraitReport.Parse(Json(RealWorldExample), problems)!;

        Assert.Equal(
            [
                new PortraitBucket("active", "4", 0.5m, null),
                new PortraitBucket("active", "1", 0.25m, null),
                new PortraitBucket("active", "-1", 0.25m, null),
                new PortraitBucket("gender", "female", 0.6m, null),
                new PortraitBucket("gender", "male", 0.4m, null),
            ],
            report.Buckets);
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Parse_TgiWithoutRatio_AndUnknownDimensions_StillLand()
    {
        var report = PortraitReport.Parse(Json("""{ "age": { "ratio_list": [], "tgi_list": [ { "key": "50-", "value": 80 } ] }, "device": [ { "key": "iPhone", "value": 0.3 } ] }"""), new PayloadProblems())!;

        Assert.Equal([new PortraitBucket("age", "50-", null, 80m), new PortraitBucket("device", "iPhone", 0.3m, null)], report.Buckets);
    }

    [Fact]
    public void Parse_NoDimensionAtAll_IsUnreadable() =>
        Assert.Null(PortraitReport.Parse(Json("""{ "status_code": 0, "portrait": {} }"""), new PayloadProblems()));

    [Fact]
    public void Parse_ADimensionOfTheWrongKind_IsReportedNotSkippedSilently()
    {
        var problems = new PayloadProblems();

        var report = PortraitReport.Parse(Json("""{ "active": 4, "gender": { "ratio_list": [ { "key": "male", "value": 1 } ] }, "province": { "ratio_list": [] }, "age": { "ratio_list": [] }, "city_level": { "ratio_list": [] }, "status_code": 0 }"""), problems)!;

        Assert.Single(report.Buckets);
        Assert.Equal(["'active' is neither a list of buckets nor {ratio_list, tgi_list}: Number"], problems.Messages);
    }

    [Fact]
    public void Parse_ADimensionMissing_IsReportedWhileTheOthersLand()
    {
        var problems = new PayloadProblems();

        var report = PortraitReport.Parse(Json("""{ "active": [ { "key": "4", "value": 1 } ], "gender": { "ratio_list": [] }, "age": { "ratio_list": [] }, "city_level": { "tgi_list": [] } }"""), problems)!;

        Assert.Single(report.Buckets);
        Assert.Equal(["fetch_item_audience_portrait has no 'province'", "fetch_item_audience_portrait city_level has no 'ratio_list'"], problems.Messages);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
