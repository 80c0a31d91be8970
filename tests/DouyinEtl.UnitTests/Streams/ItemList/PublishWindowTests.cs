using DouyinEtl.Streams.ItemList;

namespace DouyinEtl.UnitTests.Streams.ItemList;

public sealed class PublishWindowTests
{
    [Fact]
    public void Months_AreBeijingCalendarMonthsNewestFirst_WhateverTheHostZone()
    {
        var windows = PublishWindow.Months(new DateOnly(2025, 12, 15), new DateOnly(2026, 2, 3)).ToList();

        Assert.Equal(["2026-02-01 00:00..2026-03-01 00:00", "2026-01-01 00:00..2026-02-01 00:00", "2025-12-01 00:00..2026-01-01 00:00"], windows.Select(w => w.Key));
        // Beijing midnight is 16:00 UTC the day before.
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 16, 0, 0, TimeSpan.Zero), windows[0].Start);
        Assert.Equal(TimeSpan.Zero, windows[0].Start.Offset);
    }

    [Fact]
    public void Split_CoversTheWindowExactlyWithoutOverlap()
    {
        var window = PublishWindow.Months(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1)).Single();

        var (newer, older) = window.Split();

        Assert.Equal(window.Start, older.Start);
        Assert.Equal(older.End, newer.Start);
        Assert.Equal(window.End, newer.End);
        Assert.NotEqual(newer.Key, older.Key);
    }

    [Fact]
    public void Split_StopsAtAMinute()
    {
        var window = new PublishWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1));

        Assert.False(window.CanSplit);
    }
}
