using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemAnalytics;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics;

public sealed class RefreshPolicyTests
{
    private static readonly RefreshPolicy Default = new(RefreshPolicy.Parse(new ItemAnalyticsOptions().RefreshTiers, out _)!);

    // Published 2026-11-01 12:00 in Beijing.
    private static readonly DateTimeOffset Published = new(2026, 11, 1, 12, 0, 0, ShanghaiTime.Offset);

    [Fact]
    public void Parse_ReadsTiers_AndNamesWhatIsWrong()
    {
        Assert.Equal([new RefreshTier(7, 1), new RefreshTier(30, 3), new RefreshTier(90, 7)], RefreshPolicy.Parse(" 7:1,30:3 , 90:7", out _));
        Assert.Null(RefreshPolicy.Parse("7:1, 5:2", out var descending));
        Assert.Contains("ascend", descending, StringComparison.Ordinal);
        Assert.Null(RefreshPolicy.Parse("7d:1d", out var malformed));
        Assert.Contains("7d:1d", malformed, StringComparison.Ordinal);
        Assert.Null(RefreshPolicy.Parse("7:0", out _));
        Assert.Null(RefreshPolicy.Parse("", out _));
    }

    [Theory]
    [InlineData(0.5, 1)]    // a young work: tomorrow (Beijing midnight)
    [InlineData(6.9, 1)]
    [InlineData(7.0, 3)]    // 7 to 30 days: every 3 days
    [InlineData(29.9, 3)]
    [InlineData(30.0, 7)]   // 30 to 90 days: weekly
    public void NextDue_FollowsTheTierOfTheWorksAge_OnBeijingMidnights(double ageDays, int everyDays)
    {
        var fetchedAt = Published.AddDays(ageDays);

        var next = Default.NextDue(Published, fetchedAt, 0);

        Assert.Equal(ShanghaiTime.StartOfDay(ShanghaiTime.Day(fetchedAt).AddDays(everyDays)), next);
    }

    [Fact]
    public void NextDue_EndsWithAClosingFetchOnTheLastDayInsideTheHorizon_ThenNever()
    {
        var closing = Published.AddDays(89);

        Assert.Equal(closing, Default.NextDue(Published, Published.AddDays(85), 0));
        Assert.Null(Default.NextDue(Published, closing, 0));
        Assert.Null(Default.NextDue(Published, Published.AddDays(400), 0));
        Assert.Equal(Published.AddDays(-90), Default.HorizonStart(Published));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 7)]
    [InlineData(9, 7)]
    public void NextDue_AfterBilledFailures_BacksOff(int failures, int days)
    {
        var fetchedAt = Published.AddDays(10);

        Assert.Equal(ShanghaiTime.StartOfDay(ShanghaiTime.Day(fetchedAt).AddDays(days)), Default.NextDue(Published, fetchedAt, failures));
    }

    /// <summary>The figure README's cost section is built on: daily runs fetch each work × endpoint 25 times in its life.</summary>
    [Theory]
    [InlineData(10)]
    [InlineData(3)]
    [InlineData(23)]
    public void DailyRuns_FetchEachWorkEndpoint25TimesOverItsLife(int runHour)
    {
        var fetches = 0;
        DateTimeOffset? due = null;
        var first = true;
        for (var day = 0; day <= 120; day++)
        {
            var run = ShanghaiTime.StartOfDay(ShanghaiTime.Day(Published).AddDays(day)).AddHours(runHour);
            var isDue = first ? run > Published && run - Published < TimeSpan.FromDays(90) : due is { } d && d <= run;
            if (isDue)
            {
                fetches++;
                first = false;
                due = Default.NextDue(Published, run, 0);
            }
        }

        Assert.Equal(25, fetches);
        Assert.Null(due);
    }
}
