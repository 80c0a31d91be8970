using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemList;

/// <summary>One page of <c>fetch_item_list</c>, read from either shape: TikHub's documented one or the real creator center's.</summary>
internal sealed record ItemListPage(bool HasMore, long? Cursor, IReadOnlyList<ListedItem> Items, int SkippedItems)
{
    /// <summary>
    /// Reads a page. Returns null when <c>data</c> has no item list at all; items without a readable id are skipped and
    /// counted, odd fields are reported to <paramref name="problems"/> and left null.
    /// </summary>
    public static ItemListPage? Parse(JsonElement data, PayloadProblems problems)
    {
        var listed = JsonRead.Property(data, "items", "item_list", "aweme_list");
        if (listed is { ValueKind: not (JsonValueKind.Array or JsonValueKind.Null) } notAList)
        {
            problems.Add($"the page's item list is not a list: {notAList.ValueKind}");
            return null;
        }

        if (listed is not { ValueKind: JsonValueKind.Array } list)
        {
            // An empty window may come back without the list at all; one that counts works and has no list is a changed answer.
            if (data.ValueKind != JsonValueKind.Object || JsonRead.Property(data, "has_more") is not { } hasMoreOnly || Truthy(hasMoreOnly))
            {
                return null;
            }

            if (JsonRead.Property(data, "total") is { } total && !(JsonRead.TryInteger(total, out var count) && count == 0))
            {
                problems.Add($"the page has no 'items' list but a total of {total.GetRawText()}; read as an empty last page");
            }

            return new ItemListPage(false, null, [], 0);
        }

        var items = new List<ListedItem>(list.GetArrayLength());
        var skipped = 0;
        foreach (var element in list.EnumerateArray())
        {
            if (ListedItem.Parse(element, problems) is { } item)
            {
                items.Add(item);
            }
            else
            {
                skipped++;
            }
        }

        var hasMore = JsonRead.Property(data, "has_more") is { } flag && Truthy(flag);
        var cursor = JsonRead.Property(data, "cursor", "max_cursor") is { } c && JsonRead.TryInteger(c, out var value) ? value : (long?)null;
        return new ItemListPage(hasMore, cursor, items, skipped);
    }

    private static bool Truthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.TryGetInt64(out var n) && n != 0,
        JsonValueKind.String => value.GetString() is "true" or "1" or "True",
        _ => false,
    };
}

