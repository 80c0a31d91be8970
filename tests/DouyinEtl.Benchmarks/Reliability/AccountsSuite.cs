using System.Globalization;
using System.Security.Cryptography;
using DouyinEtl.Cli;
using DouyinEtl.Notifications;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// Accounts managed in the warehouse (cookies encrypted under Secrets:AccountKey, added with the real command line) and
/// notifications to all five sink kinds on a local receiver: full syncs, a cookie that expires and is replaced, a key
/// rotation. Leaves its table rows, its payloads and its credentials (the key, the sinks' URLs and secrets) to the
/// security scan.
/// </summary>
internal static class AccountsSuite
{
    public static async Task RunAsync(Evidence evidence)
    {
        Console.WriteLine();
        Console.WriteLine("== Accounts managed in the warehouse, notifications to webhook, Feishu, DingTalk, WeCom, Slack ==");
        var receiver = await WebhookReceiver.StartAsync();
        evidence.Cleanups.Add(async () => await receiver.DisposeAsync());
        var sinks = new SinkReceivers(receiver);
        var secrets = Directory.CreateTempSubdirectory("douyin-etl-bench-secrets-");
        evidence.Cleanups.Add(() =>
        {
            secrets.Delete(recursive: true);
            return Task.CompletedTask;
        });
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Secrets__AccountKey"), key);
        evidence.Secrets.AddRange([key, newKey, .. sinks.Secrets]);

        var settings = sinks.Settings();
        settings["Secrets:Directory"] = secrets.FullName;
        var harness = await evidence.StartAsync(ReliabilityBenchmark.World(4, PayloadVariant.RealWorld), settings, accountsInConfiguration: false);
        foreach (var account in harness.Sandbox.World.Accounts)
        {
            var file = Path.Combine(secrets.FullName, account.Id + ".cookie");
            await File.WriteAllTextAsync(file, account.Cookie);
            await CliAsync(harness, "accounts", "add", account.Id, "--name", account.Name, "--cookie-file", file);
            File.Delete(file);
        }

        await FullSync.RunAsync(harness);
        harness.Sandbox.State.Options.ExpiredAccounts = ["creator-02"];
        harness.SetNow(harness.Now.AddHours(1));
        await FullSync.RunAsync(harness);
        harness.Sandbox.State.Options.ExpiredAccounts = [];
        harness.SetNow(harness.Now.AddHours(1));
        await FullSync.RunAsync(harness);

        // Key rotation: the new key current, the old one previous, rekey, then the old key gone.
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Secrets__AccountKey"), newKey);
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Secrets__PreviousAccountKeys"), key);
        await CliAsync(harness, "accounts", "rekey");
        File.Delete(Path.Combine(secrets.FullName, "Secrets__PreviousAccountKeys"));
        harness.SetNow(harness.Now.AddHours(1));
        var last = await FullSync.RunAsync(harness);

        var kinds = sinks.WebhookNotifications().Select(n => n.Kind).ToList();
        var chats = sinks.ChatTexts();
        // What each sink was sent besides its own URL (where its token belongs): headers and body.
        var payloads = receiver.Requests.Select(r => $"{string.Join('\n', r.Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{r.Body}").ToList();
        evidence.Texts.AddRange(payloads);
        var keyIds = await harness.QueryAsync<string>("SELECT DISTINCT cookie_key_id FROM etl.managed_account");
        var expected = new[] { NotificationKinds.CookieExpired, NotificationKinds.AccountOk };
        var goal = kinds.SequenceEqual(expected) && chats.Values.All(t => t.Count == 2)
            && keyIds.SequenceEqual([DouyinEtl.Accounts.AccountKeyRing.KeyIdOf(Convert.FromBase64String(newKey))])
            && last.All(s => s.Outcome == DouyinEtl.Runs.RunOutcome.Succeeded);
        evidence.Add(
            "accounts and notifications",
            $"{harness.Sandbox.World.Accounts.Count} accounts added with `accounts add` (no Accounts:N), 4 full syncs, creator-02's cookie expired for one, a key rotation with `accounts rekey`; five sinks on a local receiver answering like the services",
            string.Create(CultureInfo.InvariantCulture,
                $"webhook told {string.Join(", ", kinds)}; each chat sink {string.Join("/", chats.Values.Select(t => t.Count))} message(s); {payloads.Count} payloads kept for the scan; cookies under key id(s) {string.Join(", ", keyIds)} after the rekey"),
            goal);
    }

    private static async Task CliAsync(Harness harness, params string[] command)
    {
        var exitCode = await CommandLine.InvokeAsync([.. command, .. harness.SetArguments()]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"douyin-etl {string.Join(' ', command.Take(2))} exited {exitCode}");
        }
    }
}
