using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_audience_portrait</c>: <c>active[] {key, value}</c>, and per dimension (gender, province, age,
/// city_level) <c>{ratio_list, tgi_list}</c>; <c>career</c> and <c>new_user</c> are empty lists, as in TikHub's example.
/// The real page has been seen with <c>ratio_list</c> only (RESEARCH §3.3): the real-world variant has no TGI.
/// </summary>
public static class ItemAudiencePortraitEndpoint
{
    public const string Name = "fetch_item_audience_portrait";

    public static void Validate(RequestValidator v) => ItemEndpoint.Validate(v);

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var truth = request.World.Analytics.Portrait(item, request.Now);
        var withTgi = request.Variant == PayloadVariant.Documented;
        var data = new JsonObject
        {
            ["active"] = Array(truth.Buckets.Where(b => b.Dimension == "active"), b => new JsonObject { ["key"] = b.Key, ["value"] = b.Ratio }),
        };
        foreach (var dimension in new[] { "gender", "province", "age", "city_level" })
        {
            var buckets = truth.Buckets.Where(b => b.Dimension == dimension).ToList();
            var section = new JsonObject { ["ratio_list"] = Array(buckets, b => KeyValue(b.Key, b.Ratio)) };
            if (withTgi)
            {
                section["tgi_list"] = Array(buckets, b => KeyValue(b.Key, b.Tgi));
            }

            data[dimension] = section;
        }

        data["career"] = new JsonArray();
        data["new_user"] = new JsonArray();
        return new DataReply(Ok(data));
    }

    private static JsonObject KeyValue(string key, decimal? value) => new() { ["key"] = key, ["value"] = value };
}
