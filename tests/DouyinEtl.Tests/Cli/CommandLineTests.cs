using DouyinEtl.Cli;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Cli;

/// <summary>The exit codes a CronJob sees, through the real command line, against the sandbox.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Run_AllGood_Exits0()
    {
        await using var sandbox = await Sandbox();
        Assert.Equal(0, await CommandLine.InvokeAsync(await RunArgs(sandbox)));
    }

    [Fact]
    public async Task Run_OneAccountExpired_Exits2()
    {
        await using var sandbox = await Sandbox(expired: ["creator-02"]);
        Assert.Equal(2, await CommandLine.InvokeAsync(await RunArgs(sandbox)));
    }

    [Fact]
    public async Task Run_EveryAccountExpired_Exits2()
    {
        await using var sandbox = await Sandbox(expired: ["creator-01", "creator-02"]);
        Assert.Equal(2, await CommandLine.InvokeAsync(await RunArgs(sandbox)));
    }

    [Fact]
    public async Task Run_DatabaseUnreachable_Exits1()
    {
        await using var sandbox = await Sandbox();
        var args = (await RunArgs(sandbox)).Append("--set").Append("ConnectionStrings:Warehouse=Host=127.0.0.1;Port=1;Username=x;Timeout=2").ToArray();
        Assert.Equal(1, await CommandLine.InvokeAsync(args));
    }

    [Theory]
    [InlineData("TikHub:BaseUrl=not a url")]
    [InlineData("Accounts:0:Id=not an id")]
    [InlineData("Sync:Concurrency=0")]
    [InlineData("ItemList:PageSize=500")]
    [InlineData("Warehouse:RetentionMonths:item_metric_snapshot=0")]
    [InlineData("Warehouse:RetentionMonths:item_metric_snapshot=two years")]
    [InlineData("Warehouse:RetentionMonths:snapshots=24")]
    public async Task Run_BadConfiguration_Exits64(string setting)
    {
        await using var sandbox = await Sandbox();
        Assert.Equal(64, await CommandLine.InvokeAsync([.. await RunArgs(sandbox), "--set", setting]));
    }

    [Theory]
    [InlineData("run", "no-such-job")]
    [InlineData("run", "item-list", "--from", "2026/01/01")]
    [InlineData("run", "item-list", "--account", "nobody")]
    [InlineData("run")]
    [InlineData("frobnicate")]
    public async Task Run_BadCommandLine_Exits64(params string[] command)
    {
        await using var sandbox = await Sandbox();
        var settings = (await RunArgs(sandbox)).Skip(2);
        Assert.Equal(64, await CommandLine.InvokeAsync([.. command, .. settings]));
    }

    [Fact]
    public async Task Migrate_Exits0AndNeedsOnlyTheDatabase()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal(0, await CommandLine.InvokeAsync(["migrate", "--set", $"ConnectionStrings:Warehouse={database}"]));
    }

    private static Task<SandboxServer> Sandbox(List<string>? expired = null) => SandboxServer.StartAsync(new SandboxOptions
    {
        Accounts = 2,
        ItemsPerAccount = 40,
        RequestsPerSecondPerEndpoint = 0,
        RequestsPerSecondPerKey = 0,
        ExpiredAccounts = expired ?? [],
    });

    private static async Task<string[]> RunArgs(SandboxServer sandbox)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = await PostgresServer.CreateDatabaseAsync(),
            ["TikHub:BaseUrl"] = sandbox.BaseUrl,
            ["TikHub:ApiKey"] = sandbox.Options.ApiKey,
            ["TikHub:RequestsPerSecond"] = "1000",
            ["TikHub:RequestsPerSecondPerEndpoint"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < sandbox.World.Accounts.Count; i++)
        {
            settings[$"Accounts:{i}:Id"] = sandbox.World.Accounts[i].Id;
            settings[$"Accounts:{i}:Cookie"] = sandbox.World.Accounts[i].Cookie;
        }

        return ["run", "item-list", .. CliArguments.From(settings)];
    }
}
