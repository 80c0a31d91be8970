using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using DouyinEtl.Cli;
using DouyinEtl.Notifications;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Accounts;
using Npgsql;

namespace DouyinEtl.Tests.Daemon;

/// <summary>
/// A real <c>douyin-etl daemon</c> process with no account in its configuration, only accounts managed in the warehouse:
/// a cookie replaced and an account added with <c>douyin-etl accounts</c> while it runs are used at its next run, no
/// restart; a person is told when the cookie expires and when it works again; /metrics exports what the alert rules read.
/// </summary>
public sealed class ManagedAccountsDaemonTests
{
    [Fact]
    public async Task ACookieReplacedAndAnAccountAddedWhileTheDaemonRuns_AreUsedAtItsNextRun_AndPeopleAreTold()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Accounts = 2,
            ItemsPerAccount = 40,
            HistoryDays = 60,
            RequestsPerSecondPerKey = 0,
            RequestsPerSecondPerEndpoint = 0,
            Faults = new FaultOptions { TooManyRequestsRate = 0.05, RetryAfterSeconds = 0 },
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        var database = await PostgresServer.CreateDatabaseAsync();
        var secrets = Directory.CreateTempSubdirectory("douyin-etl-daemon-secrets-");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var hookToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Secrets__AccountKey"), key);
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "TikHub__ApiKey"), sandbox.Options.ApiKey);
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Notifications__Sinks__0__Url"), $"{receiver.BaseUrl}/webhook/{hookToken}");
        string[] cli = ["--set", $"ConnectionStrings:Warehouse={database}", "--set", $"Secrets:Directory={secrets.FullName}", "--set", "Logging:LogLevel:Default=Warning"];
        string CookieFile(string cookie)
        {
            var path = Path.Combine(secrets.FullName, "cookie-" + Guid.NewGuid().ToString("N"));
            File.WriteAllText(path, cookie);
            return path;
        }

        Assert.Equal(0, await CommandLine.InvokeAsync(["accounts", "add", "creator-01", "--cookie-file", CookieFile(AccountsCommandTests.DeadCookie), .. cli]));
        var port = FreePort();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Warehouse"] = database,
            ["Secrets__Directory"] = secrets.FullName,
            ["TikHub__BaseUrl"] = sandbox.BaseUrl,
            ["TikHub__RequestsPerSecond"] = "1000",
            ["TikHub__RequestsPerSecondPerEndpoint"] = "1000",
            ["TikHub__RetryBaseDelay"] = "00:00:00.010",
            ["ItemList__HistoryDays"] = "90",
            ["ItemList__RefreshEvery"] = "00:00:00",
            ["ItemList__PageSize"] = "20",
            ["Notifications__Sinks__0__Type"] = "webhook",
            ["Notifications__Sinks__0__Name"] = "ops",
            ["Notifications__RetryDelay"] = "00:00:00.010",
            ["Daemon__Jobs__item-list__Cron"] = "0/2 * * * * ?",
            ["Daemon__Urls"] = $"http://127.0.0.1:{port}",
            ["Daemon__IdleWaitTime"] = "00:00:01",
            ["Daemon__CheckinInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Quartz"] = "Warning",
        };

        await using var daemon = WorkerProcess.Start(environment, "daemon");
        try
        {
            await Eventually(database, "SELECT count(*) FROM etl.notification WHERE kind = 'cookie_expired' AND account_id = 'creator-01'", daemon);
            Assert.Equal("cookie_expired", await ScalarAsync<string>(database, "SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));

            // While it runs: the fresh cookie for creator-01, and a second account.
            var changedAt = await ScalarAsync<long>(database, "SELECT coalesce(max(run_id), 0) FROM etl.run");
            Assert.Equal(0, await CommandLine.InvokeAsync(["accounts", "set-cookie", "creator-01", "--cookie-file", CookieFile(sandbox.World.Accounts[0].Cookie), .. cli]));
            Assert.Equal(0, await CommandLine.InvokeAsync(["accounts", "add", "creator-02", "--name", "第二个", "--cookie-file", CookieFile(sandbox.World.Accounts[1].Cookie), .. cli]));

            await Eventually(database, $"SELECT count(*) FROM etl.run WHERE run_id > {changedAt} AND status = 'succeeded' AND accounts = ARRAY['creator-01', 'creator-02']", daemon);
            Assert.Equal("ok", await ScalarAsync<string>(database, "SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));
            Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM douyin.item WHERE account_id = 'creator-02'") > 0);
            await Eventually(database, "SELECT count(*) FROM etl.notification_delivery d JOIN etl.notification n USING (notification_id) WHERE n.kind = 'account_ok' AND d.status = 'sent'", daemon);
            Assert.False(daemon.HasExited);

            // The webhook heard each change once, from the daemon.
            var kinds = receiver.To("/webhook/").SelectMany(r => r.Json["notifications"]!.AsArray().Select(n => n!["kind"]!.GetValue<string>())).ToList();
            Assert.Equal([NotificationKinds.CookieExpired, NotificationKinds.AccountOk], kinds);

            // /metrics has every series the alert rules read, and the account's state.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var metrics = "";
            var deadline = TimeProvider.System.GetTimestamp();
            while (TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60)
                   && !Regex.IsMatch(metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")), @"douyin_etl_account_state\{[^}]*account=""creator-02""[^}]*state=""ok""[^}]*\} 1"))
            {
                await Task.Delay(500);
            }

            Assert.Matches(@"douyin_etl_account_state\{[^}]*account=""creator-01""[^}]*state=""ok""[^}]*\} 1", metrics);
            Assert.Matches(@"douyin_etl_job_last_run\{[^}]*job_name=""item-list""[^}]*status=""succeeded""[^}]*\} 1", metrics);
            Assert.Matches(@"douyin_etl_stream_staleness_seconds\{[^}]*account=""creator-02""[^}]*stream=""item-list""", metrics);
            foreach (var name in PrometheusRules.MetricNames())
            {
                Assert.Contains(name + "{", metrics, StringComparison.Ordinal);
            }

            foreach (var secret in sandbox.World.Accounts.Select(a => a.Cookie).Append(key).Append(hookToken))
            {
                Assert.DoesNotContain(secret, string.Join('\n', daemon.Output), StringComparison.Ordinal);
            }
        }
        catch (Exception) when (Dump(daemon))
        {
            throw;
        }
        finally
        {
            daemon.Terminate();
            await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
            secrets.Delete(recursive: true);
        }
    }

    private static async Task Eventually(string database, string countSql, WorkerProcess daemon)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(90))
        {
            Assert.False(daemon.HasExited, "the daemon exited");
            try
            {
                if (await ScalarAsync<long>(database, countSql) > 0)
                {
                    return;
                }
            }
            catch (PostgresException)
            {
                // The schema is still being migrated.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"timed out waiting for: {countSql}");
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private static bool Dump(WorkerProcess daemon)
    {
        Console.WriteLine("--- daemon ---\n" + string.Join('\n', daemon.Output.TakeLast(80)));
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
