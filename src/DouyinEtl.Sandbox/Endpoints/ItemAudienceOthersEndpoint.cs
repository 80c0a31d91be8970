using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_audience_others</c>. Documented: <c>audience_distribution.fan_list</c> ("1" fans, "0" others) and
/// <c>audience_keyword.keyword_list</c>. Real (RESEARCH §3.3): <c>audience_preference.total_data.ratio_data</c> and
/// <c>audience_search_most_keywords[] {keywords, query_cnt_7d}</c>.
/// </summary>
public static class ItemAudienceOthersEndpoint
{
    public const string Name = "fetch_item_audience_others";

    public static void Validate(RequestValidator v) => ItemEndpoint.Validate(v);

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var truth = request.World.Analytics.AudienceOthers(item, request.Now);
        if (request.Variant == PayloadVariant.Documented)
        {
            return new DataReply(Ok(new JsonObject
            {
                ["audience_distribution"] = new JsonObject
                {
                    ["fan_list"] = new JsonArray(
                        new JsonObject { ["key"] = "1", ["value"] = truth.FanShare },
                        new JsonObject { ["key"] = "0", ["value"] = 1 - truth.FanShare }),
                },
                ["audience_keyword"] = new JsonObject
                {
                    ["keyword_list"] = Array(truth.InterestKeywords, k => new JsonObject { ["keyword"] = k.Key, ["value"] = k.Value }),
                },
            }));
        }

        return new DataReply(Ok(new JsonObject
        {
            ["audience_preference"] = new JsonObject
            {
                ["total_data"] = new JsonObject
                {
                    ["ratio_data"] = Array(truth.Preferences, p => new JsonObject { ["key"] = p.Key, ["value"] = Text(p.Value) }),
                },
            },
            ["audience_search_most_keywords"] = Array(truth.SearchKeywords, k => new JsonObject { ["keywords"] = k.Keyword, ["query_cnt_7d"] = k.QueryCount7d }),
        }));
    }
}
