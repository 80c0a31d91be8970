using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Testing;

internal sealed record ItemInWarehouse(
    string ItemId,
    string AccountId,
    string? Title,
    DateTime? PublishTime,
    DateTime? PublishDay,
    int? CreatorType,
    int? DurationMs,
    int? ReviewStatus,
    bool? IsPublic,
    string? CoverUrl);

internal sealed record SnapshotInWarehouse(
    string ItemId,
    DateTime CapturedHour,
    string AccountId,
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
    decimal? AvgViewSecond);

/// <summary>Compares what landed with what the sandbox served, field by field, and says exactly what differs.</summary>
internal static class WarehouseTruth
{
    public const string ItemsSql = """
        SELECT item_id, account_id, title, publish_time, publish_day::timestamp AS publish_day, creator_type, duration_ms,
               review_status, is_public, cover_url
        FROM douyin.item ORDER BY item_id
        """;

    public const string SnapshotsSql = """
        SELECT item_id, captured_hour, account_id, view_count, like_count, comment_count, share_count, favorite_count,
               subscribe_count, completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate, avg_view_second
        FROM douyin.item_metric_snapshot ORDER BY item_id, captured_hour
        """;

    public static async Task AssertItemsEqualTruthAsync(Harness harness, IReadOnlyCollection<string>? accounts = null)
    {
        var truth = harness.Sandbox.World.AllVisibleItems(harness.Now)
            .Where(i => accounts is null || accounts.Contains(i.AccountId))
            .ToDictionary(i => i.Id);
        var landed = (await harness.QueryAsync<ItemInWarehouse>(ItemsSql))
            .Where(i => accounts is null || accounts.Contains(i.AccountId))
            .ToList();

        var missing = truth.Keys.Except(landed.Select(i => i.ItemId)).ToList();
        var unknown = landed.Select(i => i.ItemId).Except(truth.Keys).ToList();
        Assert.True(missing.Count == 0 && unknown.Count == 0, $"{missing.Count} works missing (e.g. {string.Join(", ", missing.Take(3))}), {unknown.Count} unknown");
        Assert.Equal(landed.Count, landed.Select(i => i.ItemId).Distinct().Count());

        foreach (var item in landed)
        {
            var expected = truth[item.ItemId];
            Assert.Equal(expected.AccountId, item.AccountId);
            Assert.Equal(expected.Title, item.Title);
            Assert.Equal(expected.PublishTime.UtcDateTime, item.PublishTime);
            Assert.Equal(ShanghaiClock.Day(expected.PublishTime).ToDateTime(TimeOnly.MinValue), item.PublishDay);
            Assert.Equal(expected.CreatorType, item.CreatorType);
            Assert.Equal(expected.ReviewStatus, item.ReviewStatus);
            Assert.Equal(expected.IsPublic, item.IsPublic);
        }
    }

    /// <summary>Every visible work has exactly one snapshot for the current hour, with the counts the sandbox served.</summary>
    public static async Task AssertSnapshotsEqualTruthAsync(Harness harness, bool expectRates, IReadOnlyCollection<string>? accounts = null)
    {
        var hour = ShanghaiClock.FloorToHour(harness.Now).UtcDateTime;
        var truth = harness.Sandbox.World.AllVisibleItems(harness.Now)
            .Where(i => accounts is null || accounts.Contains(i.AccountId))
            .ToDictionary(i => i.Id);
        var landed = (await harness.QueryAsync<SnapshotInWarehouse>(SnapshotsSql))
            .Where(s => s.CapturedHour == hour && (accounts is null || accounts.Contains(s.AccountId)))
            .ToList();

        Assert.Equal(truth.Count, landed.Count);
        foreach (var snapshot in landed)
        {
            var item = truth[snapshot.ItemId];
            var m = SandboxWorld.MetricsAt(item, harness.Now);
            Assert.Equal(m.ViewCount, snapshot.ViewCount);
            Assert.Equal(m.LikeCount, snapshot.LikeCount);
            Assert.Equal(m.CommentCount, snapshot.CommentCount);
            Assert.Equal(m.ShareCount, snapshot.ShareCount);
            Assert.Equal(m.FavoriteCount, snapshot.FavoriteCount);
            if (expectRates && m.ViewCount > 0)
            {
                Assert.Equal(m.SubscribeCount, snapshot.SubscribeCount);
                Assert.Equal(m.CompletionRate, snapshot.CompletionRate);
                Assert.Equal(m.CompletionRate5s, snapshot.CompletionRate5s);
                Assert.Equal(m.BounceRate2s, snapshot.BounceRate2s);
                Assert.Equal(m.CoverClickRate, snapshot.CoverClickRate);
                Assert.Equal(m.AvgViewSecond, snapshot.AvgViewSecond);
            }
            else if (expectRates)
            {
                // "-" before the first view: no value, not zero.
                Assert.Null(snapshot.CompletionRate);
            }
        }
    }
}
