using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_danmaku_analysis</c>. Documented: <c>bullet_distribution[] {time_point, count, percentage}</c>,
/// <c>hot_words[] {word, count, sentiment}</c>, <c>total_count</c>, <c>peak_time</c>. Real (bullet analysis v2,
/// RESEARCH §3.3): <c>current_item[] {key: seconds, value}</c> and <c>similar_author[]</c>. No bullets: empty lists.
/// </summary>
public static class ItemDanmakuAnalysisEndpoint
{
    public const string Name = "fetch_item_danmaku_analysis";

    public static void Validate(RequestValidator v) => ItemEndpoint.Validate(v);

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (Resolve(request, out var item) is { } early)
        {
            return early;
        }

        var truth = request.World.Analytics.Danmaku(item, request.Now);
        if (request.Variant == PayloadVariant.Documented)
        {
            var data = new JsonObject
            {
                ["bullet_distribution"] = Array(truth.Distribution, p => new JsonObject { ["time_point"] = p.Second, ["count"] = p.Count, ["percentage"] = p.Percentage }),
                ["hot_words"] = Array(truth.HotWords, w => new JsonObject { ["word"] = w.Word, ["count"] = w.Count, ["sentiment"] = w.Sentiment }),
                ["total_count"] = truth.TotalCount,
            };
            if (truth.PeakSecond is { } peak)
            {
                data["peak_time"] = peak;
            }

            return new DataReply(Ok(data));
        }

        return new DataReply(Ok(new JsonObject
        {
            ["current_item"] = Array(truth.Distribution, p => new JsonObject { ["key"] = p.Second.ToString(CultureInfo.InvariantCulture), ["value"] = p.Count }),
            ["similar_author"] = Array(truth.SimilarAuthor, p => new JsonObject { ["key"] = p.Second.ToString(CultureInfo.InvariantCulture), ["value"] = p.Value }),
        }));
    }
}
