using System.Text;
using DouyinEtl.Accounts;
using DouyinEtl.Runs;
using DouyinEtl.Tests.Reliability;
using Npgsql;

namespace DouyinEtl.Tests.Accounts;

/// <summary>
/// <c>douyin-etl accounts …</c> through the real command line against PostgreSQL and the sandbox, with no account in the
/// configuration at all: what each verb leaves in the warehouse and what the next run does with it.
/// </summary>
public sealed class AccountsCommandTests
{
    /// <summary>A cookie of the right form that the sandbox knows for nobody: TikHub answers "not logged in" (inner status 8).</summary>
    internal const string DeadCookie = "sessionid=00000000000000000000000000000000; sid_tt=00000000000000000000000000000000";

    [Fact]
    public async Task AddSetCookieDisableEnableRemove_EachTakesEffectAtTheNextRun_AndOnlyCiphertextIsStored()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 2);
        var harness = rig.Harness;
        var world = harness.Sandbox.World;

        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--name", "品牌A", "--cookie-file", rig.CookieFileOf("creator-01")));
        var (added, output) = await rig.ChildAsync(world.FindById("creator-02")!.Cookie + "\n", "accounts", "add", "creator-02", "--cookie-stdin");
        Assert.Equal(0, added);
        Assert.Contains("Added account creator-02 (creator-02), cookie encrypted with key id", output, StringComparison.Ordinal);

        // Only ciphertext in the table: no cookie, no value of one, no 16-character piece of one — nor the key.
        var scan = new SecretScan(world.Accounts.Select(a => a.Cookie), [rig.Key]);
        var (leaking, rows) = await scan.ScanDatabaseAsync(harness.ConnectionString, "etl");
        Assert.Empty(leaking);
        var stored = await harness.QueryAsync<(string Id, string Name, byte[] Ciphertext, byte[] Nonce, string KeyId)>(
            "SELECT account_id, display_name, cookie_ciphertext, cookie_nonce, cookie_key_id FROM etl.managed_account ORDER BY 1");
        Assert.Equal([("creator-01", "品牌A"), ("creator-02", "creator-02")], stored.Select(s => (s.Id, s.Name)));
        Assert.All(stored, s => Assert.Equal(AccountKeyRing.KeyIdOf(Convert.FromBase64String(rig.Key)), s.KeyId));
        foreach (var (account, row) in world.Accounts.Zip(stored))
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(account.Cookie), row.Ciphertext.Length);
            Assert.False(row.Ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(account.Cookie.Split('=')[1][..8])) >= 0, "ciphertext holds cookie bytes");
        }

        Assert.NotEqual(stored[0].Nonce, stored[1].Nonce);

        // A run with only warehouse accounts: both loaded.
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal(["creator-01", "creator-02"], await LastRunAccountsAsync(harness));
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(DISTINCT account_id) FROM douyin.item"));
        Assert.Equal("品牌A", await harness.ScalarAsync<string>("SELECT display_name FROM douyin.account WHERE account_id = 'creator-01'"));

        Assert.Equal(0, await rig.InvokeAsync("accounts", "disable", "creator-02"));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal(["creator-01"], await LastRunAccountsAsync(harness));

        Assert.Equal(0, await rig.InvokeAsync("accounts", "enable", "creator-02"));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal(["creator-01", "creator-02"], await LastRunAccountsAsync(harness));

        // Remove: no longer synced, history kept.
        var items = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item WHERE account_id = 'creator-02'");
        Assert.Equal(0, await rig.InvokeAsync("accounts", "remove", "creator-02"));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal(["creator-01"], await LastRunAccountsAsync(harness));
        Assert.Equal(items, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item WHERE account_id = 'creator-02'"));
        Assert.Equal(1L, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.account WHERE account_id = 'creator-02'"));
        Assert.Equal(["creator-01"], await harness.QueryAsync<string>("SELECT account_id FROM etl.managed_account"));

        // A dead cookie: the run is partly failed for it (exit 2: the pipeline works, the account needs its owner, even
        // when it was the only one); the fresh one works at the next run.
        Assert.Equal(0, await rig.InvokeAsync("accounts", "set-cookie", "creator-01", "--cookie-file", rig.File(DeadCookie)));
        harness.SetNow(harness.Now.AddHours(1));
        Assert.Equal(2, (await rig.ChildAsync(null, "run", "item-list")).ExitCode);
        Assert.Equal("cookie_expired", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));
        Assert.Equal(0, await rig.InvokeAsync("accounts", "set-cookie", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Equal("ok", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));

        var (listed, list) = await rig.ChildAsync(null, "accounts", "list");
        Assert.Equal(0, listed);
        Assert.Contains("creator-01", list, StringComparison.Ordinal);
        Assert.Contains("warehouse", list, StringComparison.Ordinal);
        Assert.Contains("ok since", list, StringComparison.Ordinal);
        Assert.DoesNotContain("creator-02", list, StringComparison.Ordinal);
        Assert.False(scan.Leaks(output + list + harness.Logs.All), "a cookie or the key was printed or logged");
        Assert.Empty((await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin")).Leaking);
        Assert.True(rows > 0);
    }

    [Theory]
    [InlineData("accounts", "add", "creator-01")]
    [InlineData("accounts", "set-cookie", "nobody", "--cookie-file", "{good}")]
    [InlineData("accounts", "set-cookie", "creator-01")]
    [InlineData("accounts", "set-cookie", "creator-01", "--cookie-file", "{short}")]
    [InlineData("accounts", "set-cookie", "creator-01", "--cookie-file", "{notacookie}")]
    [InlineData("accounts", "set-cookie", "creator-01", "--cookie-file", "{good}", "--cookie-stdin")]
    [InlineData("accounts", "set-cookie", "creator-01", "--cookie-file", "/nonexistent/cookie")]
    [InlineData("accounts", "add", "creator/02", "--cookie-file", "{good}")]
    [InlineData("accounts", "disable", "nobody")]
    [InlineData("accounts", "remove", "nobody")]
    [InlineData("run", "item-list", "--account", "creator-02")]
    public async Task AMistake_Exits64_AndChangesNothing(params string[] command)
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 1);
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        var before = await rig.Harness.QueryAsync<string>("SELECT to_jsonb(m)::text FROM etl.managed_account m");
        var files = new Dictionary<string, string>
        {
            ["{good}"] = rig.CookieFileOf("creator-01"),
            ["{short}"] = rig.File("sessionid=abc"),
            ["{notacookie}"] = rig.File("REPLACE-WITH-THE-CREATOR-CENTER-COOKIE-OF-BRAND-A"),
        };

        Assert.Equal(64, await rig.InvokeAsync([.. command.Select(c => files.GetValueOrDefault(c, c))]));

        Assert.Equal(before, await rig.Harness.QueryAsync<string>("SELECT to_jsonb(m)::text FROM etl.managed_account m"));
        Assert.Equal(0, rig.Harness.Sandbox.Calls.TotalRequests);
    }

    [Fact]
    public async Task AWrongKey_IsOneLineNamingTheAccountAndKeyId_Exit64_AndTheFailedRunIsRecorded()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 1);
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        var rightKeyId = AccountKeyRing.KeyIdOf(Convert.FromBase64String(rig.Key));
        var wrongKey = ManagedAccountsRig.NewKey();
        await File.WriteAllTextAsync(Path.Combine(rig.Secrets.FullName, "Secrets__AccountKey"), wrongKey);

        var (exitCode, output) = await rig.ChildAsync(null, "run", "item-list");

        Assert.Equal(64, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Account 'creator-01': its cookie is encrypted with key id {rightKeyId}, which this process does not have (Secrets:AccountKey is key id {AccountKeyRing.KeyIdOf(Convert.FromBase64String(wrongKey))})", line, StringComparison.Ordinal);
        Assert.False(new SecretScan([rig.Harness.Sandbox.World.Accounts[0].Cookie], [rig.Key, wrongKey]).Leaks(output));
        Assert.Equal(0, rig.Harness.Sandbox.Calls.TotalRequests);
        var run = Assert.Single(await rig.Harness.QueryAsync<(string Status, string Error)>("SELECT status, error FROM etl.run"));
        Assert.Equal(("failed", line), run);

        // The daemon refuses to start with it (exit 64: systemd's RestartPreventExitStatus keeps it from a restart loop).
        var (daemonExit, daemonOutput) = await rig.ChildAsync(null, "daemon");
        Assert.Equal(64, daemonExit);
        Assert.Contains($"key id {rightKeyId}", daemonOutput, StringComparison.Ordinal);

        // A ciphertext copied onto another account does not open: the account id is the associated data.
        await File.WriteAllTextAsync(Path.Combine(rig.Secrets.FullName, "Secrets__AccountKey"), rig.Key);
        await rig.Harness.ScalarAsync<int>("""
            INSERT INTO etl.managed_account (account_id, display_name, cookie_key_id, cookie_nonce, cookie_ciphertext, cookie_tag, cookie_set_at, created_at, updated_at)
            SELECT 'creator-02', 'copy', cookie_key_id, cookie_nonce, cookie_ciphertext, cookie_tag, cookie_set_at, created_at, updated_at FROM etl.managed_account
            RETURNING 1
            """);
        var (copiedExit, copied) = await rig.ChildAsync(null, "run", "item-list");
        Assert.Equal(64, copiedExit);
        Assert.StartsWith($"Account 'creator-02': its stored cookie does not decrypt with key id {rightKeyId}", copied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rekey_MovesEveryCookieToTheNewKey_AfterWhichTheOldKeyIsNotNeeded()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 2);
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-02", "--cookie-file", rig.CookieFileOf("creator-02")));
        var newKey = ManagedAccountsRig.NewKey();
        await File.WriteAllTextAsync(Path.Combine(rig.Secrets.FullName, "Secrets__AccountKey"), newKey);
        await File.WriteAllTextAsync(Path.Combine(rig.Secrets.FullName, "Secrets__PreviousAccountKeys"), rig.Key);

        // Before the rekey the old key still opens the cookies: runs go on during a rotation.
        Assert.Equal(RunOutcome.Succeeded, (await rig.Harness.RunAsync("author-diagnosis")).Outcome);
        var (exitCode, output) = await rig.ChildAsync(null, "accounts", "rekey");
        Assert.Equal(0, exitCode);
        Assert.Contains("Re-encrypted 2 cookie(s) with key id " + AccountKeyRing.KeyIdOf(Convert.FromBase64String(newKey)), output, StringComparison.Ordinal);
        Assert.Equal(
            [AccountKeyRing.KeyIdOf(Convert.FromBase64String(newKey))],
            await rig.Harness.QueryAsync<string>("SELECT DISTINCT cookie_key_id FROM etl.managed_account"));

        File.Delete(Path.Combine(rig.Secrets.FullName, "Secrets__PreviousAccountKeys"));
        Assert.Equal(RunOutcome.Succeeded, (await rig.Harness.RunAsync()).Outcome);
        Assert.Equal(["creator-01", "creator-02"], await LastRunAccountsAsync(rig.Harness));
    }

    [Fact]
    public async Task AnIdInBothSources_Exits64NamingIt_AndStatusShowsWhereEachAccountComesFrom()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 2);
        var creator01 = rig.Harness.Sandbox.World.FindById("creator-01")!;
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-02", "--cookie-file", rig.CookieFileOf("creator-02")));
        var configured = new[] { "--set", "Accounts:0:Id=creator-01", "--set", $"Accounts:0:CookieFile={rig.CookieFileOf("creator-01")}" };

        // Both sources merge: a configured account and a managed one in one run.
        Assert.Equal(0, (await rig.ChildAsync(null, ["run", "item-list", .. configured])).ExitCode);
        Assert.Equal(["creator-01", "creator-02"], await LastRunAccountsAsync(rig.Harness));
        var (statusExit, status) = await rig.ChildAsync(null, ["status", .. configured]);
        Assert.Equal(0, statusExit);
        var sources = status[status.IndexOf("Where each account comes from", StringComparison.Ordinal)..];
        Assert.Matches(@"creator-01 +creator-01 +configuration \(Accounts:0\) +yes +file ", sources);
        Assert.Matches(@"creator-02 +creator-02 +warehouse +yes +encrypted, set ", sources);

        // The same id in both: refused, naming it.
        Assert.Equal(64, await rig.InvokeAsync(["accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01"), .. configured]));
        var clash = new[] { "--set", "Accounts:0:Id=creator-02", "--set", $"Accounts:0:CookieFile={rig.CookieFileOf("creator-02")}" };
        var (exitCode, output) = await rig.ChildAsync(null, ["run", "item-list", .. clash]);
        Assert.Equal(64, exitCode);
        Assert.Equal(
            "Account 'creator-02' is both in the configuration (Accounts:0) and managed in the warehouse: keep one — delete it from the configuration, or run `douyin-etl accounts remove creator-02`.",
            output.Trim());
        Assert.DoesNotContain(creator01.Cookie, status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAnalystRole_CannotReadTheManagedAccountsOrTheNotifications()
    {
        await using var rig = await ManagedAccountsRig.StartAsync(s => s.Accounts = 1);
        Assert.Equal(0, await rig.InvokeAsync("accounts", "add", "creator-01", "--cookie-file", rig.CookieFileOf("creator-01")));
        await using var analyst = await AnalystLogin.CreateAsync(rig.Harness.ConnectionString);
        await using var connection = await analyst.OpenAsync();

        foreach (var table in new[] { "etl.managed_account", "etl.notification", "etl.notification_delivery", "etl.notification_state" })
        {
            await using var command = new NpgsqlCommand($"SELECT * FROM {table}", connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // What analysts may know about accounts stays readable.
        await using var allowed = new NpgsqlCommand("SELECT count(*) FROM douyin.pipeline_account_status", connection);
        Assert.Equal(0L, (long)(await allowed.ExecuteScalarAsync())!);
    }

    private static Task<List<string>> LastRunAccountsAsync(Harness harness) =>
        harness.QueryAsync<string>("SELECT unnest(accounts) FROM etl.run WHERE run_id = (SELECT max(run_id) FROM etl.run) ORDER BY 1");
}
