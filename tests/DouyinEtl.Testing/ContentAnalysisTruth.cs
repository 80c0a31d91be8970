using DouyinEtl.Runs;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;

namespace DouyinEtl.Testing;

internal sealed record VerticalInWarehouse(string AccountId, DateOnly WindowFirst, DateOnly WindowLast, string Vertical, int Position, DateOnly ThroughDay);

internal sealed record ContentOverviewInWarehouse(
    string AccountId,
    DateOnly WindowFirst,
    DateOnly WindowLast,
    long? PublishCount,
    long? PlayCount,
    long? LikeCount,
    long? CommentCount,
    long? ShareCount,
    decimal? AvgPlayDuration,
    decimal? CompletionRate5s,
    decimal? BounceRate2s);

internal sealed record BarInWarehouse(string AccountId, DateOnly WindowFirst, string Dimension, string Key, long? PublishCount, long? PlayCount, long? LikeCount, long? CommentCount, long? ShareCount);

internal sealed record PerformanceInWarehouse(
    string AccountId,
    DateOnly WindowFirst,
    int MetricType,
    string ItemId,
    int Rank,
    decimal? MetricValue,
    long? PlayCount,
    decimal? AvgPlayDuration,
    decimal? CompletionRate5s,
    decimal? BounceRate2s,
    string? CoverUrl);

/// <summary>What the content analysis tables must hold for the windows a run read, computed from the sandbox's world.</summary>
internal static class ContentAnalysisTruth
{
    private static readonly long[] AllGenres = [1, 2, 3, 4, 5, 8];

    /// <summary>The grid windows the job reads for <paramref name="historyDays"/> (or an explicit range), each as asked: through yesterday at most.</summary>
    public static List<DayWindow> WindowsRead(DateTimeOffset now, DateOnly? from, DateOnly? to, int historyDays = 0)
    {
        var yesterday = ShanghaiTime.Day(now).AddDays(-1);
        var last = to is { } t && t < yesterday ? t : yesterday;
        return [.. DayWindow.Aligned(from ?? yesterday.AddDays(-historyDays), last, 90).Select(w => w.AvailableThrough(yesterday)!)];
    }

    /// <summary>The verticals the account's works of the <paramref name="asked"/> window involve, in the sandbox's order.</summary>
    public static List<VerticalInWarehouse> ExpectedVerticals(SandboxWorld world, SandboxAccount account, DayWindow asked, DateTimeOffset now)
    {
        var grid = Grid(asked);
        return [.. ItemAnalysisWorld.InvolvedVerticals(world, account, asked.First, asked.Last, now)
            .Select((v, i) => new VerticalInWarehouse(account.Id, grid.First, grid.Last, v, i + 1, asked.Last))];
    }

    /// <summary>
    /// douyin.item_analysis_vertical against the sandbox: each window landed has the verticals its account's works
    /// involved through the day it was read through, in order. Returns the windows landed and those that differ.
    /// </summary>
    public static async Task<(int Windows, List<string> Differing)> CompareVerticalsAsync(string connectionString, SandboxWorld world, DateTimeOffset now)
    {
        var landed = await WarehouseRows.QueryAsync<VerticalInWarehouse>(connectionString, VerticalsSql);
        var windows = landed.GroupBy(v => (v.AccountId, v.WindowFirst, v.ThroughDay)).ToList();
        var differing = windows
            .Where(w => world.FindById(w.Key.AccountId) is not { } account
                        || !ExpectedVerticals(world, account, new DayWindow(w.Key.WindowFirst, w.Key.ThroughDay), now).SequenceEqual(w))
            .Select(w => $"{w.Key.AccountId} {w.Key.WindowFirst:yyyy-MM-dd}..{w.Key.ThroughDay:yyyy-MM-dd}")
            .ToList();
        return (windows.Count, differing);
    }

    private const string VerticalsSql = "SELECT account_id, window_first, window_last, vertical, position, through_day FROM douyin.item_analysis_vertical ORDER BY account_id, window_first, position";

    private static DayWindow Grid(DayWindow asked) => DayWindow.Aligned(asked.First, asked.First, 90).Single();

