using System.Globalization;
using System.Text.Json;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.AuthorDiagnosis;
using DouyinEtl.Streams.ContentAnalysis;
using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Streams.ItemExport;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;

namespace DouyinEtl.UnitTests.Sync;

/// <summary>
/// Every job's window arithmetic at the instants where Beijing and UTC disagree on the day, the month or the year, around
/// the 12:00 publish, on Feb 29, where a 90-day grid window opens, and two years after today. Expected days are written
/// out (or, for the instant taken from the real clock, derived from the Beijing day by plain arithmetic), never taken
/// from the code under test.
/// </summary>
public sealed class CalendarBoundaryTests
{
    private static readonly ItemListOptions ItemList = new();
    private static readonly ItemExportOptions ItemExport = new();
    private static readonly ContentAnalysisOptions ItemAnalysis = new();
    private static readonly LiveRoomsOptions LiveRooms = new();
    private static readonly RefreshPolicy Refresh = new(RefreshPolicy.Parse(new ItemAnalyticsOptions().RefreshTiers, out _)!);

    public static TheoryData<string> Instants() => new()
    {
        "2027-03-01T01:30:00+08:00", // the 1st of a month in Beijing, still Feb 28 in UTC
        "2027-12-31T23:30:00+00:00", // New Year's morning in Beijing, New Year's Eve in UTC
        "2027-12-31T23:59:59+08:00", // the last second of a year in Beijing
        "2028-01-01T00:00:30+08:00", // the first minute of a year in Beijing, still the old year in UTC
        "2028-02-29T11:59:59+08:00", // a leap day, just before the 12:00 publish
        "2028-02-29T12:00:00+08:00", // the 12:00 publish
        "2028-01-28T00:30:00+08:00", // a 90-day grid window opens in Beijing while UTC is still in the previous one
        "2027-06-15T10:00:00+08:00", // mid-month
        TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), // today
        TimeProvider.System.GetUtcNow().AddYears(2).ToString("O", CultureInfo.InvariantCulture), // two years after today
    };

    /// <summary>Invariants every job's windows keep at any instant, stated in Beijing days computed by hand (UTC + 8 h).</summary>
    [Theory]
    [MemberData(nameof(Instants))]
    public void EveryJobsWindows_FollowTheBeijingDay(string instant)
    {
        var now = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(now.UtcDateTime.AddHours(8));
        var beijingTimeOfDay = now.UtcDateTime.AddHours(8).TimeOfDay;

        // item-list: whole Beijing calendar months, newest holding now, tiling back to the month HistoryDays ago.
        var months = ItemListSync.Windows(ItemList, RunPeriod.Default, now);
        Assert.Equal(Midnight(new DateOnly(today.Year, today.Month, 1)), months[0].Start);
        Assert.True(months[0].Start <= now && now < months[0].End);
        Assert.All(months, m => Assert.Equal(Midnight(FirstOfMonth(m.Start)).AddMonths(1), m.End));
        Assert.All(months.Zip(months.Skip(1)), pair => Assert.Equal(pair.First.Start, pair.Second.End));
        var oldest = today.AddDays(-ItemList.HistoryDays);
        Assert.Equal(Midnight(new DateOnly(oldest.Year, oldest.Month, 1)), months[^1].Start);

        // item-export: the same history start as item-list, the daily refresh from RefreshDays back, through today.
        var (exportToday, historyStart, refreshStart, end) = ExportPlan.Range(ItemExport.HistoryDays, ItemExport.RefreshDays, RunPeriod.Default, now);
        Assert.Equal(today, exportToday);
        Assert.Equal(months[^1].Start, historyStart);
        Assert.Equal(Midnight(today.AddDays(-ItemExport.RefreshDays)), refreshStart);
        Assert.Equal(Midnight(today.AddDays(1)), end);

        // item-analysis: grid windows covering HistoryDays back through yesterday, each day once; live-rooms through today.
        AssertCoverEachDayOnce(ContentAnalysisSync.Windows(ItemAnalysis, RunPeriod.Default, now), today.AddDays(-1 - ItemAnalysis.HistoryDays), today.AddDays(-1));
        Assert.Equal(today.AddDays(-1), ContentAnalysisSync.Yesterday(now));
        AssertCoverEachDayOnce(LiveRoomsSync.Windows(LiveRooms, RunPeriod.Default, now), today.AddDays(-LiveRooms.HistoryDays), today);

        // author-diagnosis: yesterday from 12:00 Beijing time, the day before until then; the sandbox answers for the same day.
        var dataDay = new AuthorDiagnosisOptions().DataDay(now);
        Assert.Equal(beijingTimeOfDay >= TimeSpan.FromHours(12) ? today.AddDays(-1) : today.AddDays(-2), dataDay);
        Assert.Equal(dataDay, AuthorDiagnosisWorld.DataDay(now));

        // item-analytics: a young work fetched now is due again at the next Beijing midnight.
        Assert.Equal(Midnight(today.AddDays(1)), Refresh.NextDue(now.AddHours(-1), now, consecutiveFailures: 0));
        Assert.Equal(now.AddDays(-90), Refresh.HorizonStart(now));
    }

    [Theory]
    [InlineData("2027-03-01T01:30:00+08:00", "2027-03-01", "2025-03-01", "2026-12-01", "2026-12-01")]
    [InlineData("2027-12-31T23:30:00+00:00", "2028-01-01", "2026-01-01", "2027-10-03", "2027-10-01")]
    [InlineData("2028-01-01T00:00:30+08:00", "2028-01-01", "2026-01-01", "2027-10-03", "2027-10-01")]
    [InlineData("2028-02-29T12:30:00+08:00", "2028-02-29", "2026-03-01", "2027-12-01", "2027-12-01")]
    [InlineData("2027-06-15T10:00:00+08:00", "2027-06-15", "2025-06-01", "2027-03-17", "2027-03-01")]
    public void ItemListAndExport_MonthsHistoryAndRefreshHorizon(string instant, string beijingToday, string firstMonth, string exportRefreshFrom, string oldestRefreshedMonth)
    {
        var now = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        var months = ItemListSync.Windows(ItemList, RunPeriod.Default, now);
        var (_, historyStart, refreshStart, end) = ExportPlan.Range(ItemExport.HistoryDays, ItemExport.RefreshDays, RunPeriod.Default, now);

        Assert.Equal(Midnight(new DateOnly(Day(beijingToday).Year, Day(beijingToday).Month, 1)), months[0].Start);
        Assert.Equal(Midnight(Day(firstMonth)), months[^1].Start);
        Assert.Equal(Midnight(Day(firstMonth)), historyStart);
        Assert.Equal(Midnight(Day(exportRefreshFrom)), refreshStart);
        Assert.Equal(Midnight(Day(beijingToday).AddDays(1)), end);

        // Fetched two hours ago: months that ended more than RefreshDays ago stay as they are, later ones are paged again.
        var completed = now.AddHours(-2);
        var refreshed = months.Where(m => ItemListSync.IsDue(ItemList, m, Completed(m.Key, "{}", completed), now)).ToList();
        Assert.Equal(Midnight(Day(oldestRefreshedMonth)), refreshed.Min(m => m.Start));
        Assert.Equal(months.TakeWhile(m => m.Start >= Midnight(Day(oldestRefreshedMonth))), refreshed);
    }

    [Fact]
    public void ItemList_MonthLeavesTheRefreshHorizonExactlyRefreshDaysAfterItsBeijingEnd_AndRefreshesOncePerHour()
    {
        var october = ItemListSync.Windows(ItemList, new RunPeriod(new DateOnly(2027, 10, 1), new DateOnly(2027, 10, 31)), Midnight(new DateOnly(2028, 1, 1))).Single();
        var frozenAt = new DateTimeOffset(2028, 1, 30, 0, 0, 0, ShanghaiTime.Offset); // 2027-11-01 00:00 Beijing + 90 days

        Assert.True(ItemListSync.IsDue(ItemList, october, Completed(october.Key, "{}", frozenAt.AddHours(-3)), frozenAt.AddSeconds(-1)));
        Assert.False(ItemListSync.IsDue(ItemList, october, Completed(october.Key, "{}", frozenAt.AddHours(-3)), frozenAt));

        // Across the Beijing new year: fetched in the last hour of 2027, due again at 00:00; fetched at 00:00:10, not before 01:00.
        var december = ItemListSync.Windows(ItemList, new RunPeriod(new DateOnly(2027, 12, 1), new DateOnly(2027, 12, 31)), Midnight(new DateOnly(2028, 1, 1))).Single();
        var newYear = Midnight(new DateOnly(2028, 1, 1));
        Assert.True(ItemListSync.IsDue(ItemList, december, Completed(december.Key, "{}", newYear.AddSeconds(-1)), newYear.AddSeconds(30)));
        Assert.False(ItemListSync.IsDue(ItemList, december, Completed(december.Key, "{}", newYear.AddSeconds(10)), newYear.AddMinutes(59)));
        Assert.True(ItemListSync.IsDue(ItemList, december, Completed(december.Key, "{}", newYear.AddSeconds(10)), newYear.AddHours(1)));
    }

    [Fact]
    public void GridWindows_OpenAndCloseOnBeijingDays()
    {
        var opens = new DayWindow(new DateOnly(2028, 1, 28), new DateOnly(2028, 4, 26));
        var closing = new DayWindow(new DateOnly(2027, 10, 30), new DateOnly(2028, 1, 27));
        var justBefore = new DateTimeOffset(2028, 1, 27, 23, 30, 0, ShanghaiTime.Offset);
        var justAfter = new DateTimeOffset(2028, 1, 28, 0, 30, 0, ShanghaiTime.Offset); // UTC: still Jan 27

        // live-rooms reads through today: the new window opens at Beijing midnight and is due at once.
        Assert.Equal(closing, LiveRoomsSync.Windows(LiveRooms, RunPeriod.Default, justBefore)[0]);
        Assert.Equal(opens, LiveRoomsSync.Windows(LiveRooms, RunPeriod.Default, justAfter)[0]);
        Assert.True(LiveRoomsSync.IsDue(LiveRooms, opens, null, justAfter));

        // item-analysis reads through yesterday: the new window waits a Beijing day longer.
        Assert.Equal(closing, ContentAnalysisSync.Windows(ItemAnalysis, RunPeriod.Default, justAfter)[0]);
        Assert.False(ContentAnalysisSync.IsDue(ItemAnalysis, opens, null, justAfter));
        Assert.Equal(opens, ContentAnalysisSync.Windows(ItemAnalysis, RunPeriod.Default, justAfter.AddDays(1))[0]);
        Assert.True(ContentAnalysisSync.IsDue(ItemAnalysis, opens, null, justAfter.AddDays(1)));
    }

    [Fact]
    public void GridWindows_SettleAtTheBeijingMidnightSettleDaysAfterTheirLastDay()
    {
        var window = new DayWindow(new DateOnly(2027, 10, 30), new DateOnly(2028, 1, 27));
        var liveSettled = new DateTimeOffset(2028, 1, 30, 0, 0, 0, ShanghaiTime.Offset); // 2 days after Jan 27, i.e. 2028-01-29 16:00 UTC
        var liveState = JsonSerializer.Serialize(new LiveRoomsSync.WindowState { Through = window.Last, Rooms = 12, Live = 0 }, CheckpointJson.Options);

        Assert.False(LiveRoomsSync.IsDue(LiveRooms, window, Completed(window.Key, liveState, liveSettled), liveSettled.AddHours(5)));
        Assert.True(LiveRoomsSync.IsDue(LiveRooms, window, Completed(window.Key, liveState, liveSettled.AddSeconds(-1)), liveSettled.AddHours(5)));

        var analysisSettled = new DateTimeOffset(2028, 2, 11, 0, 0, 0, ShanghaiTime.Offset); // 14 days after Jan 27
        var analysisState = JsonSerializer.Serialize(
            new ContentAnalysisSync.WindowState { Through = window.Last, Verticals = [], Overview = true, MetricTypes = [.. ItemAnalysis.EffectiveMetricTypes] }, CheckpointJson.Options);
        Assert.False(ContentAnalysisSync.IsDue(ItemAnalysis, window, Completed(window.Key, analysisState, analysisSettled), analysisSettled.AddDays(2)));
        Assert.True(ContentAnalysisSync.IsDue(ItemAnalysis, window, Completed(window.Key, analysisState, analysisSettled.AddSeconds(-1)), analysisSettled.AddDays(2)));
    }

    [Theory]
    [InlineData("2027-03-01T01:30:00+08:00", "2027-02-28", "2027-02-27")]
    [InlineData("2027-12-31T23:30:00+00:00", "2027-12-31", "2027-12-30")] // 07:30 on New Year's Day in Beijing
    [InlineData("2028-01-01T03:59:59+00:00", "2027-12-31", "2027-12-30")] // 11:59:59 in Beijing
    [InlineData("2028-01-01T04:00:00+00:00", "2027-12-31", "2027-12-31")] // 12:00 in Beijing
    [InlineData("2028-02-29T11:59:59+08:00", "2028-02-28", "2028-02-27")]
    [InlineData("2028-02-29T12:00:00+08:00", "2028-02-28", "2028-02-28")]
    [InlineData("2028-03-01T12:00:00+08:00", "2028-02-29", "2028-02-29")]
    public void PublishRule_AnalysisReadsThroughYesterday_DiagnosisShowsYesterdayFrom1200(string instant, string analysisThrough, string diagnosisDay)
    {
        var now = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        Assert.Equal(Day(analysisThrough), ContentAnalysisSync.Yesterday(now));
        Assert.Equal(Day(analysisThrough), ContentAnalysisSync.Windows(ItemAnalysis, RunPeriod.Default, now)[0].AvailableThrough(ContentAnalysisSync.Yesterday(now))!.Last);
        Assert.Equal(Day(diagnosisDay), new AuthorDiagnosisOptions().DataDay(now));
        Assert.Equal(Day(diagnosisDay), AuthorDiagnosisWorld.DataDay(now));
    }

    [Theory]
    [InlineData("2027-12-31T23:50:00+08:00", "2028-01-01T00:10:00+08:00", "2028-01-02T00:00:00+08:00")] // published and fetched either side of the Beijing new year
    [InlineData("2027-12-31T20:00:00+00:00", "2027-12-31T23:30:00+00:00", "2028-01-02T00:00:00+08:00")] // both still Dec 31 in UTC
    [InlineData("2028-02-20T10:00:00+08:00", "2028-02-28T09:00:00+08:00", "2028-03-02T00:00:00+08:00")] // 3-day tier across Feb 29
    [InlineData("2027-01-20T10:00:00+08:00", "2027-03-01T01:30:00+08:00", "2027-03-08T00:00:00+08:00")] // weekly tier, fetched on the 1st in Beijing (Feb 28 UTC)
    [InlineData("2027-12-03T20:00:00+08:00", "2028-02-27T09:00:00+08:00", "2028-03-01T20:00:00+08:00")] // the closing fetch, 89 days on, across Feb 29
    public void ItemAnalytics_RefreshTiers_FallOnBeijingMidnights(string published, string fetched, string expectedNext)
    {
        Assert.Equal(
            DateTimeOffset.Parse(expectedNext, CultureInfo.InvariantCulture),
            Refresh.NextDue(DateTimeOffset.Parse(published, CultureInfo.InvariantCulture), DateTimeOffset.Parse(fetched, CultureInfo.InvariantCulture), consecutiveFailures: 0));
    }

    private static void AssertCoverEachDayOnce(List<DayWindow> windows, DateOnly first, DateOnly last)
    {
        Assert.InRange(last, windows[0].First, windows[0].Last);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            Assert.Single(windows, w => w.First <= day && day <= w.Last);
        }
    }

    private static Checkpoint Completed(string scope, string state, DateTimeOffset completedAt) => new("test", "a", scope, state, completedAt, 1);

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Midnight(DateOnly beijingDay) => new(beijingDay.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    private static DateOnly FirstOfMonth(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(instant.UtcDateTime.AddHours(8));
        return new DateOnly(day.Year, day.Month, 1);
    }
}
