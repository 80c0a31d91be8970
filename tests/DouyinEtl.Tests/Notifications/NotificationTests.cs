using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Notifications;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Reliability;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Notifications;

/// <summary>
/// Notifications reach people once per state change, not once per run: through runs of the real job runner against the
/// sandbox, with five sinks on a local receiver that answers like the real services (signatures checked).
/// </summary>
public sealed class NotificationTests
{
    [Fact]
    public async Task CookieExpiredThenBack_ReachesEverySinkOncePerChange_InItsDocumentedShape()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var sinks = new SinkReceivers(receiver);
        await using var harness = await Harness.StartAsync(settings: WithHttpClientTrace(sinks.Settings()));

        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        Assert.Empty(receiver.Requests);

        harness.Sandbox.State.Options.ExpiredAccounts = ["creator-03"];
        for (var run = 0; run < 3; run++)
        {
            harness.SetNow(harness.Now.AddHours(1));
            Assert.Equal(RunOutcome.PartlyFailed, (await harness.RunAsync()).Outcome);
        }

        var name = harness.Sandbox.World.Accounts[2].Name;
        Assert.Equal([(NotificationKinds.CookieExpired, $"Cookie expired: account creator-03 ({name})", "creator-03")], sinks.WebhookNotifications());
        foreach (var (sink, texts) in sinks.ChatTexts())
        {
            var text = Assert.Single(texts);
            Assert.Contains("[critical] Cookie expired: account creator-03", text, StringComparison.Ordinal);
            Assert.Contains("Accounts:N:Cookie", text, StringComparison.Ordinal);
        }

