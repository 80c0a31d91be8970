using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Routing;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>What every single-item analytics route shares: the <c>item_id</c> check and the creator center's inner answers.</summary>
internal static class ItemEndpoint
{
    /// <summary>
    /// Routes a single-work endpoint whose body is <c>item_id</c> alone: checks it, resolves the work, looks up its
    /// <paramref name="truth"/> and shows it as the request's payload variant asks.
    /// </summary>
    public static void Map<T>(
        TikHubPipeline pipeline,
        IEndpointRouteBuilder routes,
        string name,
        Func<ItemAnalytics, SandboxItem, DateTimeOffset, T> truth,
        Func<T, JsonObject> documented,
        Func<T, JsonObject> realWorld) =>
        pipeline.Map(routes, name, Validate, request => Answer(request, truth, documented, realWorld));

    /// <summary>The answer for the request's work under the creator center's status fields, or what <see cref="Resolve"/> gives instead.</summary>
    public static SandboxReply Answer<T>(TikHubRequest request, Func<ItemAnalytics, SandboxItem, DateTimeOffset, T> truth, Func<T, JsonObject> documented, Func<T, JsonObject> realWorld)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var t = truth(request.World.Analytics, item, request.Now);
        return new DataReply(Ok(request.Variant == PayloadVariant.Documented ? documented(t) : realWorld(t)));
    }

    /// <summary>TikHub's request models declare <c>item_id</c> a string: a JSON number is a 422, as pydantic gives.</summary>
    public static void Validate(RequestValidator v) => v.RequiredString("item_id");

    /// <summary>
    /// The request's work, or the answer to give instead: a work the account does not have (deleted, or someone
    /// else's) is an inner error; one with too few plays by midnight is inner status 10001.
    /// </summary>
    private static SandboxReply? Resolve(TikHubRequest request, out SandboxItem item)
    {
        var id = request.Body["item_id"]!.GetValue<string>().Trim();
        var found = request.World.Analytics.Find(id);
        if (found is null || found.AccountId != request.Account.Id || found.PublishTime > request.Now)
        {
            item = null!;
            return NotFound();
        }

        item = found;
        return request.World.Analytics.NoDataYet(found, request.Now)
            ? new DataReply(new JsonObject { ["status_code"] = 10001, ["status_msg"] = "作品播放量过低，暂无数据" })
            : null;
    }

    /// <summary>The sandbox's answer for a work that is not there; the real code is undocumented, any non-zero one reads the same.</summary>
    public static DataReply NotFound() => new(new JsonObject { ["status_code"] = 4, ["status_msg"] = "作品不存在或已删除" });

    public static DataReply BadParameter(string message) => new(new JsonObject { ["status_code"] = 2, ["status_msg"] = "参数错误: " + message });

    /// <summary>The creator platform's own status fields, which the documented examples of these endpoints carry too.</summary>
    public static JsonObject Ok(JsonObject data)
    {
        data["status_code"] = 0;
        data["status_msg"] = "";
        return data;
    }

    public static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static JsonArray Array<T>(IEnumerable<T> values, Func<T, JsonNode> map) => new([.. values.Select(map)]);
}
