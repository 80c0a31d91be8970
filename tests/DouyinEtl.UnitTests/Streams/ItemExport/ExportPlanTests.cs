using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemExport;
using DouyinEtl.Streams.ItemList;

namespace DouyinEtl.UnitTests.Streams.ItemExport;

public sealed class ExportPlanTests
{
    private static readonly DateOnly Today = new(2026, 11, 20);
    private static readonly DateTimeOffset HistoryStart = ShanghaiTime.StartOfDay(new DateOnly(2024, 11, 1));
    private static readonly DateTimeOffset RefreshStart = ShanghaiTime.StartOfDay(Today.AddDays(-90));
    private static readonly DateTimeOffset End = ShanghaiTime.StartOfDay(Today.AddDays(1));

    [Fact]
    public void DueWindows_FirstRun_IsOneHistoryWindowAndOneRecentWindowForASmallAccount()
    {
        var due = ExportPlan.DueWindows(HistoryStart, RefreshStart, End, Today, [], Times(HistoryStart, 600, TimeSpan.FromHours(29)), 900);

        Assert.Equal([new PublishWindow(RefreshStart, End), new PublishWindow(HistoryStart, RefreshStart)], due);
    }

    [Fact]
    public void DueWindows_SameDayAgain_IsNothing()
    {
        CoveredWindow[] covered = [new(HistoryStart, RefreshStart, Today), new(RefreshStart, End, Today)];

        Assert.Empty(ExportPlan.DueWindows(HistoryStart, RefreshStart, End, Today, covered, [], 900));
    }

    [Fact]
    public void DueWindows_NextDay_IsTheHorizonOnly_AndTheDayThatLeftItIsCoveredByYesterday()
    {
        var yesterday = Today.AddDays(-1);
        var yesterdaysRefreshStart = ShanghaiTime.StartOfDay(yesterday.AddDays(-90));
        CoveredWindow[] covered = [new(HistoryStart, yesterdaysRefreshStart, yesterday), new(yesterdaysRefreshStart, ShanghaiTime.StartOfDay(Today), yesterday)];

        var due = ExportPlan.DueWindows(HistoryStart, RefreshStart, End, Today, covered, [], 900);

        Assert.Equal([new PublishWindow(RefreshStart, End)], due);
    }

    [Fact]
    public void DueWindows_AfterAFailedHistoryWindow_AsksOnlyForTheGap()
    {
        var middle = HistoryStart.AddDays(200);
        CoveredWindow[] covered = [new(middle, RefreshStart, Today), new(RefreshStart, End, Today)];

        Assert.Equal([new PublishWindow(HistoryStart, middle)], ExportPlan.DueWindows(HistoryStart, RefreshStart, End, Today, covered, [], 900));
    }

    [Fact]
    public void DueWindows_LongerHistoryAskedLater_FetchesOnlyTheOlderPart()
    {
        CoveredWindow[] covered = [new(HistoryStart, RefreshStart, Today.AddDays(-30)), new(RefreshStart, End, Today)];
        var older = HistoryStart.AddDays(-365);

        Assert.Equal([new PublishWindow(older, HistoryStart)], ExportPlan.DueWindows(older, RefreshStart, End, Today, covered, [], 900));
    }

    [Fact]
    public void Pack_ManyWorks_NoWindowHoldsMoreThanTheLimitAndWindowsTileTheRange()
    {
        var times = Times(HistoryStart, 2_500, TimeSpan.FromMinutes(97));

        var windows = ExportPlan.Pack(HistoryStart, End, times, 900).ToList();

        Assert.Equal(3, windows.Count);
        Assert.Equal(HistoryStart, windows[0].Start);
        Assert.Equal(End, windows[^1].End);
        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.All(windows, w => Assert.InRange(times.Count(t => t >= w.Start && t < w.End), 1, 900));
        Assert.All(windows, w => Assert.Equal(0, w.Start.UtcTicks % TimeSpan.TicksPerMinute));
    }

    [Fact]
    public void Pack_WorksInOneMinute_AreNeverCutApart()
    {
        var minute = HistoryStart.AddDays(3);
        var times = Times(HistoryStart, 5, TimeSpan.FromHours(1)).Concat(Enumerable.Range(0, 4).Select(i => minute.AddSeconds(i * 10))).Order().ToList();

        var windows = ExportPlan.Pack(HistoryStart, End, times, 6).ToList();

        Assert.Equal(2, windows.Count);
        Assert.Equal(minute, windows[1].Start);
    }

    [Fact]
    public void Pack_NoKnownWorks_IsOneWindow() =>
        Assert.Equal([new PublishWindow(HistoryStart, End)], ExportPlan.Pack(HistoryStart, End, [], 900));

    private static List<DateTimeOffset> Times(DateTimeOffset start, int count, TimeSpan step) =>
        [.. Enumerable.Range(0, count).Select(i => start.AddTicks(step.Ticks * i).AddSeconds(17))];
}
