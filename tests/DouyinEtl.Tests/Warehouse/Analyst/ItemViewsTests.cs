using System.Globalization;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>
/// The item views against the sandbox's truth: what each work showed at the moments the warehouse measured it,
/// grouped into Beijing days here in C#, independently of the SQL.
/// </summary>
[Collection(AnalystWarehouseCollection.Name)]
public sealed class ItemViewsTests(AnalystWarehouseFixture fixture)
{
    private readonly Harness _harness = fixture.Harness;

    [Fact]
    public async Task DailyGrowth_EqualsTheTruthBetweenAdjacentBeijingDaysAndFromZeroOnThePublishDay()
    {
        var expected = Expected.Growth(await DailyTruthAsync(), await PublishDaysAsync());

        var actual = await _harness.QueryAsync<GrowthRow>(GrowthSql);

        AssertSameRows(expected, actual);
        Assert.Contains(actual, r => r.GrowthBasis == "previous_day" && r.ViewsGained > 0);
        Assert.Contains(actual, r => r.GrowthBasis == "publish" && r.ViewsGained > 0);
    }

    [Fact]
    public async Task DailyGrowth_AfterDaysWithoutRuns_IsNullInsteadOfTheGapsChangeAndNeverNegative()
    {
        var rows = await _harness.QueryAsync<GrowthRow>(GrowthSql);

        Assert.DoesNotContain(rows, r => r.ViewsGained < 0 || r.LikesGained < 0 || r.CommentsGained < 0 || r.SharesGained < 0 || r.FavoritesGained < 0 || r.FollowersGained < 0);
        Assert.DoesNotContain(rows, r => r.Day is "2026-11-22" or "2026-11-25" or "2026-11-26" or "2026-11-27");
        var afterGap = rows.Where(r => r.Day == "2026-11-23" && r.GrowthBasis != "publish").ToList();
        Assert.Contains(afterGap, r => r.GrowthBasis == "gap");
        Assert.All(afterGap, r =>
        {
            // Measured before the gap: "gap" back to Nov 21. Published during the gap (Nov 22): first measured now.
            Assert.Equal(r.PreviousDay is null ? "first_snapshot" : "gap", r.GrowthBasis);
            Assert.True(r.PreviousDay is null or "2026-11-21", r.ToString());
            Assert.Null(r.ViewsGained);
            Assert.Null(r.FollowersGained);
        });
        Assert.All(rows.Where(r => r.Day == "2026-11-28" && r.GrowthBasis != "publish"), r => Assert.Null(r.ViewsGained));
    }

    [Fact]
    public async Task DailyMetrics_TakeTheLastSnapshotOfTheBeijingDayNotOfTheUtcDay()
    {
        var capturedOnNov20 = await _harness.QueryAsync<DateTime>("SELECT DISTINCT captured_at FROM douyin.item_daily_metrics WHERE day = '2026-11-20'");
        var capturedOnNov21 = await _harness.QueryAsync<DateTime>("SELECT DISTINCT captured_at FROM douyin.item_daily_metrics WHERE day = '2026-11-21'");

        // 17:30 UTC on Nov 20 is 01:30 on Nov 21 in Beijing: it belongs to Nov 21 and must not end Nov 20.
        Assert.Equal(RunTime(1), capturedOnNov20.Max());
        Assert.DoesNotContain(RunTime(2), capturedOnNov20);
        Assert.Contains(RunTime(3), capturedOnNov21);
    }

