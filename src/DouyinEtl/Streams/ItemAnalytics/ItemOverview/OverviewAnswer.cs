using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.ItemOverview;

/// <summary>
/// One <c>fetch_item_overview_data</c> answer (the creator center's item/mget): the works it returned, each with its
/// key values typed and every section kept as served. TikHub documents no example; the real shape is RESEARCH §3.2
/// (bare 19-digit <c>id</c>, string metrics, "-" placeholders), and the item-list vocabulary (<c>item_id</c>,
/// <c>play_count</c>…) is read too.
/// </summary>
internal sealed record OverviewAnswer(IReadOnlyList<OverviewItem> Items)
{
    /// <summary>The sections a <c>fields</c> request value names (<c>"metrics,review"</c>).</summary>
    public static IReadOnlyList<string> Sections(string? fields) =>
        fields?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Reads the answer; each work is expected to carry every one of <paramref name="requestedSections"/> (the call's <c>fields</c>).</summary>
    public static OverviewAnswer? Parse(JsonElement data, IReadOnlyCollection<string> requestedSections, PayloadProblems problems)
    {
        if (JsonRead.Property(data, "items", "item_list", "aweme_list") is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        var items = new List<OverviewItem>(list.GetArrayLength());
        foreach (var element in list.EnumerateArray())
        {
            if (OverviewItem.Parse(element, requestedSections, problems) is { } item)
            {
                items.Add(item);
            }
        }

        return new OverviewAnswer(items);
    }
}

internal sealed record OverviewItem(
    string ItemId,
    OverviewMetrics Metrics,
    int? ReviewStatus,
    long? DouPlusViewCount,
    long? IncentivePlayCount,
    long? VvBoostTotal,
    int? ContentQuality,
    long? SubsidyVv,
    decimal? SubsidyIncome,
    OverviewSections Sections)
{
    public static OverviewItem? Parse(JsonElement item, IReadOnlyCollection<string> requestedSections, PayloadProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add("an entry of items is not an object");
            return null;
        }

        if (problems.Id(item, "item_id", "id", "aweme_id", "group_id") is not { } id)
        {
            problems.Add("a work in the overview has no readable id (item_id/id); it was skipped");
            return null;
        }

        ExpectSections(item, id, requestedSections, problems);
        var metrics = problems.Section(item, "metrics");
        var review = problems.Section(item, "review");
        var douPlus = problems.Section(item, "dou_plus");
        var incentiveLife = problems.Section(item, "incentive_life");
        var integrated = problems.Section(item, "integrated_incentive");
        var content = problems.Section(item, "content_analysis");
        var contentInfo = content is { } c ? JsonRead.Property(c, "video_content_info") : null;
        return new OverviewItem(
            ItemId: id,
            Metrics: metrics is { } m ? OverviewMetrics.Parse(m, problems) : OverviewMetrics.None,
            ReviewStatus: review is { } r ? problems.Int(r, "status") : null,
            DouPlusViewCount: douPlus is { } d ? problems.Count(d, "view_count") : null,
            IncentivePlayCount: incentiveLife is { } l ? problems.Count(l, "incentive_play_count") : null,
            VvBoostTotal: integrated is { } i ? VvBoost(i, problems) : null,
            ContentQuality: content is { } q ? problems.Int(q, "quality") : null,
            SubsidyVv: contentInfo is { } v ? problems.Count(v, "subsidy_vv") : null,
            SubsidyIncome: contentInfo is { } s ? problems.Decimal(s, "subsidy_income") : null,
            Sections: new OverviewSections(
                Raw(metrics), Raw(review), Raw(problems.Section(item, "play_info")), Raw(douPlus), Raw(integrated), Raw(incentiveLife), Raw(content)));
    }

    /// <summary>
    /// A requested section missing, or one without the values read into typed columns, is a changed answer (a lenient
    /// reader would store NULL and say nothing).
    /// </summary>
    private static void ExpectSections(JsonElement item, string id, IReadOnlyCollection<string> requestedSections, PayloadProblems problems)
    {
        var where = $"work {id} of fetch_item_overview_data";
        foreach (var section in requestedSections)
        {
            problems.Expect(item, where, section);
        }

        problems.ExpectPath(item, where, "review", "status");
        problems.ExpectPath(item, where, "review", "details");
        problems.ExpectPath(item, where, "dou_plus", "view_count");
        problems.ExpectPath(item, where, "incentive_life", "incentive_play_count");
        problems.ExpectPath(item, where, "integrated_incentive", "incentive_sum_list");
        problems.ExpectPath(item, where, "content_analysis", "quality");
        problems.ExpectPath(item, where, "content_analysis", "video_content_info", "subsidy_vv");
        problems.ExpectPath(item, where, "content_analysis", "video_content_info", "subsidy_income");
    }

    /// <summary>Sum of the <c>vv_boost</c> entries of <c>incentive_sum_list</c>; null when there is none.</summary>
    private static long? VvBoost(JsonElement integrated, PayloadProblems problems)
    {
        if (JsonRead.Property(integrated, "incentive_sum_list") is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        long? total = null;
        foreach (var entry in list.EnumerateArray())
        {
            if (JsonRead.String(entry, "type") == "vv_boost" && problems.Count(entry, "total") is { } value)
            {
                total = (total ?? 0) + value;
            }
        }

        return total;
    }

    private static string? Raw(JsonElement? section) => section?.GetRawText();
}

/// <summary>The sections exactly as served (JSON text), for the jsonb columns.</summary>
internal sealed record OverviewSections(
    string? Metrics,
    string? Review,
    string? PlayInfo,
    string? DouPlus,
    string? IntegratedIncentive,
    string? IncentiveLife,
    string? ContentAnalysis);

/// <summary>Metrics under both names: real (<c>view_count</c>, <c>like_count</c>, <c>favorite_count</c>) and documented (<c>play_count</c>, <c>digg_count</c>, <c>collect_count</c>).</summary>
internal sealed record OverviewMetrics(
    long? ViewCount,
    long? LikeCount,
    long? CommentCount,
    long? ShareCount,
    long? FavoriteCount,
    long? SubscribeCount,
    long? UnsubscribeCount,
    long? DanmakuCount,
    decimal? CompletionRate,
    decimal? CompletionRate5s,
    decimal? BounceRate2s,
    decimal? CoverClickRate,
    decimal? AvgViewSecond,
    decimal? AvgViewProportion,
    decimal? FanViewProportion)
{
    public static readonly OverviewMetrics None = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    public static OverviewMetrics Parse(JsonElement m, PayloadProblems problems) => new(
        ViewCount: problems.Count(m, "view_count", "play_count"),
        LikeCount: problems.Count(m, "like_count", "digg_count"),
        CommentCount: problems.Count(m, "comment_count"),
        ShareCount: problems.Count(m, "share_count"),
        FavoriteCount: problems.Count(m, "favorite_count", "collect_count"),
        SubscribeCount: problems.Count(m, "subscribe_count"),
        UnsubscribeCount: problems.Count(m, "unsubscribe_count"),
        DanmakuCount: problems.Count(m, "danmaku_count"),
        CompletionRate: problems.Decimal(m, "completion_rate"),
        CompletionRate5s: problems.Decimal(m, "completion_rate_5s"),
        BounceRate2s: problems.Decimal(m, "bounce_rate_2s"),
        CoverClickRate: problems.Decimal(m, "cover_click_rate"),
        AvgViewSecond: problems.Decimal(m, "avg_view_second"),
        AvgViewProportion: problems.Decimal(m, "avg_view_proportion"),
        FanViewProportion: problems.Decimal(m, "fan_view_proportion"));
}
