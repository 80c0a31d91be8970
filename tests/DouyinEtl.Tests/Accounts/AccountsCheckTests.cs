using DouyinEtl.Runs;
using DouyinEtl.Upstream;

namespace DouyinEtl.Tests.Accounts;

/// <summary><c>douyin-etl accounts check</c>: one diagnosis call per account, its answer landed and loaded, a line per account and an exit code.</summary>
public sealed class AccountsCheckTests
{
    [Fact]
    public async Task Check_SaysOkExpiredOrNoPermissionPerAccount_Exits2_AndLoadsWhatItPaidFor()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s =>
        {
            s.Accounts = 3;
            s.ExpiredAccounts = ["creator-02"];
            s.NoPermissionAccounts = ["creator-03"];
        });
        foreach (var account in rig.Harness.Sandbox.World.Accounts)
        {
            Assert.Equal(0, await rig.InvokeAsync("accounts", "add", account.Id, "--cookie-file", rig.CookieFileOf(account.Id)));
        }

        var (exitCode, output) = await rig.ChildAsync(null, "accounts", "check");

        Assert.Equal(2, exitCode);
        // The printed result, without the log's warning lines (an account unavailable) around it.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\d:\d\d:\d\d (warn|fail|info):")).ToArray();
        Assert.Equal("creator-01  ok", lines[0]);
        Assert.StartsWith("creator-02  expired        log in again and run: douyin-etl accounts set-cookie creator-02 --cookie-stdin", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("creator-03  no permission  inner status 7", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("1 of 3 account(s) ok (3 call(s), run ", lines[3], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);

        // One paid call each, landed; the good answer loaded like the scheduled job's; the states recorded.
        var harness = rig.Harness;
        Assert.Equal(3, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(
            [("creator-01", 0), ("creator-02", 8), ("creator-03", 7)],
            await harness.QueryAsync<(string, int)>($"SELECT account_id, inner_status FROM raw.api_call WHERE endpoint = '{UpstreamEndpoints.AuthorDiagnosis}' ORDER BY 1"));
        Assert.Equal(5L, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.author_diagnosis WHERE account_id = 'creator-01'"));
        Assert.Equal(
            [("creator-01", "ok"), ("creator-02", "cookie_expired"), ("creator-03", "no_permission")],
            await harness.QueryAsync<(string, string)>("SELECT account_id, state FROM etl.account_status ORDER BY 1"));
        Assert.Equal("accounts-check", await harness.ScalarAsync<string>("SELECT job FROM etl.run"));

        // Only the good one: exit 0.
        var (okExit, okOutput) = await rig.ChildAsync(null, "accounts", "check", "creator-01");
        Assert.Equal(0, okExit);
        Assert.Contains("1 of 1 account(s) ok", okOutput, StringComparison.Ordinal);
        Assert.Equal(64, (await rig.ChildAsync(null, "accounts", "check", "nobody")).ExitCode);
    }

    [Fact]
    public async Task Check_WhenTikHubRefusesTheKey_Exits1WithTheReason()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 1, new Dictionary<string, string?> { ["TikHub:ApiKey"] = "not-the-sandbox-key" });
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));

        var (exitCode, output) = await rig.ChildAsync(null, "accounts", "check");

        Assert.Equal(1, exitCode);
        Assert.Contains("creator-01  not checked", output, StringComparison.Ordinal);
        Assert.Contains("The check could not run: ", output, StringComparison.Ordinal);
        Assert.Contains("401", output, StringComparison.Ordinal);
    }
}