    [Fact]
    public async Task AccountDailySummary_SumsTheKnownGrowthAndCountsPublishedWorks()
    {
        var growth = Expected.Growth(await DailyTruthAsync(), await PublishDaysAsync());
        var published = await PublishDaysAsync();
        var accounts = await _harness.QueryAsync<(string ItemId, string AccountId)>("SELECT item_id, account_id FROM douyin.item");
        var accountOf = accounts.ToDictionary(a => a.ItemId, a => a.AccountId);

        var summary = await _harness.QueryAsync<(string AccountId, string Day, long WorksPublished, long WorksMeasured, long WorksWithGrowth, long? ViewsGained, long? LikesGained)>(
            "SELECT account_id, day::text, works_published, works_measured, works_with_growth, views_gained, likes_gained FROM douyin.account_daily_summary");

        var byKey = summary.ToDictionary(s => (s.AccountId, s.Day));
        foreach (var day in growth.GroupBy(g => (accountOf[g.ItemId], g.Day)))
        {
            var row = byKey[day.Key];
            var known = day.Where(g => g.ViewsGained is not null).ToList();
            Assert.Equal(day.Count(), row.WorksMeasured);
            Assert.Equal(known.Count, row.WorksWithGrowth);
            Assert.Equal(known.Count == 0 ? null : known.Sum(g => g.ViewsGained), row.ViewsGained);
            Assert.Equal(known.Count == 0 ? null : known.Sum(g => g.LikesGained), row.LikesGained);
        }

        foreach (var day in published.GroupBy(p => (accountOf[p.Key], Day(p.Value))))
        {
            Assert.Equal(day.Count(), byKey[day.Key].WorksPublished);
        }

        Assert.Equal(published.Count, summary.Sum(s => s.WorksPublished));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(30)]
    public async Task GrowthTop_CountsFromTheLastSnapshotBeforeTheWindowOrFromZeroForNewWorks(int windowDays)
    {
        var daily = await DailyTruthAsync();
        var publishDays = await PublishDaysAsync();
        var asOf = daily.Values.SelectMany(d => d).Max(d => d.Day);
        var start = asOf.AddDays(-windowDays);
        var expected = new Dictionary<string, (string? BaselineDay, string EndDay, long ViewsGained, long FollowersGained)>();
        foreach (var (itemId, days) in daily)
        {
            var end = days.LastOrDefault(d => d.Day > start && d.Day <= asOf);
            var baseline = days.LastOrDefault(d => d.Day <= start);
            if (end is null || (baseline is null && !(publishDays[itemId] > start)))
            {
                continue;
            }

            expected[itemId] = (
                baseline is null ? null : Day(baseline.Day),
                Day(end.Day),
                end.Metrics.ViewCount - (baseline?.Metrics.ViewCount ?? 0),
                end.Metrics.SubscribeCount - (baseline?.Metrics.SubscribeCount ?? 0));
        }

        var actual = await _harness.QueryAsync<(string ItemId, string AsOfDay, string? BaselineDay, string EndDay, long ViewsGained, long FollowersGained, long ViewsRank)>(
            "SELECT item_id, as_of_day::text, baseline_day::text, end_day::text, views_gained, followers_gained, views_rank FROM douyin.item_growth_top WHERE window_days = @windowDays",
            new { windowDays });

        Assert.Equal(expected.Keys.Order(), actual.Select(a => a.ItemId).Order());
        Assert.All(actual, a =>
        {
            Assert.Equal(Day(asOf), a.AsOfDay);
            Assert.Equal(expected[a.ItemId], (a.BaselineDay, a.EndDay, a.ViewsGained, a.FollowersGained));
        });
        Assert.Equal(actual.Max(a => a.ViewsGained), actual.Single(a => a.ViewsRank == 1).ViewsGained);
        if (windowDays == 7)
        {
            Assert.Contains(actual, a => a.BaselineDay is not null);
            Assert.Contains(actual, a => a.BaselineDay is null);
        }
    }

