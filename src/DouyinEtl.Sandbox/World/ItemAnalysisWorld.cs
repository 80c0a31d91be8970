namespace DouyinEtl.Sandbox.World;

public sealed record AnalysisTotals(int PublishCount, long PlayCount, long LikeCount, long CommentCount, long ShareCount, decimal AvgPlayDuration, decimal CompletionRate5s, decimal BounceRate2s);

/// <summary>One bar of the overview's breakdown: <see cref="Dimension"/> is "genre" (key = TikHub genre code) or "vertical".</summary>
public sealed record AnalysisBreakdown(string Dimension, string Key, int PublishCount, long PlayCount, long LikeCount, long CommentCount, long ShareCount);

public sealed record AnalysisOverview(AnalysisTotals Totals, IReadOnlyList<AnalysisBreakdown> Genres, IReadOnlyList<AnalysisBreakdown> Verticals);

public sealed record PerformanceItem(int Rank, string ItemId, long MetricValue, long PlayCount, decimal AveragePlayDuration, decimal CompletionRate5s, decimal BounceRate2s, string Cover);

/// <summary>
/// The creator center's content analysis (投稿分析) over a date range: which verticals the works published in it belong
/// to, an overview by genre and vertical, and the best works by views, likes, comments or shares — all computed from the
/// world's items with their metrics at "now".
/// </summary>
public static class ItemAnalysisWorld
{
    public const int MaxDays = 90;
    public const int PerformanceItems = 50;

    public static readonly IReadOnlyList<string> AllVerticals = ["美食", "旅游", "动物", "生活", "科技", "时尚", "运动", "教育", "游戏", "音乐"];

    /// <summary>Each account sticks to two to four verticals; an item's is fixed by its id.</summary>
    public static string VerticalOf(SandboxWorld world, SandboxItem item)
    {
        var accountIndex = AccountRandom.IndexOf(world, world.FindById(item.AccountId)!);
        var focus = 2 + (accountIndex % 3);
        var pick = (int)(long.Parse(item.Id, System.Globalization.CultureInfo.InvariantCulture) % focus);
        return AllVerticals[((accountIndex * 3) + pick) % AllVerticals.Count];
    }

    public static IReadOnlyList<string> InvolvedVerticals(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, DateTimeOffset now) =>
        [.. Published(world, account, first, last, now)
            .GroupBy(i => VerticalOf(world, i))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)];

    public static AnalysisOverview Overview(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, IReadOnlyCollection<long> genres, IReadOnlyCollection<string> verticals, DateTimeOffset now)
    {
        var items = Selected(world, account, first, last, genres, verticals, now).ToList();
        var totals = new AnalysisTotals(
            items.Count,
            items.Sum(i => i.Metrics.ViewCount),
            items.Sum(i => i.Metrics.LikeCount),
            items.Sum(i => i.Metrics.CommentCount),
            items.Sum(i => i.Metrics.ShareCount),
            items.Count == 0 ? 0 : Math.Round(items.Average(i => i.Metrics.AvgViewSecond), 2),
            items.Count == 0 ? 0 : Math.Round(items.Average(i => i.Metrics.CompletionRate5s), 4),
            items.Count == 0 ? 0 : Math.Round(items.Average(i => i.Metrics.BounceRate2s), 4));
        return new AnalysisOverview(
            totals,
            [.. Breakdown("genre", items.GroupBy(i => i.Item.Genre.ToString(System.Globalization.CultureInfo.InvariantCulture))).OrderBy(b => int.Parse(b.Key, System.Globalization.CultureInfo.InvariantCulture))],
            [.. Breakdown("vertical", items.GroupBy(i => VerticalOf(world, i.Item))).OrderByDescending(b => b.PublishCount).ThenBy(b => b.Key, StringComparer.Ordinal)]);
    }

    /// <summary>The best <see cref="PerformanceItems"/> works by the metric: 1 views, 2 likes, 3 comments, 4 shares.</summary>
    public static IReadOnlyList<PerformanceItem> Performance(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, IReadOnlyCollection<long> genres, IReadOnlyCollection<string> verticals, int metricType, DateTimeOffset now) =>
        [.. Selected(world, account, first, last, genres, verticals, now)
            .Select(i => (i.Item, i.Metrics, Value: metricType switch
            {
                2 => i.Metrics.LikeCount,
                3 => i.Metrics.CommentCount,
                4 => i.Metrics.ShareCount,
                _ => i.Metrics.ViewCount,
            }))
            .OrderByDescending(i => i.Value).ThenBy(i => i.Item.Id, StringComparer.Ordinal)
            .Take(PerformanceItems)
            .Select((i, index) => new PerformanceItem(
                index + 1,
                i.Item.Id,
                i.Value,
                i.Metrics.ViewCount,
                Math.Round(i.Metrics.AvgViewSecond, 2),
                Math.Round(i.Metrics.CompletionRate5s, 4),
                Math.Round(i.Metrics.BounceRate2s, 4),
                i.Item.CoverUrl))];

    private static IEnumerable<SandboxItem> Published(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, DateTimeOffset now) =>
        world.VisibleItems(account.Id, now).Where(i => ShanghaiClock.Day(i.PublishTime) >= first && ShanghaiClock.Day(i.PublishTime) <= last);

    private static IEnumerable<(SandboxItem Item, ItemMetrics Metrics)> Selected(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, IReadOnlyCollection<long> genres, IReadOnlyCollection<string> verticals, DateTimeOffset now) =>
        Published(world, account, first, last, now)
            .Where(i => genres.Contains(i.Genre) && verticals.Contains(VerticalOf(world, i)))
            .Select(i => (i, SandboxWorld.MetricsAt(i, now)));

    private static IEnumerable<AnalysisBreakdown> Breakdown(string dimension, IEnumerable<IGrouping<string, (SandboxItem Item, ItemMetrics Metrics)>> groups) =>
        groups.Select(g => new AnalysisBreakdown(
            dimension,
            g.Key,
            g.Count(),
            g.Sum(i => i.Metrics.ViewCount),
            g.Sum(i => i.Metrics.LikeCount),
            g.Sum(i => i.Metrics.CommentCount),
            g.Sum(i => i.Metrics.ShareCount)));
}
