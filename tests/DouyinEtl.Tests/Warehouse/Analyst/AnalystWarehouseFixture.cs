using DouyinEtl.Sync;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>
/// A warehouse with a week of history, loaded by running the item-list job against the sandbox at these moments, the
/// way an hourly schedule with outages would: two runs on the evening of Nov 20 (Beijing), one just after midnight,
/// one late on Nov 21, nothing on Nov 22, then Nov 23 and 24, nothing until Nov 28. From Nov 23 on, one account's
/// cookie has expired, so its works stop being measured and the pipeline records the problem. The live history is
/// read too (live-rooms, the last 30 days) after the first and the last item-list run.
/// Built once and only read by the tests that share it.
/// </summary>
public sealed class AnalystWarehouseFixture : IAsyncLifetime
{
    public const string ExpiredAccount = "creator-03";

    public static readonly DateTimeOffset[] RunTimes =
    [
        new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero), // Nov 20 18:30 Beijing: first full sync
        new(2026, 11, 20, 15, 30, 0, TimeSpan.Zero), // Nov 20 23:30 Beijing: the day's last snapshot
        new(2026, 11, 20, 17, 30, 0, TimeSpan.Zero), // Nov 21 01:30 Beijing, still Nov 20 in UTC
        new(2026, 11, 21, 15, 30, 0, TimeSpan.Zero), // Nov 21 23:30 Beijing
        new(2026, 11, 23, 15, 30, 0, TimeSpan.Zero), // Nov 23 23:30 Beijing, after a day without runs; cookie expired from here
        new(2026, 11, 24, 4, 30, 0, TimeSpan.Zero),  // Nov 24 12:30 Beijing
        new(2026, 11, 28, 4, 30, 0, TimeSpan.Zero),  // Nov 28 12:30 Beijing, after three days without runs
    ];

    private const int FirstRunWithExpiredCookie = 4;

    internal Harness Harness { get; private set; } = null!;

    internal List<RunSummary> Runs { get; } = [];

    public async Task InitializeAsync()
    {
        Harness = await Harness.StartAsync(s => s.ItemsPerAccount = 400, new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = "30" });
        for (var i = 0; i < RunTimes.Length; i++)
        {
            if (i == FirstRunWithExpiredCookie)
            {
                Harness.Sandbox.Options.ExpiredAccounts = [ExpiredAccount];
            }

            Harness.SetNow(RunTimes[i]);
            Runs.Add(await Harness.RunAsync());
            if (i == 0 || i == RunTimes.Length - 1)
            {
                Runs.Add(await Harness.RunAsync("live-rooms"));
            }
        }
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AnalystWarehouseCollection : ICollectionFixture<AnalystWarehouseFixture>
{
    public const string Name = "analyst warehouse";
}
