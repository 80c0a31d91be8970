using System.CommandLine;
using System.Globalization;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>The <c>douyin-etl</c> verbs. Each builds the host it needs, validates configuration first, and maps outcomes to exit codes.</summary>
internal static class CommandLine
{
    public static readonly Option<string[]> SetOption = new("--set")
    {
        Description = "Override a setting, e.g. --set Sync:MaxCallsPerRun=500 (repeatable; wins over appsettings.json and environment).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public const string Overview = """
        douyin-etl loads Douyin creator analytics (works, metrics, audiences, live sessions) from TikHub's paid
        Douyin Creator V2 API into PostgreSQL, for SQL and Metabase. Every call costs money: it fetches only what is
        due, keeps every payload in raw.api_call (so `replay` can rebuild tables for free) and resumes where it stopped.

        Try it with nothing configured:   douyin-etl demo
        In production it needs (environment variables, a secrets directory, or --set Key=Value):
          TikHub__ApiKey                  the bearer key (or TikHub__ApiKeyFile)
          ConnectionStrings__Warehouse    e.g. Host=db;Database=douyin;Username=etl;Password=...
          Accounts__0__Id, Accounts__0__Cookie (or __CookieFile), Accounts__1__...   one entry per creator account
          Secrets__Directory              optional: a directory of files named like the variables above
        Then either `douyin-etl daemon` (scheduler, clustered) or `douyin-etl run <job>` from cron / a Kubernetes CronJob.
        Exit codes: 0 ok, 2 partly failed (e.g. a cookie expired), 1 failed, 64 bad configuration or command line.
        """;

    public static Task<int> InvokeAsync(string[] args)
    {
        var root = new RootCommand(Overview);
        root.Options.Add(SetOption);
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(DaemonCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(BackfillCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DocsCommand.Create());
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

    public static IEnumerable<KeyValuePair<string, string?>> Overrides(ParseResult parse)
    {
        foreach (var setting in parse.GetValue(SetOption) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ConfigurationException($"--set '{setting}' must look like Key=Value (use ':' between sections, e.g. TikHub:BaseUrl=https://api.tikhub.dev).");
            }

            yield return new(setting[..equals].Trim(), setting[(equals + 1)..]);
        }
    }

    private static Command RunCommand()
    {
        var job = new Argument<string>("job") { Description = "The job to run, e.g. item-list (`douyin-etl status` lists every job)." };
        var accounts = new Option<string[]>("--account") { Description = "Only these account ids (repeatable). Default: every enabled account." };
        var from = new Option<DateOnly?>("--from") { Description = "First publish/report day, yyyy-MM-dd (Asia/Shanghai). Default: the job's own horizon.", CustomParser = ParseDay };
        var to = new Option<DateOnly?>("--to") { Description = "Last day, yyyy-MM-dd (Asia/Shanghai). Default: today.", CustomParser = ParseDay };
        var command = new Command(
            "run",
            "Run one job once and exit (cron, Kubernetes CronJob): 0 ok, 2 partly failed (an account's cookie expired, some units failed, " +
            "the call budget ran out, or stopped by SIGTERM), 1 failed, 64 bad configuration. Only what is due is fetched; a re-run resumes " +
            "from the checkpoints. Long runs log their progress every Sync:ProgressEvery.")
        {
            job,
            accounts,
            from,
            to,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(async () =>
        {
            using var host = await StartAsync(WorkerRole.Jobs, parse, cancellationToken);
            var runner = host.Services.GetRequiredService<JobRunner>();
            using var grace = new ShutdownGrace(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SyncOptions>>().Value.ShutdownGrace, cancellationToken);
            var summary = await runner.RunAsync(
                new RunRequest(parse.GetValue(job)!, parse.GetValue(accounts) ?? [], new RunPeriod(parse.GetValue(from), parse.GetValue(to)), "cli"),
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
    /// Builds the host, validates every option (exit 64 on failure) and applies migrations if configured to, which
    /// also brings the monthly partitions up to date; without migrations it still tries the partitions (a user that may
    /// not change the schema gets warnings, and the rows of months not created yet wait in the DEFAULT partitions).
    /// </summary>
    public static async Task<IHost> StartAsync(WorkerRole role, ParseResult parse, CancellationToken cancellationToken, bool migrate = true, IEnumerable<KeyValuePair<string, string?>>? extra = null)
    {
        var builder = WorkerHost.CreateBuilder(role, Overrides(parse).Concat(extra ?? []));
        var host = builder.Build();
        var failures = WorkerHost.Validate(host.Services);
        if (failures.Count > 0)
        {
            host.Dispose();
            throw new ConfigurationException("Configuration is not valid:\n  - " + string.Join("\n  - ", failures));
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