    public static async Task AssertTablesEqualTruthAsync(Harness harness, IReadOnlyList<DayWindow> windows)
    {
        var world = harness.Sandbox.World;
        var verticals = new List<VerticalInWarehouse>();
        var overviews = new List<ContentOverviewInWarehouse>();
        var bars = new List<BarInWarehouse>();
        var performance = new List<PerformanceInWarehouse>();
        foreach (var account in world.Accounts)
        {
            foreach (var asked in windows)
            {
                var grid = Grid(asked);
                var involved = ItemAnalysisWorld.InvolvedVerticals(world, account, asked.First, asked.Last, harness.Now);
                verticals.AddRange(ExpectedVerticals(world, account, asked, harness.Now));
                if (involved.Count == 0)
                {
                    continue;
                }

                var o = ItemAnalysisWorld.Overview(world, account, asked.First, asked.Last, AllGenres, involved, harness.Now);
                var t = o.Totals;
                overviews.Add(new ContentOverviewInWarehouse(account.Id, grid.First, grid.Last, t.PublishCount, t.PlayCount, t.LikeCount, t.CommentCount, t.ShareCount, t.AvgPlayDuration, t.CompletionRate5s, t.BounceRate2s));
                bars.AddRange(o.Genres.Concat(o.Verticals).Select(b => new BarInWarehouse(account.Id, grid.First, b.Dimension, b.Key, b.PublishCount, b.PlayCount, b.LikeCount, b.CommentCount, b.ShareCount)));
                for (var metric = 1; metric <= 4; metric++)
                {
                    var metricType = metric;
                    performance.AddRange(ItemAnalysisWorld.Performance(world, account, asked.First, asked.Last, AllGenres, involved, metric, harness.Now)
                        .Select(p => new PerformanceInWarehouse(account.Id, grid.First, metricType, p.ItemId, p.Rank, p.MetricValue, p.PlayCount, p.AveragePlayDuration, p.CompletionRate5s, p.BounceRate2s, p.Cover)));
                }
            }
        }

        Assert.True(performance.Count > 0, "the sandbox served no ranking: the test would prove nothing");
        Assert.Equal(
            verticals.OrderBy(v => v.AccountId, StringComparer.Ordinal).ThenBy(v => v.WindowFirst).ThenBy(v => v.Position),
            await harness.QueryAsync<VerticalInWarehouse>(VerticalsSql));
        Assert.Equal(
            overviews.OrderBy(v => v.AccountId, StringComparer.Ordinal).ThenBy(v => v.WindowFirst),
            await harness.QueryAsync<ContentOverviewInWarehouse>("""
                SELECT account_id, window_first, window_last, publish_count, play_count, like_count, comment_count, share_count,
                       avg_play_duration, completion_rate_5s, bounce_rate_2s
                FROM douyin.item_analysis_overview ORDER BY account_id, window_first
                """));
        Assert.Equal(
            bars.OrderBy(b => b.AccountId, StringComparer.Ordinal).ThenBy(b => b.WindowFirst).ThenBy(b => b.Dimension, StringComparer.Ordinal).ThenBy(b => b.Key, StringComparer.Ordinal),
            await harness.QueryAsync<BarInWarehouse>("""
                SELECT account_id, window_first, dimension, key, publish_count, play_count, like_count, comment_count, share_count
                FROM douyin.item_analysis_breakdown ORDER BY account_id, window_first, dimension, key COLLATE "C"
                """));
        Assert.Equal(
            performance.OrderBy(p => p.AccountId, StringComparer.Ordinal).ThenBy(p => p.WindowFirst).ThenBy(p => p.MetricType).ThenBy(p => p.Rank),
            await harness.QueryAsync<PerformanceInWarehouse>("""
                SELECT account_id, window_first, metric_type, item_id, rank, metric_value, play_count, avg_play_duration,
                       completion_rate_5s, bounce_rate_2s, cover_url
                FROM douyin.item_analysis_performance ORDER BY account_id, window_first, metric_type, rank
                """));
    }
}
