using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_search_keyword</c>. Documented: <c>keywords[] {keyword, count, percentage}</c> and <c>total_count</c>,
/// percentage in percent. Real: <c>show_from[]</c> (words searched to find the work) and <c>inspire_search[]</c>
/// (words searched after watching), each <c>{keyword, percent}</c> with percent a 0–1 fraction (RESEARCH §3.3).
/// </summary>
public static class ItemSearchKeywordEndpoint
{
    public const string Name = "fetch_item_search_keyword";

    public static void Validate(RequestValidator v) => ItemEndpoint.Validate(v);

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var truth = request.World.Analytics.SearchKeywords(item, request.Now);
        if (request.Variant == PayloadVariant.Documented)
        {
            return new DataReply(Ok(new JsonObject
            {
                ["keywords"] = Array(truth.ShowFrom, k => new JsonObject { ["keyword"] = k.Keyword, ["count"] = k.Count, ["percentage"] = Math.Round(k.Share * 100, 1) }),
                ["total_count"] = truth.TotalCount,
            }));
        }

        return new DataReply(Ok(new JsonObject
        {
            ["show_from"] = Array(truth.ShowFrom, k => new JsonObject { ["keyword"] = k.Keyword, ["percent"] = k.Share }),
            ["inspire_search"] = Array(truth.InspireSearch, k => new JsonObject { ["keyword"] = k.Keyword, ["percent"] = k.Share }),
        }));
    }
}
