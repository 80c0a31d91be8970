using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Tests.Configuration;

public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, string?> Valid = TestCredentials.ValidSettings;

    [Fact]
    public void Validate_GoodConfiguration_HasNoFailures() => Assert.Empty(Failures(Valid));

    [Fact]
    public void Validate_EverythingMissing_NamesEachKeyAndHowToSetIt()
    {
        var failures = Failures(new Dictionary<string, string?> { ["TikHub:RequestsPerSecond"] = "0", ["ItemList:PageSize"] = "500" });

        Assert.Contains(failures, f => f.Contains("ConnectionStrings:Warehouse", StringComparison.Ordinal) && f.Contains("ConnectionStrings__Warehouse", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TikHub:ApiKey", StringComparison.Ordinal) && f.Contains("TikHub__ApiKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("TikHub:RequestsPerSecond", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ItemList:PageSize", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AccountWithoutCookieOrWithMissingFile_IsNamed()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Accounts:1:Id"] = "brand-b",
            ["Accounts:2:Id"] = "brand-c",
            ["Accounts:2:CookieFile"] = "/nonexistent/cookie",
            ["Accounts:3:Id"] = "brand-a",
            ["Accounts:3:Cookie"] = "x",
        };

        var failures = Failures(settings);

        Assert.Contains(failures, f => f.StartsWith("Accounts:1:Cookie is missing for account 'brand-b'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("/nonexistent/cookie", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'brand-a' is used by more than one account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_CookieFromASecretFile_IsReadTrimmed()
    {
        var (host, registry, _) = await HostWithCookieFileAsync($"  {TestCredentials.Cookie}\n");
        using (host)
        {
            Assert.Equal(TestCredentials.Cookie, (await registry.LoadAsync(CancellationToken.None)).Single().Cookie);
        }
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("paste-the-cookie-here", "holds a cookie that is not a cookie")]
    public async Task ACookieFileReplacedAfterStartByAPlaceholder_IsRefusedAtTheNextRunWithOneLine(string placeholder, string expected)
    {
        var (host, registry, file) = await HostWithCookieFileAsync(TestCredentials.Cookie);
        using (host)
        {
            File.WriteAllText(file, placeholder);
            var refused = await Assert.ThrowsAsync<DouyinEtl.Accounts.AccountSourceException>(() => registry.LoadAsync(CancellationToken.None));

            Assert.StartsWith($"CookieFile '{file}' of account '{Valid["Accounts:0:Id"]}' {expected}", refused.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A worker host whose one account reads its cookie from a file holding <paramref name="content"/>, validated at start.</summary>
    private static async Task<(IHost Host, AccountRegistry Registry, string File)> HostWithCookieFileAsync(string content)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, content);
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Accounts:0:Cookie"] = null,
            ["Accounts:0:CookieFile"] = file,
            ["ConnectionStrings:Warehouse"] = await PostgresServer.CreateDatabaseAsync(),
        };
        var host = WorkerHost.CreateBuilder(WorkerRole.Jobs, settings).Build();
        Assert.Empty(WorkerHost.Validate(host.Services));
        return (host, host.Services.GetRequiredService<AccountRegistry>(), file);
    }

    [Fact]
    public void Validate_RetentionMonths_NamesTheKeyTheTablesAndTheRange()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Warehouse:RetentionMonths:item_metric_snapshot"] = "24",
            ["Warehouse:RetentionMonths:ITEM_WATCH_TREND"] = "12",
            ["Warehouse:RetentionMonths:item_overview"] = "0",
            ["Warehouse:RetentionMonths:item_export_row"] = "1201",
            ["Warehouse:RetentionMonths:author_diagnosis"] = "-3",
            ["Warehouse:RetentionMonths:live_room_daily"] = "2y",
            ["Warehouse:RetentionMonths:item"] = "12",
        };

        var failures = Failures(settings);

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Warehouse:RetentionMonths:item names no partitioned table", StringComparison.Ordinal) && f.Contains("item_metric_snapshot, item_analysis_fetch", StringComparison.Ordinal));
        foreach (var table in new[] { "item_overview", "item_export_row", "author_diagnosis", "live_room_daily" })
        {
            Assert.Contains(failures, f => f.StartsWith($"Warehouse:RetentionMonths:{table} must be a whole number of months between 1 and 1200", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void RetentionMonths_AreReadWhateverTheCaseOfTheTableName()
    {
        var settings = new Dictionary<string, string?>(Valid) { ["Warehouse:RetentionMonths:ITEM_Metric_Snapshot"] = "24" };
        using var host = WorkerHost.CreateBuilder(WorkerRole.Jobs, settings).Build();

        var options = host.Services.GetRequiredService<IOptions<WarehouseOptions>>().Value;

        Assert.Equal(24, options.RetentionMonthsOf("item_metric_snapshot"));
        Assert.Null(options.RetentionMonthsOf("item_overview"));
    }

    [Theory]
    [InlineData("Sync:BreakerConsecutiveFailures", "-1")]
    [InlineData("Sync:BreakerWindow", "-00:00:01")]
    [InlineData("Sync:BreakerWindow", "01:00:00")]
    public void Validate_BreakerOutOfRange_IsNamed(string key, string value)
    {
        var failures = Failures(new Dictionary<string, string?>(Valid) { [key] = value });

        Assert.Contains(failures, f => f.StartsWith(key + " must be between", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:05:00")]
    public void Validate_ClaimPollEveryOutOfRange_IsNamed(string value)
    {
        var failures = Failures(new Dictionary<string, string?>(Valid) { ["Sync:ClaimPollEvery"] = value });

        Assert.Contains(failures, f => f.StartsWith("Sync:ClaimPollEvery must be between", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        using var host = WorkerHost.CreateBuilder(WorkerRole.Jobs, settings.Concat([new("Accounts", null)])).Build();
        return WorkerHost.Validate(host.Services);
    }
}
