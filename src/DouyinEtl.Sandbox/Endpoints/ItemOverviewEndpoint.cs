using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using static DouyinEtl.Sandbox.Endpoints.ItemEndpoint;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_overview_data</c> (the creator center's <c>item/mget</c>): many works per call, ids comma-separated,
/// only the requested <c>fields</c> sections. At most <see cref="SandboxOptions.MaxOverviewIds"/> ids: the real limit is
/// undocumented, so the sandbox enforces a conservative one and refuses more with an inner parameter error (billed).
/// Ids the account does not have are left out of <c>items</c>, as mget does.
/// </summary>
public static class ItemOverviewEndpoint
{
    public const string Name = "fetch_item_overview_data";
    public const string DefaultFields = "metrics,review,play_info,dou_plus,integrated_incentive,incentive_life,content_analysis";

    public static void Validate(RequestValidator v)
    {
        v.RequiredString("ids");
        v.OptionalString("fields", DefaultFields);
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        var ids = request.Body["ids"]!.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var max = request.World.Options.MaxOverviewIds;
        if (ids.Length == 0 || ids.Length > max)
        {
            return BadParameter($"ids 数量须在 1 到 {max} 之间，当前 {ids.Length}");
        }

        request.Calls.ItemIds(ids.Length);
        var fields = (request.Body["fields"]?.GetValue<string>() ?? DefaultFields)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);
        var items = new JsonArray();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var item = request.World.Analytics.Find(id);
            if (item is not null && item.AccountId == request.Account.Id && item.PublishTime <= request.Now)
            {
                var truth = request.World.Analytics.Overview(item, request.Now);
                items.Add(request.Variant == PayloadVariant.Documented ? Documented(item, truth, fields) : RealWorld(item, truth, fields));
            }
        }

        return new DataReply(Ok(new JsonObject { ["items"] = items }));
    }

    /// <summary>TikHub gives no example for this endpoint: the documented variant uses its item-list vocabulary (item_id, play_count…) and JSON numbers.</summary>
    private static JsonObject Documented(SandboxItem item, OverviewTruth t, HashSet<string> fields)
    {
        var m = t.Metrics;
        var hasViews = m.ViewCount > 0;
        var result = new JsonObject { ["item_id"] = item.Id };
        if (fields.Contains("metrics"))
        {
            var metrics = new JsonObject
            {
                ["play_count"] = m.ViewCount,
                ["digg_count"] = m.LikeCount,
                ["comment_count"] = m.CommentCount,
                ["share_count"] = m.ShareCount,
                ["collect_count"] = m.FavoriteCount,
                ["subscribe_count"] = m.SubscribeCount,
                ["unsubscribe_count"] = t.UnsubscribeCount,
                ["danmaku_count"] = t.DanmakuCount,
            };
            if (hasViews)
            {
                metrics["completion_rate"] = m.CompletionRate;
                metrics["completion_rate_5s"] = m.CompletionRate5s;
                metrics["bounce_rate_2s"] = m.BounceRate2s;
                metrics["cover_click_rate"] = m.CoverClickRate;
                metrics["avg_view_second"] = m.AvgViewSecond;
                metrics["avg_view_proportion"] = t.AvgViewProportion;
                metrics["fan_view_proportion"] = t.FanViewProportion;
            }

            result["metrics"] = metrics;
        }

        AddSections(result, item, t, fields, n => n, d => d);
        return result;
    }

    /// <summary>What mget really returns (RESEARCH §3.2): bare 19-digit <c>id</c>, every metric a string, "-" before the first play.</summary>
    private static JsonObject RealWorld(SandboxItem item, OverviewTruth t, HashSet<string> fields)
    {
        var m = t.Metrics;
        var hasViews = m.ViewCount > 0;
        string Rate(decimal value) => hasViews ? value.ToString("0.000000", CultureInfo.InvariantCulture) : "-";
        var result = new JsonObject
        {
            ["id"] = long.Parse(item.Id, CultureInfo.InvariantCulture),
            ["type"] = item.CreatorType,
            ["description"] = item.Title,
            ["create_time"] = item.PublishTimeSeconds,
        };
        if (fields.Contains("metrics"))
        {
            result["metrics"] = new JsonObject
            {
                ["view_count"] = Text(m.ViewCount),
                ["like_count"] = Text(m.LikeCount),
                ["comment_count"] = Text(m.CommentCount),
                ["share_count"] = Text(m.ShareCount),
                ["favorite_count"] = Text(m.FavoriteCount),
                ["subscribe_count"] = Text(m.SubscribeCount),
                ["unsubscribe_count"] = Text(t.UnsubscribeCount),
                ["danmaku_count"] = Text(t.DanmakuCount),
                ["completion_rate"] = Rate(m.CompletionRate),
                ["completion_rate_5s"] = Rate(m.CompletionRate5s),
                ["bounce_rate_2s"] = Rate(m.BounceRate2s),
                ["cover_click_rate"] = Rate(m.CoverClickRate),
                ["avg_view_second"] = Rate(m.AvgViewSecond),
                ["avg_view_proportion"] = Rate(t.AvgViewProportion),
                ["fan_view_proportion"] = Rate(t.FanViewProportion),
            };
        }

        AddSections(result, item, t, fields, n => Text(n), d => Text(d));
        return result;
    }

    private static void AddSections(JsonObject result, SandboxItem item, OverviewTruth t, HashSet<string> fields, Func<long, JsonNode> count, Func<decimal, JsonNode> amount)
    {
        if (fields.Contains("review"))
        {
            result["review"] = new JsonObject { ["status"] = t.ReviewStatus, ["details"] = new JsonArray() };
        }

        if (fields.Contains("play_info"))
        {
            // The real section's content is unknown (RESEARCH §7): something plausible, kept as jsonb only.
            result["play_info"] = new JsonObject { ["duration"] = item.DurationMs, ["is_image"] = item.DurationMs == 0 };
        }

        if (fields.Contains("dou_plus"))
        {
            result["dou_plus"] = new JsonObject { ["view_count"] = count(t.DouPlusViewCount) };
        }

        if (fields.Contains("integrated_incentive"))
        {
            result["integrated_incentive"] = new JsonObject
            {
                ["incentive_sum_list"] = new JsonArray(new JsonObject { ["type"] = "vv_boost", ["total"] = count(t.VvBoostTotal) }),
            };
        }

        if (fields.Contains("incentive_life"))
        {
            result["incentive_life"] = new JsonObject { ["incentive_play_count"] = count(t.IncentivePlayCount) };
        }

        if (fields.Contains("content_analysis"))
        {
            result["content_analysis"] = new JsonObject
            {
                ["quality"] = t.ContentQuality,
                ["video_content_info"] = new JsonObject { ["subsidy_vv"] = count(t.SubsidyVv), ["subsidy_income"] = amount(t.SubsidyIncome) },
            };
        }
    }
}
