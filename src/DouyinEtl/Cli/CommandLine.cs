using System.CommandLine;
using System.Globalization;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>The <c>douyin-etl</c> verbs. Each builds the host it needs, validates configuration first, and maps outcomes to exit codes.</summary>
internal static class CommandLine
{
    public static readonly Option<string[]> SetOption = new("--set")
    {
        Description = "Override a setting, e.g. --set Sync:MaxCallsPerRun=500 (repeatable; wins over appsettings.json and environment). " +
                      "Not for secrets: the TikHub key and cookies come from the environment or files.",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public const string Overview = """
        douyin-etl loads Douyin creator analytics (works, metrics, audiences, live sessions) from TikHub's paid
        Douyin Creator V2 API into PostgreSQL, for SQL and Metabase. Every call costs money: it fetches only what is
        due, keeps every payload in raw.api_call (so `replay` can rebuild tables for free) and resumes where it stopped.

        Try it with nothing configured:   douyin-demo demo   (in a checkout: dotnet run --project src/DouyinEtl.Demo -- demo)
        In production it needs (environment variables or a secrets directory; secrets never on the command line):
          TikHub__ApiKey                  the bearer key (or TikHub__ApiKeyFile)
          ConnectionStrings__Warehouse    e.g. Host=db;Database=douyin;Username=etl;Password=...
          Accounts__0__Id, Accounts__0__Cookie (or __CookieFile), Accounts__1__...   one entry per creator account,
                                          or manage accounts in the warehouse: `douyin-etl accounts add` (needs Secrets__AccountKey)
          Secrets__Directory              optional: a directory of files named like the variables above
        Other settings may also be given as --set Key=Value. Unknown keys of these sections are errors.
        Then either `douyin-etl daemon` (scheduler, clustered) or `douyin-etl run <job>` from cron / a Kubernetes CronJob.
        Exit codes: 0 ok, 2 partly failed (e.g. a cookie expired), 1 failed, 64 bad configuration or command line.
        Monitoring: `douyin-etl status --check` (only the connection string needed) exits 0 all fresh, 1 stale or failed, 2 cookie expired.
        """;

    /// <param name="args">The command line.</param>
    /// <param name="extraCommands">Verbs of another binary built on this one (<c>douyin-demo</c> adds <c>demo</c>).</param>
    public static Task<int> InvokeAsync(string[] args, params Command[] extraCommands)
    {
        var root = new RootCommand(Overview);
        root.Options.Add(SetOption);
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(DaemonCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(BackfillCommand.Create());
        root.Subcommands.Add(DocsCommand.Create());
        foreach (var command in extraCommands)
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            Console.Error.WriteLine("See `douyin-etl --help`.");
            return Task.FromResult((int)ExitCode.BadConfiguration);
        }

        // SIGTERM/Ctrl+C cancels the action's token; the action then stops gracefully (Sync:ShutdownGrace, the host's
        // shutdown), so give it time instead of System.CommandLine's default two seconds.
        return parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(5) });
    }

    /// <summary>
    /// The <c>--set Key=Value</c> settings, with <c>__</c> read as <c>:</c> as in the environment. Secrets are refused:
    /// a command line lands in shell history and in <c>ps</c>, readable by every user of the machine.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Overrides(ParseResult parse)
    {
        var settings = new List<KeyValuePair<string, string?>>();
        var problems = new List<string>();
        foreach (var setting in parse.GetValue(SetOption) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"--set '{setting}' must look like Key=Value (use ':' between sections, e.g. TikHub:BaseUrl=https://api.tikhub.dev).");
                continue;
            }

            var key = setting[..equals].Trim().Replace("__", ":", StringComparison.Ordinal);
            if (SecretKey(key) is { } secret)
            {
                problems.Add($"--set {key}=… is refused: a secret on the command line lands in shell history and `ps`. {secret}");
                continue;
            }

            settings.Add(new(key, setting[(equals + 1)..]));
        }

        return problems.Count > 0 ? throw new ConfigurationException(WorkerHost.Message(problems)) : settings;
    }

    /// <summary>How to pass the secret <paramref name="key"/> names (the TikHub key, an account's cookie) instead, or null.</summary>
    private static string? SecretKey(string key)
    {
        var parts = key.Split(':');
        if (parts is [var section, var name] && section.Equals(TikHubOptions.Section, StringComparison.OrdinalIgnoreCase) && name.Equals(nameof(TikHubOptions.ApiKey), StringComparison.OrdinalIgnoreCase))
        {
            return "Set the environment variable TikHub__ApiKey, or TikHub:ApiKeyFile to a file holding the key, or a file TikHub__ApiKey in Secrets__Directory.";
        }

        if (parts is [var tikHub, var keys, var entry, var field] && tikHub.Equals(TikHubOptions.Section, StringComparison.OrdinalIgnoreCase)
            && keys.Equals(nameof(TikHubOptions.ApiKeys), StringComparison.OrdinalIgnoreCase) && field.Equals(nameof(TikHubKeyOptions.Key), StringComparison.OrdinalIgnoreCase))
        {
            return $"Set the environment variable TikHub__ApiKeys__{entry}__Key, or TikHub:ApiKeys:{entry}:KeyFile to a file holding the key, or a file TikHub__ApiKeys__{entry}__Key in Secrets__Directory.";
        }

        if (parts is [var accounts, var index, var cookie] && accounts.Equals(AccountOptions.Section, StringComparison.OrdinalIgnoreCase) && cookie.Equals(nameof(AccountOptions.Cookie), StringComparison.OrdinalIgnoreCase))
        {
            return $"Set the environment variable Accounts__{index}__Cookie, or Accounts:{index}:CookieFile to a file holding the cookie, or a file Accounts__{index}__Cookie in Secrets__Directory.";
        }

        if (parts is [var secrets, var accountKey] && secrets.Equals(SecretsOptions.Section, StringComparison.OrdinalIgnoreCase)
            && (accountKey.Equals(nameof(SecretsOptions.AccountKey), StringComparison.OrdinalIgnoreCase) || accountKey.Equals(nameof(SecretsOptions.PreviousAccountKeys), StringComparison.OrdinalIgnoreCase)))
        {
            return $"Set the environment variable Secrets__{accountKey}, or a file Secrets__{accountKey} in Secrets__Directory.";
        }

        return null;
    }

    private static Command RunCommand()
    {
        var job = new Argument<string>("job") { Description = "The job to run, e.g. item-list (`douyin-etl status` lists every job)." };
        var accounts = new Option<string[]>("--account") { Description = "Only these account ids (repeatable). Default: every enabled account." };
        var from = new Option<DateOnly?>("--from") { Description = "First publish/report day, yyyy-MM-dd (Asia/Shanghai). Default: the job's own horizon.", CustomParser = ParseDay };
        var to = new Option<DateOnly?>("--to") { Description = "Last day, yyyy-MM-dd (Asia/Shanghai). Default: today.", CustomParser = ParseDay };
        var share = new Option<bool>("--share")
        {
            Description = "Share the job's units with the other processes running it with --share (or Sync:ShareUnits=true): several pods " +
                "of one job finish it together, each unit paid for once. A run without it and a sharing run exclude each other (75).",
        };
        var command = new Command(
            "run",
            "Run one job once and exit (cron, Kubernetes CronJob): 0 ok, 2 partly failed (an account's cookie expired, some units failed, " +
            "the call budget ran out, or stopped by SIGTERM), 1 failed, 64 bad configuration, 75 another run of the job holds it (nothing done). Only what is due is fetched; a re-run resumes " +
            "from the checkpoints. Long runs log their progress every Sync:ProgressEvery.")
        {
            job,
            accounts,
            from,
            to,
            share,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(async () =>
        {
            var period = new RunPeriod(parse.GetValue(from), parse.GetValue(to));
            using var host = await StartAsync(WorkerRole.Jobs, parse, cancellationToken, check: services =>
            {
                RequireEnabledAccount(services);
                RequireSensible(period, services);
            });
            var runner = host.Services.GetRequiredService<JobRunner>();
            using var grace = new ShutdownGrace(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SyncOptions>>().Value.ShutdownGrace, cancellationToken);
            var summary = await runner.RunAsync(
                new RunRequest(parse.GetValue(job)!, parse.GetValue(accounts) ?? [], period, "cli") { ShareUnits = parse.GetValue(share) },
                grace.Token,
                cancellationToken);
            Console.WriteLine(Describe(summary));
            return (int)summary.Outcome.ToExitCode();
        }));
        return command;
    }

    private static Command MigrateCommand()
    {
        var command = new Command(
            "migrate",
            "Apply pending database migrations (migrations/V###__*.sql, embedded; the Quartz tables included) under an advisory lock, " +
            "and exit. Needs only ConnectionStrings:Warehouse. Jobs and the daemon also migrate on start unless Warehouse:MigrateOnStart=false.");
        command.SetAction((parse, cancellationToken) => GuardAsync(async () =>
        {
            using var host = await StartAsync(WorkerRole.Warehouse, parse, cancellationToken, migrate: false);
            var applied = await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
            Console.WriteLine(applied.Count == 0 ? "Database schema is up to date." : $"Applied migration(s): {string.Join(", ", applied)}.");
            return (int)ExitCode.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Builds the host, validates every option (exit 64 on failure), runs <paramref name="check"/> (the command's own
    /// checks that need the host, e.g. its clock) and applies migrations if configured to, which also brings the
    /// monthly partitions up to date; without migrations it still tries the partitions (a user that may not change the
    /// schema gets warnings, and the rows of months not created yet wait in the DEFAULT partitions).
    /// </summary>
    public static async Task<IHost> StartAsync(
        WorkerRole role,
        ParseResult parse,
        CancellationToken cancellationToken,
        bool migrate = true,
        IEnumerable<KeyValuePair<string, string?>>? extra = null,
        Action<IServiceProvider>? check = null)
    {
        var builder = WorkerHost.CreateBuilder(role, Overrides(parse).Concat(extra ?? []));
        var host = builder.Build();
        try
        {
            var failures = WorkerHost.Validate(host.Services);
            if (failures.Count > 0)
            {
                throw new ConfigurationException(WorkerHost.Message(failures));
            }

            check?.Invoke(host.Services);
        }
        catch (ConfigurationException)
        {
            host.Dispose();
            throw;
        }

        if (migrate && host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WarehouseOptions>>().Value.MigrateOnStart)
        {
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
        }
        else if (migrate)
        {
            await host.Services.GetRequiredService<PartitionMaintenance>().RunAsync(cancellationToken);
        }

        return host;
    }

    /// <summary>The first day any creator data can exist: Douyin started in September 2016.</summary>
    public static readonly DateOnly FirstDay = new(2016, 1, 1);

    /// <summary>Jobs load the enabled accounts: with none, a run would "succeed" doing nothing, for ever.</summary>
    public static void RequireEnabledAccount(IServiceProvider services)
    {
        // No configured account is fine (accounts may be managed in the warehouse); configured ones all disabled is a mistake.
        var configured = services.GetRequiredService<IOptions<List<AccountOptions>>>().Value;
        if (configured.Count > 0 && !configured.Any(a => a.Enabled))
        {
            throw new ConfigurationException(
                "There is no enabled account: every entry of Accounts has Enabled=false. Enable one (Accounts__N__Enabled=true), or stop scheduling this command.");
        }
    }

    /// <summary>
    /// A period from the command line must be one a job can load: --from not after --to, nothing before Douyin existed
    /// and no day that has not begun in Asia/Shanghai (a job would plan, and pay for, windows that cannot hold data).
    /// </summary>
    public static void RequireSensible(RunPeriod period, IServiceProvider services)
    {
        var today = ShanghaiTime.Day(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var problems = new List<string>();
        foreach (var (option, day) in new[] { ("--from", period.From), ("--to", period.To) })
        {
            if (day < FirstDay)
            {
                problems.Add($"{option} {day:yyyy-MM-dd} is before {FirstDay:yyyy-MM-dd}: Douyin started in September 2016, there is no creator data before.");
            }
            else if (day > today)
            {
                problems.Add($"{option} {day:yyyy-MM-dd} is after today ({today:yyyy-MM-dd} in Asia/Shanghai): a day that has not begun has no data to load.");
            }
        }

        if (period is { From: { } first, To: { } last } && first > last)
        {
            problems.Add($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems.Count == 1 ? problems[0] : WorkerHost.Message(problems));
        }
    }

    /// <summary>Turns the failures an operator can act on into one message and an exit code, instead of a stack trace.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return (int)ExitCode.BadConfiguration;
        }
        catch (JobHeldException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return (int)ExitCode.JobHeld;
        }
        catch (MigrationException ex)
        {
            await Console.Error.WriteLineAsync("Database migration refused: " + ex.Message);
            return (int)ExitCode.Failed;
        }
        catch (Quartz.SchedulerException ex)
        {
            await Console.Error.WriteLineAsync("Scheduler error: " + ex.Message);
            return (int)ExitCode.Failed;
        }
        catch (NpgsqlException ex) when (DatabaseErrors.Refusal(ex) is { } refusal)
        {
            await Console.Error.WriteLineAsync("Database error: " + DatabaseErrors.Describe(refusal));
            return (int)ExitCode.Failed;
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"Database error: {ex.Message} Check ConnectionStrings:Warehouse and that PostgreSQL is reachable.");
            return (int)ExitCode.Failed;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return (int)ExitCode.Failed;
        }
    }

    public static string Describe(RunSummary summary)
    {
        var c = summary.Counters;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{summary.Job}: {summary.Outcome} in {summary.Duration.TotalSeconds:0.0} s (run {summary.RunId}) — {c.Calls} calls, {c.BilledCalls} billed, " +
            $"{c.Retries} retries, {c.Throttled} throttled, {c.RowsWritten} rows written, {c.UnitsDone} units done, {c.UnitsFailed} failed, " +
            $"{c.UnitsSkipped} skipped, {c.Problems} problems.");
        foreach (var (account, state) in summary.UnusableAccounts)
        {
            text += $"\n  account {account}: {state.Describe()} — {state.Advice()}";
        }

        foreach (var (account, what) in summary.IncompleteAccounts)
        {
            text += $"\n  account {account}: incomplete data — {what}";
        }

        if (summary.Error is not null)
        {
            text += "\n  error: " + summary.Error;
        }

        return text;
    }

    /// <summary>A count on the command line must be at least 1.</summary>
    public static void RequirePositive(Option<int> option) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{option.Name} must be at least 1, got {result.GetValueOrDefault<int>()}.");
        }
    });

    public static DateOnly? ParseDay(System.CommandLine.Parsing.ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (token is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        result.AddError($"'{token}' is not a date in yyyy-MM-dd form.");
        return null;
    }
}
