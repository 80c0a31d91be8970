using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Replay;

/// <summary>
/// A warehouse every job has filled, so that several landed calls map to the same rows: every job at the harness's
/// evening (Beijing), item-list and live-rooms again an hour later (live windows re-read the same day), then every job
/// the next day (content-analysis windows re-read, a new diagnosis day, the per-work daily tier, the export horizon).
/// Both payload shapes are served (Mixed). Tests that change it put it back exactly (that is what they assert).
/// </summary>
public sealed class AllStreamsWarehouseFixture : IAsyncLifetime
{
    public static readonly string[] Jobs = ["item-list", "item-export", "item-analytics", "author-diagnosis", "item-analysis", "live-rooms"];

    internal Harness Harness { get; private set; } = null!;

    internal DateOnly FirstDay { get; private set; }

    public async Task InitializeAsync()
    {
        Harness = await Harness.StartAsync(
            s => (s.ItemsPerAccount, s.Variant) = (60, PayloadVariant.Mixed),
            new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = "100" });
        FirstDay = ShanghaiTime.Day(Harness.Now);
        await RunAsync(Jobs);
        Harness.SetNow(Harness.Now.AddHours(1));
        await RunAsync(["item-list", "live-rooms"]);
        Harness.SetNow(Harness.Now.AddDays(1));
        await RunAsync(Jobs);
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    private async Task RunAsync(IEnumerable<string> jobs)
    {
        foreach (var job in jobs)
        {
            var summary = await Harness.RunAsync(job);
            Assert.True(summary.Outcome == RunOutcome.Succeeded, $"{job} at {Harness.Now:u}: {summary.Outcome} {summary.Error}");
        }
    }
}
