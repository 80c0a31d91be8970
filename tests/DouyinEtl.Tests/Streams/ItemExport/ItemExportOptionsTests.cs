using DouyinEtl.Hosting;
using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.Tests.Streams.ItemExport;

public sealed class ItemExportOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid() => Assert.True(new ItemExportOptionsValidator().Validate(null, new ItemExportOptions()).Succeeded);

    [Fact]
    public void Validate_EachWrongSetting_IsNamedWithItsValue()
    {
        var options = new ItemExportOptions { HistoryDays = 0, RefreshDays = 5, MaxRowsPerExport = 5000, PlannedWorksPerWindow = 6000, TypeFilters = "1,6,x" };

        var failures = new ItemExportOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("ItemExport:HistoryDays", StringComparison.Ordinal) && f.Contains("got 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ItemExport:RefreshDays", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ItemExport:MaxRowsPerExport", StringComparison.Ordinal) && f.Contains("5000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ItemExport:PlannedWorksPerWindow", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ItemExport:TypeFilters", StringComparison.Ordinal) && f.Contains("'1,6,x'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AtStart_StopsTheWorkerWithTheKey()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = "Host=127.0.0.1;Database=x;Username=u",
            ["TikHub:ApiKey"] = "key",
            ["Accounts:0:Id"] = "brand-a",
            ["Accounts:0:Cookie"] = TestCredentials.Cookie,
            ["ItemExport:TypeFilters"] = "7",
        };
        using var host = WorkerHost.CreateBuilder(WorkerRole.Jobs, settings).Build();

        Assert.Contains(WorkerHost.Validate(host.Services), f => f.StartsWith("ItemExport:TypeFilters", StringComparison.Ordinal));
    }

    [Fact]
    public void TypeFilterCodes_ReadsTheCommaList() => Assert.Equal([1, 2, 5], new ItemExportOptions { TypeFilters = " 1, 2 ,5" }.TypeFilterCodes());
}