        harness.Sandbox.State.Options.ExpiredAccounts = [];
        harness.SetNow(harness.Now.AddHours(1));
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);
        harness.SetNow(harness.Now.AddHours(1));
        await harness.RunAsync();

        Assert.Equal([NotificationKinds.CookieExpired, NotificationKinds.AccountOk], sinks.WebhookNotifications().Select(n => n.Kind));
        foreach (var (sink, texts) in sinks.ChatTexts())
        {
            Assert.Equal(2, texts.Count);
            Assert.Contains($"[resolved] Account creator-03 ({name}) works again", texts[1], StringComparison.Ordinal);
        }

        var deliveries = await harness.QueryAsync<(string Sink, string Status, int Attempts)>("SELECT sink, status, attempts FROM etl.notification_delivery ORDER BY 1, notification_id");
        Assert.Equal(10, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(("sent", 1), (d.Status, d.Attempts)));
        Assert.Equal(["dingtalk-2", "feishu-1", "ops-webhook", "slack-4", "wecom-3"], deliveries.Select(d => d.Sink).Distinct());

        var scan = new SecretScan(harness.Sandbox.World.Accounts.Select(a => a.Cookie), [harness.Sandbox.Options.ApiKey, .. sinks.Secrets]);
        Assert.False(scan.Leaks(harness.Logs.All), "a log line holds a cookie, the key or a sink's URL token or secret");
        Assert.DoesNotContain(receiver.Requests, r => scan.Leaks(r.Body + string.Join('\n', r.Headers.Values)));
        Assert.Empty((await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin")).Leaking);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Sent 1 notification(s) to ops-webhook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedRunsSpentBudgetsAndStaleStreams_AreToldOncePerChange()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var sinks = new SinkReceivers(receiver);
        var settings = sinks.Settings().Where(s => s.Key.StartsWith("Notifications:Sinks:0:", StringComparison.Ordinal) || !s.Key.StartsWith("Notifications:Sinks:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        await using var harness = await Harness.StartAsync(settings: settings);
        var kinds = () => sinks.WebhookNotifications().Select(n => (n.Kind, n.Title)).ToList();
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);

        // Every call answered 500: the run fails as a whole, twice; told once. Then it recovers.
        harness.Sandbox.State.SetFaults(new FaultOptions { ServerErrorRate = 1 });
        var failing = new Dictionary<string, string?> { ["TikHub:MaxRetries"] = "0", ["ItemList:RefreshEvery"] = "00:00:00" };
        var failed = await harness.RunAsync(settings: failing);
        Assert.Equal(RunOutcome.Failed, failed.Outcome);
        Assert.Equal(RunOutcome.Failed, (await harness.RunAsync(settings: failing)).Outcome);
        harness.Sandbox.State.SetFaults(new FaultOptions());
        var recovered = await harness.RunAsync(settings: failing);
        Assert.Equal(RunOutcome.Succeeded, recovered.Outcome);
        Assert.Equal([(NotificationKinds.RunFailed, $"Run failed: item-list (run #{failed.RunId})"), (NotificationKinds.RunOk, $"item-list runs succeed again (run #{recovered.RunId})")], kinds());

        // A budget of 2 calls, spent twice in a row: told once; a run within budget resets it silently; spent again: told again.
        var tight = new Dictionary<string, string?> { ["Sync:MaxCallsPerRun"] = "2", ["ItemList:RefreshEvery"] = "00:00:00" };
        var spent = await harness.RunAsync(settings: tight);
        Assert.True(spent.BudgetExhausted);
        await harness.RunAsync(settings: tight);
        await harness.RunAsync(settings: failing);
        var spentAgain = await harness.RunAsync(settings: tight);
        Assert.Equal(
            [(NotificationKinds.BudgetSpent, $"Call budget spent: item-list (run #{spent.RunId})"), (NotificationKinds.BudgetSpent, $"Call budget spent: item-list (run #{spentAgain.RunId})")],
            kinds().Skip(2));

        // 26 hours without item-list: a run of another job sees item-list stale for every account, once; item-list freshens them.
        harness.SetNow(harness.Now.AddHours(26));
        await harness.RunAsync("author-diagnosis");
        await harness.RunAsync("author-diagnosis");
        Assert.Equal(
            ["creator-01", "creator-02", "creator-03"],
            sinks.WebhookNotifications().Skip(4).Where(n => n.Kind == NotificationKinds.StreamStale && n.Title.StartsWith("Stale: item-list", StringComparison.Ordinal)).Select(n => n.AccountId).Order());
        Assert.Equal(7, kinds().Count);
        await harness.RunAsync();
        Assert.Equal(
            ["creator-01", "creator-02", "creator-03"],
            sinks.WebhookNotifications().Skip(7).Where(n => n.Kind == NotificationKinds.StreamFresh).Select(n => n.AccountId).Order());
        Assert.Equal(10, kinds().Count);
    }

    [Fact]
    public async Task AFailingSink_IsRetriedAndRecorded_NeverFailsTheRun_AndALaterRunDeliversIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var sinks = new SinkReceivers(receiver);
        var settings = WithHttpClientTrace(new()
        {
            ["Notifications:Retries"] = "2",
            ["Notifications:RetryDelay"] = "00:00:00.010",
            ["Notifications:Sinks:0:Type"] = "dingtalk",
            ["Notifications:Sinks:0:Name"] = "ops-dingtalk",
            ["Notifications:Sinks:0:Url"] = $"{receiver.BaseUrl}/dingtalk/robot/send?access_token={sinks.DingTalkToken}",
            ["Notifications:Sinks:0:Secret"] = SinkReceivers.DingTalkSecret,
        });
        await using var harness = await Harness.StartAsync(settings: settings);
        await harness.RunAsync();
        receiver.Answer = r => (503, $$"""{"error":"bot down","echo":"{{r.Path}}{{r.Query}}"}""");
        harness.Sandbox.State.Options.ExpiredAccounts = ["creator-02"];
        harness.SetNow(harness.Now.AddHours(1));

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(3, receiver.Requests.Count);
        var pending = Assert.Single(await harness.QueryAsync<(string Status, int Attempts, string LastError)>("SELECT status, attempts, last_error FROM etl.notification_delivery"));
        Assert.Equal(("pending", 3), (pending.Status, pending.Attempts));
        Assert.StartsWith("HTTP 503: ", pending.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(sinks.DingTalkToken, pending.LastError, StringComparison.Ordinal);
        var warning = Assert.Single(harness.Logs.Lines, l => l.Contains("Could not send 1 notification(s) to ops-dingtalk after 3 attempt(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(sinks.DingTalkToken, harness.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(SinkReceivers.DingTalkSecret, harness.Logs.All, StringComparison.Ordinal);

        // The bot is back: the next run (nothing new to tell) delivers what is pending, once.
        sinks.AnswerLikeTheServices();
        harness.SetNow(harness.Now.AddHours(1));
        await harness.RunAsync();
        var sent = Assert.Single(await harness.QueryAsync<(string Status, int Attempts)>("SELECT status, attempts FROM etl.notification_delivery"));
        Assert.Equal(("sent", 4), sent);
        Assert.Contains("Cookie expired: account creator-02", receiver.Requests[^1].Json["markdown"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task ProcessesFinishingAtOnce_RecordAndSendAChangeOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var sinks = new SinkReceivers(receiver);
        await using var harness = await Harness.StartAsync(settings: sinks.Settings(events: NotificationKinds.CookieExpired));
        await harness.RunAsync();

        var hosts = Enumerable.Range(0, 6).Select(_ => harness.BuildHost()).ToList();
        try
        {
            var accounts = await hosts[0].Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None);
            var run = new FinishedRun(1, "item-list", RunOutcome.Succeeded, 0, false, 0, null, IsJob: true);
            var notifiers = hosts.Select(h => h.Services.GetRequiredService<Notifier>()).ToList();

            // Warm every process's connection pool with a comparison that finds nothing, so the next ones overlap.
            await Task.WhenAll(notifiers.Select(n => n.AfterRunAsync(run, accounts, CancellationToken.None)));
            Assert.Empty(receiver.Requests);
            await harness.ScalarAsync<int>("UPDATE etl.account_status SET state = 'cookie_expired', state_since = @Now WHERE account_id = 'creator-01' RETURNING 1", new { Now = harness.Now.UtcDateTime });

            using var start = new ManualResetEventSlim();
            var racing = notifiers.Select(n => Task.Run(async () =>
            {
                start.Wait();
                await n.AfterRunAsync(run, accounts, CancellationToken.None);
            })).ToList();
            start.Set();
            await Task.WhenAll(racing);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }

        Assert.Equal(1L, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.notification"));
        Assert.Equal(5L, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.notification_delivery WHERE status = 'sent' AND attempts = 1"));
        Assert.Equal(5, receiver.Requests.Count);
        Assert.Single(sinks.WebhookNotifications());
    }

    [Theory]
    [InlineData("Notifications:Sinks:0:Type=teams", "Notifications:Sinks:0:Type 'teams' is not one of")]
    [InlineData("Notifications:Sinks:0:Events=cookie_expired,cookie_dead", "unknown kind(s) cookie_dead")]
    [InlineData("Notifications:Sinks:0:Secret=s3cret", "Notifications:Sinks:0:Secret is set, but a Slack webhook is not signed")]
    [InlineData("Notifications:Sinks:0:Url=ftp://hooks.slack.com/services/T0/B0/abcdefabcdef", "Notifications:Sinks:0:Url is not an http(s) URL (value not shown")]
    public void Validate_ABadSink_IsOneMessageNamingTheKeyNeverTheUrl(string setting, string expected)
    {
        var settings = new Dictionary<string, string?>(TestCredentials.ValidSettings)
        {
            ["Notifications:Sinks:0:Type"] = "slack",
            ["Notifications:Sinks:0:Url"] = "https://hooks.slack.com/services/T0/B0/abcdefabcdef",
        };
        var equals = setting.IndexOf('=', StringComparison.Ordinal);
        settings[setting[..equals]] = setting[(equals + 1)..];
        using var host = DouyinEtl.Hosting.WorkerHost.CreateBuilder(DouyinEtl.Hosting.WorkerRole.Jobs, settings).Build();

        var failures = DouyinEtl.Hosting.WorkerHost.Validate(host.Services);

        var failure = Assert.Single(failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefabcdef", failure, StringComparison.Ordinal);
    }

    /// <summary>HttpClient logging on at its most verbose: were the sinks' client to log, their URLs would show in the captured log.</summary>
    private static Dictionary<string, string?> WithHttpClientTrace(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace";
        settings["Logging:LogLevel:Polly"] = "Trace";
        return settings;
    }
}
