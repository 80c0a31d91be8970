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

/// <summary>What differs between douyin.item and the sandbox's works: ids missing or unknown, and "id: field" for values.</summary>
internal sealed record ItemDifferences(int Published, int Landed, IReadOnlyList<string> Missing, IReadOnlyList<string> Unknown, IReadOnlyList<string> Wrong)
{
    public int Count => Missing.Count + Unknown.Count + Wrong.Count;

    public override string ToString() =>
        $"{Missing.Count} works missing (e.g. {string.Join(", ", Missing.Take(3))}), {Unknown.Count} unknown (e.g. {string.Join(", ", Unknown.Take(3))}), " +
        $"{Wrong.Count} values differ (e.g. {string.Join(", ", Wrong.Take(3))})";
}

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
        var differences = await CompareItemsAsync(harness.ConnectionString, harness.Sandbox.World, harness.Now, harness.Now, accounts);
        Assert.True(differences.Count == 0, differences.ToString());
    }

    /// <summary>
    /// douyin.item against the sandbox's works: every work visible at <paramref name="publishedBy"/> landed, none landed
    /// that is not visible at <paramref name="now"/> (the demo's clock moves while it runs; a test's does not), each once,
    /// with the values the sandbox gives it.
    /// </summary>
    public static async Task<ItemDifferences> CompareItemsAsync(
        string connectionString, SandboxWorld world, DateTimeOffset publishedBy, DateTimeOffset now, IReadOnlyCollection<string>? accounts = null)
    {
        bool Counted(string accountId) => accounts is null || accounts.Contains(accountId);
        var published = world.AllVisibleItems(publishedBy).Where(i => Counted(i.AccountId)).Select(i => i.Id).ToList();
        var truth = world.AllVisibleItems(now).Where(i => Counted(i.AccountId)).ToDictionary(i => i.Id);
        var landed = (await WarehouseRows.QueryAsync<ItemInWarehouse>(connectionString, ItemsSql)).Where(i => Counted(i.AccountId)).ToList();
        var landedIds = landed.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var wrong = landed
            .Where(i => truth.ContainsKey(i.ItemId))
            .SelectMany(i => FieldsDiffering(truth[i.ItemId], i).Select(field => $"{i.ItemId}: {field}"))
            .Concat(landed.GroupBy(i => i.ItemId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: landed {g.Count()} times"));
        return new ItemDifferences(
            published.Count,
            landed.Count,
            [.. published.Where(id => !landedIds.Contains(id))],
            [.. landedIds.Where(id => !truth.ContainsKey(id))],
            [.. wrong]);
    }

    private static IEnumerable<string> FieldsDiffering(SandboxItem expected, ItemInWarehouse item) =>
        new (string Field, bool Same)[]
        {
            ("account_id", expected.AccountId == item.AccountId),
            ("title", expected.Title == item.Title),
            ("publish_time", expected.PublishTime.UtcDateTime == item.PublishTime),
            ("publish_day", ShanghaiClock.Day(expected.PublishTime).ToDateTime(TimeOnly.MinValue) == item.PublishDay),
            ("creator_type", expected.CreatorType == item.CreatorType),
            ("review_status", expected.ReviewStatus == item.ReviewStatus),
            ("is_public", expected.IsPublic == item.IsPublic),
        }.Where(f => !f.Same).Select(f => f.Field);

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