    [Fact]
    public async Task LatestMetrics_ShowEveryWorkWithItsNewestNumbersAndNamedCodes()
    {
        var latest = await _harness.QueryAsync<(string ItemId, DateTime? CapturedAt, long? ViewCount, long? SubscribeCount, int? CreatorType, string? CreatorTypeZh, string? ReviewStatusZh)>(
            "SELECT item_id, captured_at, view_count, subscribe_count, creator_type, creator_type_zh, review_status_zh FROM douyin.item_latest_metrics");
        var items = Items();

        Assert.Equal(await _harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item"), latest.Count);
        Assert.All(latest, l =>
        {
            var truth = SandboxWorld.MetricsAt(items[l.ItemId], new DateTimeOffset(l.CapturedAt!.Value));
            Assert.Equal(truth.ViewCount, l.ViewCount);
            Assert.Equal(truth.SubscribeCount, l.SubscribeCount);
            Assert.NotNull(l.CreatorTypeZh);
            Assert.NotNull(l.ReviewStatusZh);
        });
        Assert.Equal(RunTime(AnalystWarehouseFixture.RunTimes.Length - 1), latest.Max(l => l.CapturedAt));
    }

    private const string GrowthSql = """
        SELECT item_id, day::text AS day, growth_basis, previous_day::text AS previous_day, view_count, views_gained, likes_gained,
               comments_gained, shares_gained, favorites_gained, followers_gained
        FROM douyin.item_daily_growth
        """;

    private static DateTime RunTime(int index) => AnalystWarehouseFixture.RunTimes[index].UtcDateTime;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Dictionary<string, SandboxItem> Items() =>
        _harness.Sandbox.World.AllVisibleItems(AnalystWarehouseFixture.RunTimes[^1]).ToDictionary(i => i.Id);

    /// <summary>Per work, its last measurement of each Beijing day and what the sandbox showed at that moment.</summary>
    private async Task<Dictionary<string, List<DailyTruth>>> DailyTruthAsync()
    {
        var items = Items();
        var measured = await _harness.QueryAsync<(string ItemId, DateTime CapturedAt)>("SELECT item_id, captured_at FROM douyin.item_metric_snapshot");
        return measured
            .GroupBy(m => m.ItemId)
            .ToDictionary(
                g => g.Key,
                g => g.GroupBy(m => ShanghaiTime.Day(new DateTimeOffset(m.CapturedAt)))
                    .Select(day => new DailyTruth(day.Key, SandboxWorld.MetricsAt(items[g.Key], new DateTimeOffset(day.Max(m => m.CapturedAt)))))
                    .OrderBy(d => d.Day)
                    .ToList());
    }

    private async Task<Dictionary<string, DateOnly>> PublishDaysAsync() =>
        (await _harness.QueryAsync<(string ItemId, DateTime PublishDay)>("SELECT item_id, publish_day::timestamp FROM douyin.item"))
        .ToDictionary(p => p.ItemId, p => DateOnly.FromDateTime(p.PublishDay));

    private static void AssertSameRows(List<GrowthRow> expected, List<GrowthRow> actual)
    {
        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).ToList();
        Assert.True(
            missing.Count == 0 && unexpected.Count == 0,
            $"{missing.Count} expected rows missing or different, e.g. {missing.FirstOrDefault()}; {unexpected.Count} unexpected, e.g. {unexpected.FirstOrDefault()}");
        Assert.Equal(expected.Count, actual.Count);
    }

    internal sealed record DailyTruth(DateOnly Day, ItemMetrics Metrics);

    internal sealed record GrowthRow(
        string ItemId,
        string Day,
        string GrowthBasis,
        string? PreviousDay,
        long? ViewCount,
        long? ViewsGained,
        long? LikesGained,
        long? CommentsGained,
        long? SharesGained,
        long? FavoritesGained,
        long? FollowersGained);

    /// <summary>The growth rules of the analyst guide, written out in C#.</summary>
    private static class Expected
    {
        public static List<GrowthRow> Growth(Dictionary<string, List<DailyTruth>> daily, Dictionary<string, DateOnly> publishDays)
        {
            var rows = new List<GrowthRow>();
            foreach (var (itemId, days) in daily)
            {
                DailyTruth? previous = null;
                foreach (var day in days)
                {
                    var basis = previous is null
                        ? publishDays[itemId] == day.Day ? "publish" : "first_snapshot"
                        : previous.Day == day.Day.AddDays(-1) ? "previous_day" : "gap";
                    var from = basis switch
                    {
                        "previous_day" => previous!.Metrics,
                        "publish" => new ItemMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        _ => null,
                    };
                    var m = day.Metrics;
                    rows.Add(new GrowthRow(
                        itemId,
                        Day(day.Day),
                        basis,
                        previous is null ? null : Day(previous.Day),
                        m.ViewCount,
                        m.ViewCount - from?.ViewCount,
                        m.LikeCount - from?.LikeCount,
                        m.CommentCount - from?.CommentCount,
                        m.ShareCount - from?.ShareCount,
                        m.FavoriteCount - from?.FavoriteCount,
                        m.SubscribeCount - from?.SubscribeCount));
                    previous = day;
                }
            }

            return rows;
        }
    }
}
