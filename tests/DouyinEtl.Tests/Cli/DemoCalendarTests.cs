using System.Globalization;

namespace DouyinEtl.Tests.Cli;

/// <summary>
/// The demo on the days a calendar bug shows: where Beijing and UTC disagree on the day, the month or the year, on Feb 29,
/// and two years after today. Each run starts on an empty warehouse, reaches every job and must find no difference
/// from the sandbox's truth (the mid-month run is <see cref="DemoIsolationTests"/>'s, on the demo's own cluster).
/// </summary>
public sealed class DemoCalendarTests
{
    public static TheoryData<string> Instants() => new()
    {
        "2027-03-01T01:30:00+08:00", // the 1st of a month in Beijing, still Feb 28 in UTC, before the 12:00 publish
        "2027-12-31T23:30:00+00:00", // 2028-01-01 07:30 in Beijing: a new year there, the old one in UTC
        "2028-01-01T00:00:30+08:00", // just after midnight in Beijing: "yesterday" is last year
        "2028-02-29T12:30:00+08:00", // a leap day, just after the 12:00 publish
        TimeProvider.System.GetUtcNow().AddYears(2).ToString("O", CultureInfo.InvariantCulture), // two years after today
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public async Task Demo_AtAPinnedInstant_RunsEveryJob_AndEveryTruthCheckFindsNoDifference(string instant)
    {
        var now = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        await using var production = await DemoRun.ProductionAsync();
        var warehouse = await PostgresServer.CreateDatabaseAsync();

        var (exitCode, output) = await DemoRun.RunAsync(production, now, [.. DemoRun.SmallWorld, "--warehouse", warehouse]);

        DemoRun.AssertEverythingMatched(exitCode, output, now, firstRun: true);
        Assert.Equal(0, production.Decoy.Calls.TotalRequests);
    }
}
