using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;
using DouyinEtl.Tests.Infrastructure;

namespace DouyinEtl.Tests.Streams.ItemExport;

public sealed class ItemExportEndToEndTests
{
    private const string Job = "item-export";

    [Fact]
    public async Task Run_AfterItemList_EveryServedRowLandsOnItsWorkWithItsTypedValues()
    {
        await using var harness = await Harness.StartAsync(s => s.Variant = PayloadVariant.Mixed);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var served = await ExportTruth.ServedAsync(harness);
        var landed = await ExportTruth.LandedAsync(harness);
        Assert.NotEmpty(served);
        foreach (var export in served)
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        // Every work of every account is in today's export exactly once.
        var works = harness.Sandbox.World.AllVisibleItems(harness.Now).Select(i => i.Id).Order().ToList();
        Assert.Equal(works, served.SelectMany(s => s.Sheet.Rows).Select(r => r.Item.Id).Order().ToList());
        Assert.Equal(works.Count, landed.Count);
        Assert.True(landed.Count(r => r.MatchStatus == "matched") > works.Count * 0.95);
    }
}
