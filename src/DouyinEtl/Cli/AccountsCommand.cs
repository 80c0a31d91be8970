using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dapper;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Streams.AuthorDiagnosis;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>
/// <c>douyin-etl accounts …</c>: creator accounts managed in the warehouse (<c>etl.managed_account</c>), their cookies
/// encrypted with <c>Secrets:AccountKey</c>. Every run reads the accounts when it starts, so a running daemon picks up
/// what these commands change at its next run. Cookies are read from a file or standard input, never the command line.
/// </summary>
internal static class AccountsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command(
            "accounts",
            "Manage creator accounts in the warehouse, beside the configured ones (Accounts:N:*): list, add, set-cookie, disable, enable, " +
            "remove, rekey, check. Cookies are stored AES-256-GCM encrypted with Secrets:AccountKey (base64 of 32 bytes, e.g. " +
            "`openssl rand -base64 32`, from the environment or a secret file) and given by file or standard input, never on the command line. " +
            "A running daemon uses changes at its next run, no restart.");
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(AddCommand());
        command.Subcommands.Add(SetCookieCommand());
        command.Subcommands.Add(EnabledCommand("disable", enabled: false));
        command.Subcommands.Add(EnabledCommand("enable", enabled: true));
        command.Subcommands.Add(RemoveCommand());
        command.Subcommands.Add(RekeyCommand());
        command.Subcommands.Add(CheckCommand());
        return command;
    }

    private static Command ListCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        var command = new Command("list", "Every account of both sources: where it comes from, enabled or not, its cookie (when set, which key; never the cookie) and its last state.") { json };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Accounts, parse, cancellationToken);
            var (accounts, _) = await LoadListingAsync(host.Services, cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(accounts, Json));
            }
            else
            {
                WriteListing(accounts, Console.Out);
            }

            return (int)ExitCode.Ok;
        }));
        return command;
    }

    private static Command AddCommand()
    {
        var id = IdArgument("The account's id, used as account_id everywhere: letters, digits, '-', '_', '.'.");
        var name = new Option<string>("--name") { Description = "Display name (账号名称). Default: the id." };
        var (file, stdin) = CookieOptions();
        var command = new Command(
            "add",
            "Add an account, with its cookie (--cookie-file or --cookie-stdin) or without (then set-cookie before it is synced). Runs include it from their next start.")
        {
            id,
            name,
            file,
            stdin,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            var accountId = parse.GetValue(id)!;
            if (accountId.Length > 100 || !accountId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ConfigurationException($"Account id '{accountId}' must be at most 100 letters, digits, '-', '_' or '.'.");
            }

            var cookie = parse.GetValue(file) is null && !parse.GetValue(stdin) ? null : await CookieInput.ReadAsync(parse.GetValue(file), parse.GetValue(stdin), cancellationToken);
            using var host = await CommandLine.StartAsync(WorkerRole.Accounts, parse, cancellationToken);
            RefuseConfigured(host.Services, accountId);
            var store = host.Services.GetRequiredService<ManagedAccountStore>();
            var displayName = string.IsNullOrWhiteSpace(parse.GetValue(name)) ? accountId : parse.GetValue(name)!.Trim();
            if (!await store.AddAsync(accountId, displayName, cookie, cancellationToken))
            {
                throw new ConfigurationException($"Account '{accountId}' is managed already: replace its cookie with `douyin-etl accounts set-cookie {accountId} --cookie-stdin`, or `accounts enable {accountId}`.");
            }

            var keyId = host.Services.GetRequiredService<AccountKeyRing>().CurrentKeyId;
            Console.WriteLine(cookie is null
                ? $"Added account {accountId} ({displayName}) without a cookie: it is not synced until `douyin-etl accounts set-cookie {accountId} --cookie-stdin`."
                : $"Added account {accountId} ({displayName}), cookie encrypted with key id {keyId}. Runs include it from their next start, no restart.");
            return (int)ExitCode.Ok;
        }));
        return command;
    }

    private static Command SetCookieCommand()
    {
        var id = IdArgument("A managed account's id.");
        var (file, stdin) = CookieOptions();
        var command = new Command(
            "set-cookie",
            "Replace a managed account's cookie (e.g. after it expired): --cookie-file <file> or --cookie-stdin. The next run uses it; the account leaves " +
            "cookie_expired at its first successful call.")
        {
            id,
            file,
            stdin,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            var accountId = parse.GetValue(id)!;
            var cookie = await CookieInput.ReadAsync(parse.GetValue(file), parse.GetValue(stdin), cancellationToken);
            return await ChangeAsync(
                parse,
                accountId,
                (store, ct) => store.SetCookieAsync(accountId, cookie, ct),
                services => $"Cookie of {accountId} replaced, encrypted with key id {services.GetRequiredService<AccountKeyRing>().CurrentKeyId}. " +
                    $"The next run of every job uses it, no restart; `douyin-etl accounts check {accountId}` tries it now.",
                cancellationToken);
        }));
        return command;
    }

    private static Command EnabledCommand(string verb, bool enabled) => AccountChangeCommand(
        verb,
        enabled
            ? "Sync a disabled account again, from the next run on."
            : "Stop syncing an account from the next run on, keeping its cookie and history (enable undoes it).",
        (store, accountId, ct) => store.SetEnabledAsync(accountId, enabled, ct),
        accountId => enabled
            ? $"Enabled {accountId}: runs include it from their next start."
            : $"Disabled {accountId}: runs skip it from their next start; its cookie and history are kept (`douyin-etl accounts enable {accountId}`).");

    private static Command RemoveCommand() => AccountChangeCommand(
        "remove",
        "Stop syncing an account and forget it and its cookie. What it loaded stays in the warehouse (douyin.*, raw, etl); add it again to resume.",
        (store, accountId, ct) => store.RemoveAsync(accountId, ct),
        accountId => $"Removed {accountId} and its cookie; runs skip it from their next start. Its history stays in the warehouse.");

    /// <summary>A command whose one argument is a managed account's id, that changes that account and says what it did.</summary>
    private static Command AccountChangeCommand(
        string name,
        string description,
        Func<ManagedAccountStore, string, CancellationToken, Task<bool>> change,
        Func<string, string> done)
    {
        var id = IdArgument("A managed account's id.");
        var command = new Command(name, description)
        {
            id,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var accountId = parse.GetValue(id)!;
            return CommandLine.GuardAsync(() => ChangeAsync(
                parse,
                accountId,
                (store, ct) => change(store, accountId, ct),
                _ => done(accountId),
                cancellationToken));
        });
        return command;
    }

    private static Command RekeyCommand()
    {
        var command = new Command(
            "rekey",
            "Key rotation: re-encrypt every managed cookie with Secrets:AccountKey, reading those under an older key from Secrets:PreviousAccountKeys " +
            "(comma-separated). All or nothing. Then remove the old key from every process.");
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Accounts, parse, cancellationToken);
            var (rekeyed, current) = await host.Services.GetRequiredService<ManagedAccountStore>().RekeyAsync(cancellationToken);
            var keyId = host.Services.GetRequiredService<AccountKeyRing>().CurrentKeyId;
            Console.WriteLine(
                $"Re-encrypted {rekeyed} cookie(s) with key id {keyId}; {current} used it already. Give every douyin-etl process the new " +
                "Secrets:AccountKey, then drop the old key from Secrets:PreviousAccountKeys.");
            return (int)ExitCode.Ok;
        }));
        return command;
    }

    private static Command CheckCommand()
    {
        var ids = new Argument<string[]>("id") { Description = "Accounts to check (default: every enabled account).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(
            "check",
            "Try each account's cookie now with one cheap call (fetch_author_diagnosis, the daily probe; the answer is landed and loaded as usual, so " +
            "the call is not wasted) and print ok / expired / no permission / failed per account. Exit 0 when every account is ok, 2 when any " +
            "is not, 1 when the check itself could not run (TikHub refused the key, database unreachable), 64 bad configuration or unknown id.")
        {
            ids,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Jobs, parse, cancellationToken);
            var services = host.Services;
            var runner = services.GetRequiredService<JobRunner>();
            var check = new AccountCheck(runner.Jobs.OfType<AuthorDiagnosisSync>().Single());
            var selected = parse.GetValue(ids) ?? [];
            var summary = await runner.RunAsync(check, new RunRequest(AccountCheck.JobName, selected, RunPeriod.Default, "cli"), cancellationToken);
            var accounts = AccountRegistry.Select(await services.GetRequiredService<AccountRegistry>().LoadAsync(cancellationToken, withCookies: false), selected);
            var failures = await FailuresAsync(services.GetRequiredService<NpgsqlDataSource>(), summary.RunId, cancellationToken);
            var rows = accounts.Select(a => (a.Id, Result(a.Id, check, summary, failures))).ToList();
            var width = rows.Max(r => r.Id.Length);
            foreach (var (id, (result, detail)) in rows)
            {
                Console.WriteLine($"  {id.PadRight(width)}  {result.PadRight(13)}  {detail}".TrimEnd());
            }

            var ok = rows.Count(r => r.Item2.Result == "ok");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ok} of {rows.Count} account(s) ok ({summary.Counters.Calls} call(s), run {summary.RunId})."));
            if (summary.Error is not null)
            {
                Console.Error.WriteLine("The check could not run: " + summary.Error);
                return (int)ExitCode.Failed;
            }

            return ok == rows.Count ? (int)ExitCode.Ok : (int)ExitCode.PartlyFailed;
        }));
        return command;
    }

    private static (string Result, string Detail) Result(string accountId, AccountCheck check, RunSummary summary, IReadOnlyDictionary<string, string> failures)
    {
        if (check.Ok.Contains(accountId))
        {
            return ("ok", "");
        }

        return summary.UnusableAccounts.TryGetValue(accountId, out var state)
            ? state == AccountState.CookieExpired
                ? ("expired", $"log in again and run: douyin-etl accounts set-cookie {accountId} --cookie-stdin (a configured account: replace its Accounts:N:Cookie)")
                : ("no permission", "inner status 7: the account cannot see its creator-center data (数据中心); its owner must open it")
            : failures.TryGetValue(accountId, out var why)
                ? ("failed", why)
                : summary.BudgetExhausted ? ("not checked", "the call budget (Sync:MaxCallsPerRun) ran out") : ("not checked", summary.Error ?? "");
    }

    private static async Task<Dictionary<string, string>> FailuresAsync(NpgsqlDataSource dataSource, long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string AccountId, string Message)>(new CommandDefinition(
            "SELECT account_id, message FROM etl.problem WHERE run_id = @RunId AND kind = 'unit_failed' AND account_id IS NOT NULL ORDER BY problem_id",
            new { RunId = runId },
            cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.AccountId).ToDictionary(g => g.Key, g => g.First().Message, StringComparer.Ordinal);
    }

    public static async Task<(List<AccountListing> Accounts, bool WarehouseReadable)> LoadListingAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        await AccountListing.LoadAsync(
            services.GetRequiredService<IOptions<List<AccountOptions>>>().Value,
            services.GetRequiredService<ManagedAccountStore>(),
            services.GetRequiredService<NpgsqlDataSource>(),
            cancellationToken);

    /// <summary>The accounts as a table: where each comes from, enabled or not, its cookie (never the value) and last state.</summary>
    public static void WriteListing(IReadOnlyList<AccountListing> accounts, TextWriter output)
    {
        if (accounts.Count == 0)
        {
            output.WriteLine("  No account: add one with `douyin-etl accounts add <id> --name <name> --cookie-stdin`.");
            return;
        }

        StatusCommand.Table(
            output,
            ["account", "name", "source", "enabled", "cookie", "state"],
            accounts.Select(a => new[]
            {
                a.AccountId,
                a.Name,
                a.Source,
                a.Enabled ? "yes" : "no",
                a.Cookie,
                a.State is null ? "never checked" : $"{a.State} since {a.StateSince!.Value.ToOffset(ShanghaiTime.Offset):yyyy-MM-dd HH:mm}",
            }));
    }

    /// <summary>One change to a managed account (never a configured one); an id that is not managed is exit 64.</summary>
    private static async Task<int> ChangeAsync(
        ParseResult parse,
        string accountId,
        Func<ManagedAccountStore, CancellationToken, Task<bool>> change,
        Func<IServiceProvider, string> done,
        CancellationToken cancellationToken)
    {
        using var host = await CommandLine.StartAsync(WorkerRole.Accounts, parse, cancellationToken);
        RefuseConfigured(host.Services, accountId);
        if (!await change(host.Services.GetRequiredService<ManagedAccountStore>(), cancellationToken))
        {
            throw NotManaged(accountId);
        }

        Console.WriteLine(done(host.Services));
        return (int)ExitCode.Ok;
    }

    private static Argument<string> IdArgument(string description) => new("id") { Description = description };

    private static (Option<string?> File, Option<bool> Stdin) CookieOptions() => (
        new Option<string?>("--cookie-file") { Description = "Read the cookie from this file (e.g. a file only you can read; delete it afterwards)." },
        new Option<bool>("--cookie-stdin") { Description = "Read the cookie from standard input (piped, or pasted without echo). Never on the command line: shell history and ps keep it." });

    private static void RefuseConfigured(IServiceProvider services, string accountId)
    {
        var index = services.GetRequiredService<IOptions<List<AccountOptions>>>().Value.FindIndex(a => a.Id == accountId);
        if (index >= 0)
        {
            throw new ConfigurationException(
                $"Account '{accountId}' comes from the configuration (Accounts:{index}): change it there. `douyin-etl accounts` manages the accounts it added; " +
                $"to manage this one here, delete Accounts:{index} and `douyin-etl accounts add {accountId}` (its history is kept).");
        }
    }

    private static ConfigurationException NotManaged(string accountId) =>
        new($"No managed account '{accountId}': see `douyin-etl accounts list`, or add it with `douyin-etl accounts add {accountId} --name <name> --cookie-stdin`.");
}
