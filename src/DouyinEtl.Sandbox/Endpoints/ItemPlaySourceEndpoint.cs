using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_play_source</c>: the share of a work's plays per traffic source. The documented example copies
/// <c>value</c> into <c>history_difference</c>; really it is the change against 7 days earlier and may be negative
/// (RESEARCH §3.3), which both variants serve. The real-world one also has the Douyin Jingxuan app (2329) and ids as strings.
/// </summary>
public static class ItemPlaySourceEndpoint
{
    public const string Name = "fetch_item_play_source";

    public static void Validate(RequestValidator v) => ItemEndpoint.Validate(v);

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var realWorld = request.Variant != PayloadVariant.Documented;
        var sources = Array(request.World.Analytics.PlaySources(item, request.Now), s => new JsonObject
        {
            ["app_id"] = realWorld ? Text(s.AppId) : s.AppId,
            ["history_difference"] = s.HistoryDifference,
            ["key"] = s.Key,
            ["value"] = s.Value,
        });
        return new DataReply(Ok(new JsonObject { ["play_source"] = sources }));
    }
}
