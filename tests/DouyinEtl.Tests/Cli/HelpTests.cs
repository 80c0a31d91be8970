
namespace DouyinEtl.Tests.Cli;

/// <summary>What a newcomer sees first, from the built executable.</summary>
public sealed class HelpTests
{
    [Fact]
    public async Task Help_ListsEveryCommandTheSettingsToProvideAndTheExitCodes()
    {
        var (exitCode, output) = await WorkerProcess.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromSeconds(30), "--help");

        Assert.Equal(0, exitCode);
        foreach (var expected in new[] { "run", "daemon", "status", "replay", "migrate", "demo", "TikHub__ApiKey", "ConnectionStrings__Warehouse", "Accounts__0__Cookie", "Secrets__Directory", "accounts add", "Secrets__AccountKey", "Exit codes", "--set" })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run", "--account")]
    [InlineData("replay", "--stream")]
    [InlineData("status", "--json")]
    [InlineData("daemon", "/health/ready")]
    [InlineData("demo", "--warehouse")]
    [InlineData("accounts", "set-cookie")]
    [InlineData("accounts", "Secrets:AccountKey")]
    public async Task CommandHelp_ExplainsItsOptions(string command, string expected)
    {
        var (exitCode, output) = await WorkerProcess.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromSeconds(30), command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
