using DouyinEtl.Configuration;
using DouyinEtl.Daemon;
using Microsoft.Extensions.Configuration;

namespace DouyinEtl.Tests.Configuration;

public sealed class SettingsCheckTests
{
    [Fact]
    public void Sections_AreReadFromTheOptionsClasses()
    {
        Assert.Superset(
            new HashSet<string>(["TikHub", "Accounts", "Sync", "ItemList", "ItemExport", "ItemAnalytics", "ItemAnalysis", "AuthorDiagnosis", "LiveRooms", "Daemon", "Warehouse", "Secrets", "ConnectionStrings"]),
            SettingsCheck.Known.Keys.ToHashSet());
        Assert.Equal(typeof(List<AccountOptions>), SettingsCheck.Known["Accounts"]);
        Assert.Equal(typeof(DaemonOptions), SettingsCheck.Known["daemon"]);
    }

    [Fact]
    public void TheShippedAppsettings_AndAFullConfiguration_HaveNoProblems()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Accounts:0:Id"] = "a",
                ["Accounts:0:CookieFile"] = "/run/secrets/a",
                ["Accounts:0:Enabled"] = "False",
                ["Accounts:1:Name"] = "",
                ["ItemAnalysis:MetricTypes:0"] = "1",
                ["Daemon:Jobs:some-retired-job:Enabled"] = "false",
                ["Daemon:InstanceId"] = "",
                ["TikHub:PricePerCall"] = "0.0008",
                ["Secrets:Directory"] = "/run/secrets/douyin-etl",
                ["ConnectionStrings:Warehouse"] = "Host=db",
            })
            .Build();

        Assert.Empty(SettingsCheck.Problems(configuration));
    }

    [Fact]
    public void NamesThatAreNotOurs_AreLeftAlone()
    {
        // What a container's environment holds besides our settings, and the framework's own sections.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["HOME"] = "/home/app",
            ["HOSTNAME"] = "douyin-etl-7f9c",
            ["KUBERNETES_SERVICE_HOST"] = "10.0.0.1",
            ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
            ["ASPNETCORE_URLS"] = "http://+:8080",
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:Console:FormatterName"] = "json",
            ["Kestrel:Limits:MaxRequestBodySize"] = "10",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317",
            ["SyncThing:Folder"] = "x",
            ["TZ"] = "UTC",
        }).Build();

        Assert.Empty(SettingsCheck.Problems(configuration));
    }

    [Theory]
    [InlineData("Snyc", "Sync")]
    [InlineData("TikHb", "TikHub")]
    [InlineData("Account", "Accounts")]
    [InlineData("ItemAnalytic", "ItemAnalytics")]
    [InlineData("LiveRoom", "LiveRooms")]
    [InlineData("Demon", "Daemon")]
    public void ANearMissOfOurSection_IsNamed(string typed, string meant) => Assert.Equal(meant, SettingsCheck.Nearest(typed, SettingsCheck.Known.Keys));
}
