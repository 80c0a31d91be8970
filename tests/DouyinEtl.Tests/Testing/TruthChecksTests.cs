using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Testing;

/// <summary>The truth checks the tests assert and the demo prints count what differs: they can fail.</summary>
public sealed class TruthChecksTests
{
    [Fact]
    public async Task CompareItems_WorksLandedLessOrOtherwiseThanTheSandbox_CountsEachDifference()
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.ItemsPerAccount) = (1, 120));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        var world = harness.Sandbox.World;
        Assert.Equal(0, (await WarehouseTruth.CompareItemsAsync(harness.ConnectionString, world, harness.Now, harness.Now)).Count);

        var later = harness.Now.AddDays(90);
        var earlier = harness.Now.AddDays(-90);
        var changed = await harness.ScalarAsync<string>(
            "UPDATE douyin.item SET title = 'not the sandbox''s' WHERE item_id = (SELECT min(item_id) FROM douyin.item WHERE publish_time < @earlier) RETURNING item_id",
            new { earlier = earlier.UtcDateTime });
        var differences = await WarehouseTruth.CompareItemsAsync(harness.ConnectionString, world, publishedBy: later, now: earlier);

        Assert.Equal([$"{changed}: title"], differences.Wrong.Where(w => w.StartsWith(changed + ":", StringComparison.Ordinal)));
        Assert.Equal(Ids(world.AllVisibleItems(later)).Except(Ids(world.AllVisibleItems(harness.Now))).Order(StringComparer.Ordinal), differences.Missing.Order(StringComparer.Ordinal));
        Assert.Equal(Ids(world.AllVisibleItems(harness.Now)).Except(Ids(world.AllVisibleItems(earlier))).Order(StringComparer.Ordinal), differences.Unknown.Order(StringComparer.Ordinal));
        Assert.True(differences.Missing.Count > 0 && differences.Unknown.Count > 0, differences.ToString());
    }

    [Fact]
    public async Task CompareExport_ValueChangedOrRowGone_CountsEachDifference()
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.ItemsPerAccount) = (1, 40));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("item-export")).Outcome);
        var export = (await ExportTruth.ServedAsync(harness)).First();
        Assert.Empty(ExportTruth.Compare(export, await ExportTruth.LandedAsync(harness), allowUnmatched: false));

        var (changed, gone) = (export.Sheet.Rows[0].SheetRow, export.Sheet.Rows[1].SheetRow);
        await harness.ScalarAsync<int>(
            "UPDATE douyin.item_export_row SET like_count = coalesce(like_count, 0) + 1 WHERE source_call_id = @CallId AND sheet_row = @changed RETURNING sheet_row",
            new { export.CallId, changed });
        var landed = (await ExportTruth.LandedAsync(harness)).Where(r => r.SheetRow != gone).ToList();
        var differences = ExportTruth.Compare(export, landed, allowUnmatched: false);

        Assert.Collection(
            differences,
            d => Assert.Equal($"({export.AccountId}) served {export.Sheet.Rows.Count} rows, landed {export.Sheet.Rows.Count - 1}", d.What),
            d => Assert.Equal((changed, "like_count"), (d.SheetRow, d.What.Split(' ')[0])),
            d => Assert.Equal((gone, "did"), (d.SheetRow, d.What.Split(' ')[0])));
        Assert.DoesNotContain(differences, d => d.WrongWork);
    }

    private static IEnumerable<string> Ids(IEnumerable<DouyinEtl.Sandbox.World.SandboxItem> items) => items.Select(i => i.Id);
}
