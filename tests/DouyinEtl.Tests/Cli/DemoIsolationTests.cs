using System.Globalization;
using System.Text.RegularExpressions;
using DouyinEtl.Cli;
using DouyinEtl.Demo;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Warehouse;

namespace DouyinEtl.Tests.Cli;

/// <summary>
/// A demo started in a shell holding production settings (warehouse, accounts, TikHub key and URL, secrets directory)
/// touches none of them: it runs on its own sandbox and its own private cluster, and a database given with --warehouse
/// that holds a real account is refused before anything is written.
/// </summary>
public sealed class DemoIsolationTests
{
    [Fact]
    public async Task Demo_InAShellHoldingProductionSettings_RunsOnItsOwnPrivateCluster_AndLeavesProductionUntouched()
    {
        var now = new DateTimeOffset(2027, 6, 15, 10, 0, 0, ShanghaiClock.Offset); // mid-month, before the 12:00 publish
        await using var production = await DemoRun.ProductionAsync();
        var before = await DemoRun.FingerprintAsync(production.ConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), "douyin-etl-tests-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exitCode, output) = await DemoRun.RunAsync(production, now, [.. DemoRun.SmallWorld, "--directory", directory]);
            DemoRun.AssertEverythingMatched(exitCode, output, now, firstRun: true);
            var ignored = Regex.Match(output, "(?m)^Ignoring +(.*) from the environment").Groups[1].Value.Split(", ").ToHashSet();
            Assert.Superset(new HashSet<string> { "Accounts__7__Cookie", "Accounts__7__Id", "ConnectionStrings__Warehouse", "Secrets__Directory", "TikHub__ApiKey", "TikHub__BaseUrl" }, ignored);

            // The printed psql line works for the user who ran the demo: the password comes from the cluster's pgpass file.
            var psql = Regex.Match(output, @"(?m)^Connect:  (PGPASSFILE=\S+ psql ""[^""]+"")$").Groups[1].Value;
            var (psqlExit, psqlOutput) = await ShellAsync($"{psql} -w -A -t -c 'SELECT count(*) FROM douyin.item'");
            Assert.True(psqlExit == 0, psql + "\n" + psqlOutput);
            Assert.True(int.Parse(psqlOutput.Trim(), CultureInfo.InvariantCulture) > 0, psqlOutput);

            // A second demo reuses the cluster and pays nothing for what landed: the item list makes no call.
            var (againExit, again) = await DemoRun.RunAsync(production, now, [.. DemoRun.SmallWorld, "--directory", directory]);
            DemoRun.AssertEverythingMatched(againExit, again, now, firstRun: false);
            Assert.Matches(@"(?m)^item-list: Succeeded .* — 0 calls,", again);

            Assert.Equal(before, await DemoRun.FingerprintAsync(production.ConnectionString));
            Assert.Equal(0, production.Decoy.Calls.TotalRequests);
        }
        finally
        {
            await StopAndRemoveAsync(directory);
        }
    }

    [Theory]
    [InlineData("brand-a", "Brand A")]
    [InlineData("creator-01", "Brand A")] // a production account whose id happens to look like a sandbox one
    public async Task Demo_WithAWarehouseHoldingAnAccountThatIsNotTheSandboxs_IsRefused_AndChangesNothing(string accountId, string name)
    {
        await using var production = await DemoRun.ProductionAsync(accountId, name);
        var before = await DemoRun.FingerprintAsync(production.ConnectionString);

        var (exitCode, output) = await DemoRun.RunAsync(production, Harness.DefaultNow, [.. DemoRun.SmallWorld, "--warehouse", production.ConnectionString]);

        Assert.True(exitCode == 64, $"exit {exitCode}\n{output}");
        Assert.Contains($"holds account '{accountId}'", output, StringComparison.Ordinal);
        Assert.Equal(before, await DemoRun.FingerprintAsync(production.ConnectionString));
    }

    [Theory]
    [InlineData("ConnectionStrings:Warehouse=Host=db;Database=douyin")]
    [InlineData("Accounts:0:Cookie=sessionid=x")]
    [InlineData("TikHub:ApiKey=key")]
    [InlineData("tikhub:baseurl=https://api.tikhub.io")]
    [InlineData("Secrets:Directory=/run/secrets")]
    public async Task Demo_SetOfAWarehouseAccountKeyOrSecrets_IsRefused(string setting) =>
        Assert.Equal(64, await DemoProgram.InvokeAsync(["demo", "--set", setting]));

    private static async Task StopAndRemoveAsync(string directory)
    {
        if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
        {
            var postgres = await LocalPostgres.StartAsync(directory, durable: true, CancellationToken.None);
            await postgres.StopAsync(CancellationToken.None);
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> ShellAsync(string command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", command + " 2>&1"]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
