using System.Globalization;
using DouyinEtl.Runs;

namespace DouyinEtl.Sync;

/// <summary>
/// An inclusive range of Asia/Shanghai days, as the analysis and live-history endpoints take them. Windows are cut from
/// a fixed origin in steps of a fixed size, so a day always falls in the same window and a window's key never changes
/// from run to run: windows anchored at "today" would move daily and re-pay all history.
/// </summary>
internal sealed record DayWindow(DateOnly First, DateOnly Last) : ISplittableWindow<DayWindow>
{
    public static readonly DateOnly Origin = new(2016, 1, 1);

    public int Days => Last.DayNumber - First.DayNumber + 1;

    public string Key => string.Create(CultureInfo.InvariantCulture, $"{First:yyyy-MM-dd}..{Last:yyyy-MM-dd}");

    public bool CanSplit => Days >= 2;

    public (DayWindow Newer, DayWindow Older) Split()
    {
        var middle = First.AddDays(Days / 2);
        return (new DayWindow(middle, Last), new DayWindow(First, middle.AddDays(-1)));
    }

    /// <summary>The window a <see cref="Key"/> names (a landed call's scope carries it), or null when it names none.</summary>
    public static DayWindow? FromKey(string key)
    {
        var parts = key.Split("..");
        return parts.Length == 2
               && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
               && DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last)
               && first <= last
            ? new DayWindow(first, last)
            : null;
    }

    /// <summary>The part of the window up to <paramref name="lastAvailable"/>, or null when none of it is available yet.</summary>
    public DayWindow? AvailableThrough(DateOnly lastAvailable) =>
        Last <= lastAvailable ? this : First <= lastAvailable ? this with { Last = lastAvailable } : null;

    /// <summary>
    /// True once a fetch at <paramref name="fetchedAt"/> saw the whole window and came <paramref name="settleDays"/> days
    /// after its last day: late upstream corrections have landed, the window is never asked again.
    /// </summary>
    public bool SettledBy(DateOnly? fetchedThrough, DateTimeOffset? fetchedAt, int settleDays) =>
        fetchedThrough >= Last && fetchedAt >= ShanghaiTime.StartOfDay(Last.AddDays(1 + settleDays));

    /// <summary>The grid windows of <paramref name="size"/> days that cover <paramref name="first"/>..<paramref name="last"/>, newest first.</summary>
    public static IEnumerable<DayWindow> Aligned(DateOnly first, DateOnly last, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (last < first)
        {
            yield break;
        }

        var index = Math.Floor((last.DayNumber - Origin.DayNumber) / (double)size);
        while (true)
        {
            var start = Origin.AddDays((int)(index * size));
            var window = new DayWindow(start, start.AddDays(size - 1));
            if (window.Last < first)
            {
                yield break;
            }

            yield return window;
            index--;
        }
    }
}
