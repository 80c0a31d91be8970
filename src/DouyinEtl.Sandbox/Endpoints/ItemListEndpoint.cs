using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary><c>fetch_item_list</c>: the works published in a window, newest first, paged by a publish-time cursor.</summary>
public static class ItemListEndpoint
{
    public const string Name = "fetch_item_list";

    public static void Validate(RequestValidator v)
    {
        v.RequiredInteger("start_time", min: 0);
        v.RequiredInteger("end_time", min: 0);
        v.OptionalInteger("count", 10, min: 1, max: 100);
        v.OptionalInteger("order_by", 1, min: 1, max: 26);
        v.OptionalString("fields", "metrics,review,visibility");
        v.OptionalBoolean("need_cooperation", true);
        v.OptionalBoolean("need_long_article", true);
        v.OptionalInteger("cursor", null, min: 0);
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        var body = request.Body;
        var start = RequestBody.Long(body, "start_time")!.Value;
        var end = RequestBody.Long(body, "end_time")!.Value;
        var count = (int)Math.Min(RequestBody.Long(body, "count") ?? 10, request.World.Options.MaxPageSize);
        var cursor = RequestBody.Long(body, "cursor");
        var oldestFirst = RequestBody.Long(body, "order_by") == 2;

        var inWindow = request.World.VisibleItems(request.Account.Id, request.Now)
            .Where(i => i.PublishTime.ToUnixTimeMilliseconds() >= start && i.PublishTime.ToUnixTimeMilliseconds() <= end)
            .ToList();
        if (inWindow.Count > request.World.Options.MaxWorksPerWindow)
        {
            return new DataReply(new JsonObject
            {
                ["status_code"] = 200001,
                ["status_msg"] = "该时间范围内作品超过 1000 条，请缩小发布时间范围",
            });
        }

        IEnumerable<SandboxItem> ordered = oldestFirst ? inWindow.AsEnumerable().Reverse() : inWindow;
        if (cursor is > 0)
        {
            ordered = oldestFirst
                ? ordered.Where(i => i.PublishTime.ToUnixTimeMilliseconds() > cursor)
                : ordered.Where(i => i.PublishTime.ToUnixTimeMilliseconds() < cursor);
        }

        var remaining = ordered.ToList();
        var page = remaining.Take(count).ToList();
        var hasMore = remaining.Count > page.Count;
        var nextCursor = page.Count > 0 ? page[^1].PublishTime.ToUnixTimeMilliseconds() : cursor ?? 0;
        var items = new JsonArray([.. page.Select(i => request.Variant == PayloadVariant.Documented
            ? DocumentedItem(i, request.Now, request.World.Options.ItemsAsDocumentedExample)
            : RealWorldItem(i, request.Now))]);

        JsonObject data = request.Variant == PayloadVariant.Documented
            ? new JsonObject { ["has_more"] = hasMore, ["cursor"] = nextCursor, ["items"] = items }
            : new JsonObject
            {
                ["status_code"] = 0,
                ["status_msg"] = "",
                ["has_more"] = hasMore,
                ["max_cursor"] = nextCursor,
                ["min_cursor"] = page.Count > 0 ? page[0].PublishTime.ToUnixTimeMilliseconds() : 0,
                ["total"] = inWindow.Count,
                ["items"] = items,
            };
        return new DataReply(data);
    }

    /// <summary>
    /// The shape of TikHub's published example: <c>item_id</c>, web-style metric names, JSON numbers; with publish time,
    /// title and type unless <paramref name="asExample"/> asks for exactly the example's four fields.
    /// </summary>
    private static JsonObject DocumentedItem(SandboxItem item, DateTimeOffset now, bool asExample)
    {
        var m = SandboxWorld.MetricsAt(item, now);
        var served = new JsonObject { ["item_id"] = item.Id };
        if (!asExample)
        {
            served["description"] = item.Title;
            served["create_time"] = item.PublishTimeSeconds;
            served["type"] = item.CreatorType;
        }

        served["metrics"] = new JsonObject
        {
            ["play_count"] = m.ViewCount,
            ["digg_count"] = m.LikeCount,
            ["comment_count"] = m.CommentCount,
            ["share_count"] = m.ShareCount,
            ["collect_count"] = m.FavoriteCount,
        };
        served["review"] = new JsonObject { ["status"] = item.ReviewStatus };
        served["visibility"] = new JsonObject { ["is_public"] = item.IsPublic };
        return served;
    }

    /// <summary>What creator.douyin.com really returns: a bare 19-digit <c>id</c>, string metrics, "-" before data exists.</summary>
    private static JsonObject RealWorldItem(SandboxItem item, DateTimeOffset now)
    {
        var m = SandboxWorld.MetricsAt(item, now);
        var hasViews = m.ViewCount > 0;
        string Rate(decimal value) => hasViews ? value.ToString("0.000000", CultureInfo.InvariantCulture) : "-";
        string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = long.Parse(item.Id, CultureInfo.InvariantCulture),
            ["type"] = item.CreatorType,
            ["description"] = item.Title,
            ["create_time"] = item.PublishTimeSeconds,
            ["cover"] = new JsonObject { ["url_list"] = new JsonArray(item.CoverUrl) },
            ["video_info"] = new JsonObject { ["duration"] = item.DurationMs },
            ["review"] = new JsonObject { ["status"] = item.ReviewStatus, ["details"] = new JsonArray() },
            ["visibility"] = new JsonObject { ["is_public"] = item.IsPublic ? "1" : "0" },
            ["metrics"] = new JsonObject
            {
                ["view_count"] = Count(m.ViewCount),
                ["like_count"] = Count(m.LikeCount),
                ["comment_count"] = Count(m.CommentCount),
                ["share_count"] = Count(m.ShareCount),
                ["favorite_count"] = Count(m.FavoriteCount),
                ["subscribe_count"] = Count(m.SubscribeCount),
                ["completion_rate"] = Rate(m.CompletionRate),
                ["completion_rate_5s"] = Rate(m.CompletionRate5s),
                ["bounce_rate_2s"] = Rate(m.BounceRate2s),
                ["cover_click_rate"] = Rate(m.CoverClickRate),
                ["avg_view_second"] = Rate(m.AvgViewSecond),
            },
        };
    }
}
