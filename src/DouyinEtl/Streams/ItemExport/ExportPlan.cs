using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemList;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>A publish window whose export landed, and the Beijing day it was taken.</summary>
internal sealed record CoveredWindow(DateTimeOffset Start, DateTimeOffset End, DateOnly SnapshotDay);

/// <summary>
/// Which export windows to ask for. One export call returns a whole window (up to 1000 works), so windows are packed
/// as full as the works known in <c>douyin.item</c> allow, oldest first on whole minutes (a work printed without its
/// seconds never straddles two windows). History — works older than the refresh horizon — is fetched once; the
/// horizon once per Beijing day. Only what no landed window covers is asked again.
/// </summary>
internal static class ExportPlan
{
    /// <summary>
    /// The Beijing day of <paramref name="now"/> and the publish range a run plans over: from the first of the month
    /// <paramref name="historyDays"/> back (item-list pages whole months, so the export covers the works it lists) or the
    /// period's first day; the daily refresh from <paramref name="refreshDays"/> back; to the end of today or of the period.
    /// </summary>
    public static (DateOnly Today, DateTimeOffset HistoryStart, DateTimeOffset RefreshStart, DateTimeOffset End) Range(int historyDays, int refreshDays, RunPeriod period, DateTimeOffset now)
    {
        var today = ShanghaiTime.Day(now);
        var oldest = today.AddDays(-historyDays);
        var historyStart = ShanghaiTime.StartOfDay(period.From ?? new DateOnly(oldest.Year, oldest.Month, 1));
        var refreshStart = ShanghaiTime.StartOfDay(today.AddDays(-refreshDays));
        var lastDay = period.To is { } to && to < today ? to : today;
        return (today, historyStart, refreshStart, ShanghaiTime.StartOfDay(lastDay.AddDays(1)));
    }

    /// <param name="historyStart">Oldest publish time wanted.</param>
    /// <param name="refreshStart">Works published from here on get a snapshot every day.</param>
    /// <param name="end">Exclusive end: the end of today (Beijing), or of the requested period.</param>
    /// <param name="knownPublishTimes">Publish times of the account's known works, ascending.</param>
    /// <param name="worksPerWindow">How many known works one window may hold, below the upstream's 1000 to leave room for works not known yet.</param>
    public static List<PublishWindow> DueWindows(
        DateTimeOffset historyStart,
        DateTimeOffset refreshStart,
        DateTimeOffset end,
        DateOnly today,
        IReadOnlyList<CoveredWindow> covered,
        IReadOnlyList<DateTimeOffset> knownPublishTimes,
        int worksPerWindow)
    {
        var historyEnd = refreshStart < end ? refreshStart : end;
        var recentStart = refreshStart > historyStart ? refreshStart : historyStart;
        var gaps = Uncovered(historyStart, historyEnd, covered)
            .Concat(Uncovered(recentStart, end, covered.Where(c => c.SnapshotDay == today)));
        return [.. gaps.SelectMany(gap => Pack(gap.Start, gap.End, knownPublishTimes, worksPerWindow)).OrderByDescending(w => w.Start)];
    }

    /// <summary>The parts of [start, end) that no covered window overlaps, oldest first.</summary>
    public static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Uncovered(DateTimeOffset start, DateTimeOffset end, IEnumerable<CoveredWindow> covered)
    {
        var cursor = start;
        foreach (var window in covered.Where(c => c.End > start && c.Start < end).OrderBy(c => c.Start))
        {
            if (window.Start > cursor)
            {
                yield return (cursor, window.Start);
            }

            if (window.End > cursor)
            {
                cursor = window.End;
            }
        }

        if (cursor < end)
        {
            yield return (cursor, end);
        }
    }

    /// <summary>Cuts [start, end) into windows of at most <paramref name="limit"/> known works, closing each on the minute of the first work that does not fit.</summary>
    public static IEnumerable<PublishWindow> Pack(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<DateTimeOffset> sortedTimes, int limit)
    {
        var windowStart = start;
        var count = 0;
        var minutes = sortedTimes
            .Where(t => t >= start && t < end)
            .GroupBy(t => new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero))
            .Select(g => (Minute: g.Key, Works: g.Count()));
        foreach (var (minute, works) in minutes)
        {
            if (count > 0 && count + works > limit && minute > windowStart)
            {
                yield return new PublishWindow(windowStart, minute);
                windowStart = minute;
                count = 0;
            }

            count += works;
        }

        yield return new PublishWindow(windowStart, end);
    }
}
