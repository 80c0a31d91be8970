using DouyinEtl.Runs;
using DouyinEtl.Sync;

namespace DouyinEtl.UnitTests.Sync;

public sealed class DayWindowTests
{
    [Fact]
    public void Aligned_OneYear_CoversEveryDayWithWindowsOfTheGridSizeNewestFirst()
    {
        var first = new DateOnly(2025, 10, 1);
        var last = new DateOnly(2026, 9, 30);

        var windows = DayWindow.Aligned(first, last, 90).ToList();

        Assert.All(windows, w => Assert.Equal(90, w.Days));
        Assert.True(windows.Count >= 5, $"{windows.Count} windows cannot cover 365 days");
        Assert.Equal(windows.OrderByDescending(w => w.First), windows);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            Assert.Single(windows, w => w.First <= day && day <= w.Last);
        }
    }

    [Fact]
    public void Aligned_RangeMovingDayByDay_KeepsTheSameKeysForTheSameDays()
    {
        var today = new DateOnly(2026, 11, 20);
        var keysToday = DayWindow.Aligned(today.AddDays(-365), today, 90).Select(w => w.Key).ToHashSet();

        var keysTomorrow = DayWindow.Aligned(today.AddDays(-364), today.AddDays(1), 90).Select(w => w.Key).ToList();

        Assert.True(keysTomorrow.Count(keysToday.Contains) >= keysTomorrow.Count - 1, "a moving range must not move the windows");
    }

    [Fact]
    public void Split_CoversTheWindowWithTwoHalvesWithoutOverlap()
    {
        var window = new DayWindow(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31));

        var (newer, older) = window.Split();

        Assert.Equal(window.First, older.First);
        Assert.Equal(older.Last.AddDays(1), newer.First);
        Assert.Equal(window.Last, newer.Last);
        Assert.Equal(window.Days, newer.Days + older.Days);
        Assert.False(new DayWindow(window.First, window.First).CanSplit);
    }

    [Fact]
    public void AvailableThrough_ClipsARunningWindowAndDropsAFutureOne()
    {
        var window = new DayWindow(new DateOnly(2026, 11, 1), new DateOnly(2027, 1, 29));

        Assert.Equal(new DateOnly(2026, 11, 19), window.AvailableThrough(new DateOnly(2026, 11, 19))!.Last);
        Assert.Same(window, window.AvailableThrough(new DateOnly(2027, 2, 1)));
        Assert.Null(window.AvailableThrough(new DateOnly(2026, 10, 31)));
    }

    [Fact]
    public void SettledBy_OnlyAFullReadMadeAfterTheSettleDays()
    {
        var window = new DayWindow(new DateOnly(2026, 8, 1), new DateOnly(2026, 10, 29));
        var afterSettling = ShanghaiTime.StartOfDay(new DateOnly(2026, 11, 1));

        Assert.True(window.SettledBy(window.Last, afterSettling, settleDays: 2));
        Assert.False(window.SettledBy(window.Last, afterSettling.AddSeconds(-1), settleDays: 2));
        Assert.False(window.SettledBy(window.Last.AddDays(-1), afterSettling.AddDays(30), settleDays: 2));
        Assert.False(window.SettledBy(null, null, settleDays: 2));
    }
}