/// <summary>A work as listed, with its cumulative metrics at the time of the call.</summary>
internal sealed record ListedItem(
    string ItemId,
    string? Title,
    DateTimeOffset? PublishTime,
    int? CreatorType,
    int? DurationMs,
    int? ReviewStatus,
    bool? IsPublic,
    string? CoverUrl,
    ListedMetrics? Metrics)
{
    public static ListedItem? Parse(JsonElement item, PayloadProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("an entry of items is not an object");
            return null;
        }

        var id = problems.Id(item, "item_id", "id", "aweme_id", "group_id");
        if (id is null)
        {
            problems.Add("an item has no readable id (item_id/id/aweme_id); it was skipped");
            return null;
        }

        ExpectFields(item, problems);
        var createTime = problems.Count(item, "create_time", "publish_time");
        DateTimeOffset? publishTime = createTime switch
        {
            null or <= 0 => null,
            // Seconds are what the creator center sends; milliseconds appear in some wrappers.
            > 100_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(createTime.Value),
            _ => DateTimeOffset.FromUnixTimeSeconds(createTime.Value),
        };

        var cover = JsonRead.Path(item, "cover", "url_list") is { ValueKind: JsonValueKind.Array } urls && urls.GetArrayLength() > 0
            ? urls[0].GetString()
            : JsonRead.Property(item, "cover") is { ValueKind: JsonValueKind.String } coverText ? coverText.GetString() : null;
        if (JsonRead.Path(item, "cover", "url_list") is { } urlList && urlList.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            problems.Add($"an item's cover.url_list is not a list: {urlList.ValueKind}");
        }

        var duration = problems.Section(item, "video_info") is { } video
            ? problems.Int(video, "duration")
            : problems.Int(item, "duration");

        return new ListedItem(
            ItemId: id,
            Title: problems.Text(item, "description", "title", "desc"),
            PublishTime: publishTime,
            CreatorType: problems.Int(item, "type"),
            DurationMs: duration,
            ReviewStatus: problems.Section(item, "review") is { } review ? problems.Int(review, "status") : null,
            IsPublic: problems.Section(item, "visibility") is { } visibility ? problems.Boolean(visibility, "is_public") : null,
            CoverUrl: cover,
            Metrics: problems.Section(item, "metrics") is { } metrics ? ListedMetrics.Parse(metrics, problems) : null);
    }

    /// <summary>
    /// What every item of a shape carries: metrics, review status, publish time, title and type in both; TikHub's
    /// example also visibility; the creator center's own (told by its bare <c>id</c>, RESEARCH §3.2) also the cover.
    /// One missing is a changed answer, reported instead of read as NULL. TikHub's published example lacks publish
    /// time, title and type: such works land, each gap reported (the publish time as its own problem, see
    /// <c>ItemListSync</c>). Fields that depend on the genre (video_info for videos, picture_info for image posts, the
    /// rates) are not required. An empty title is a work without a caption, not a missing title.
    /// </summary>
    private static void ExpectFields(JsonElement item, PayloadProblems problems)
    {
        const string Where = "an item of fetch_item_list";
        problems.ExpectEach(item, Where, "metrics", "review");
        problems.ExpectPath(item, Where, "review", "status");
        problems.Expect(item, Where, "create_time", "publish_time");
        problems.Expect(item, Where, "description", "title", "desc");
        problems.Expect(item, Where, "type");
        if (JsonRead.Property(item, "item_id") is not null)
        {
            problems.Expect(item, Where, "visibility");
            problems.ExpectPath(item, Where, "visibility", "is_public");
        }
        else
        {
            problems.Expect(item, Where, "cover");
            problems.ExpectPath(item, Where, "cover", "url_list");
        }
    }
}

/// <summary>Cumulative metrics under both names: documented (<c>play_count</c>, <c>digg_count</c>, <c>collect_count</c>) and real.</summary>
internal sealed record ListedMetrics(
    long? ViewCount,
    long? LikeCount,
    long? CommentCount,
    long? ShareCount,
    long? FavoriteCount,
    long? SubscribeCount,
    decimal? CompletionRate,
    decimal? CompletionRate5s,
    decimal? BounceRate2s,
    decimal? CoverClickRate,
    decimal? AvgViewSecond,
    string Json)
{
    public static ListedMetrics Parse(JsonElement metrics, PayloadProblems problems)
    {
        // The five counts every shape carries (documented and real names): one missing is a changed upstream, not a zero.
        foreach (var names in CoreCounts)
        {
            problems.Expect(metrics, "an item's metrics", names);
        }

        return Read(metrics, problems);
    }

    private static readonly string[][] CoreCounts =
        [["view_count", "play_count"], ["like_count", "digg_count"], ["comment_count"], ["share_count"], ["favorite_count", "collect_count"]];

    private static ListedMetrics Read(JsonElement metrics, PayloadProblems problems) => new(
        ViewCount: problems.Count(metrics, "view_count", "play_count"),
        LikeCount: problems.Count(metrics, "like_count", "digg_count"),
        CommentCount: problems.Count(metrics, "comment_count"),
        ShareCount: problems.Count(metrics, "share_count"),
        FavoriteCount: problems.Count(metrics, "favorite_count", "collect_count"),
        SubscribeCount: problems.Count(metrics, "subscribe_count"),
        CompletionRate: problems.Decimal(metrics, "completion_rate"),
        CompletionRate5s: problems.Decimal(metrics, "completion_rate_5s"),
        BounceRate2s: problems.Decimal(metrics, "bounce_rate_2s"),
        CoverClickRate: problems.Decimal(metrics, "cover_click_rate"),
        AvgViewSecond: problems.Decimal(metrics, "avg_view_second"),
        Json: metrics.GetRawText());
}
