using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary><c>douyin-etl status</c>: the state of every account and stream, read from the warehouse (no upstream call, no write).</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (for scripts and monitoring) instead of tables; the same facts, stable field names." };
        var check = new Option<bool>("--check")
        {
            Description = "Exit with the verdict, for cron, Kubernetes probes and Nagios-style checks: 0 all fresh; 1 a stream is stale, a job's last " +
                "run failed or died, or status could not read what it needs; 2 an account's cookie expired (wins over 1).",
        };
        var command = new Command(
            "status",
            "Show, per account, the cookie state and the freshness of each stream; per job, the last success, the runs (and runs whose process " +
            "died) and what a run started now would do; the calls and estimated cost of the last 24 h; and whether the schema is behind. " +
            "Needs only ConnectionStrings:Warehouse (the read-only analyst login will do; no TikHub key, no cookies). Reads only: never migrates, " +
            "never writes, calls nothing upstream.")
        {
            json,
            check,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Status, parse, cancellationToken, migrate: false);
            var services = host.Services;
            var report = await StatusReport.LoadAsync(
                services.GetRequiredService<NpgsqlDataSource>(),
                await services.GetRequiredService<AccountRegistry>().LoadAsync(cancellationToken, withCookies: false),
                [.. services.GetServices<ISyncJob>()],
                services.GetRequiredService<IOptions<TikHubOptions>>().Value.PricePerCall,
                services.GetRequiredService<TimeProvider>().GetUtcNow(),
                cancellationToken) with
            {
                AccountSources = (await AccountsCommand.LoadListingAsync(services, cancellationToken)).Accounts,
            };
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json));
            }
            else
            {
                Write(report, Console.Out);
            }

            return parse.GetValue(check) ? report.ExitCode : (int)ExitCode.Ok;
        }));
        return command;
    }

    public static void Write(StatusReport report, TextWriter output)
    {
        output.WriteLine($"Status at {Time(report.Now)} (times in Asia/Shanghai)");
        output.WriteLine(SchemaLine(report.Schema));
        Section(
            output,
            "Accounts" + (report.AccountsConfigured ? "" : " (none configured: every account in the database)"),
            ["account", "name", "cookie", "since", "last ok", "calls 24h", "billed 24h", "est. cost 24h"],
            report.Accounts.Select(a => new[]
            {
                a.AccountId + (a.Configured || !report.AccountsConfigured ? "" : " (not configured)"),
                a.Name,
                a.CookieState,
                Time(a.StateSince),
                Time(a.LastOkAt),
                Number(a.Calls24h),
                Number(a.BilledCalls24h),
                a.EstimatedCost24h is { } cost ? Money(cost) : "-",
            }));

        WriteAccountSources(report.AccountSources, output);

        if (report.Keys.Count > 0)
        {
            Section(
                output,
                "TikHub keys (last 24 h; key ids are names or fingerprints, never the key)",
                ["key", "calls 24h", "billed 24h", "429s 24h", "refused 24h", "est. cost 24h"],
                report.Keys.Select(k => new[] { k.KeyId, Number(k.Calls24h), Number(k.BilledCalls24h), Number(k.Throttled24h), Number(k.Refused24h), Money(k.EstimatedCost24h) }));
        }

        Section(
            output,
            "Jobs",
            ["job", "last success", "last run", "runs 24h", "running", "calls 24h", "est. cost 24h", "due now"],
            report.Jobs.Select(j => new[]
            {
                j.Job,
                Time(j.LastSuccessAt),
                j.LastRunId is null ? "-" : $"#{j.LastRunId} {j.LastRunStatus} {Time(j.LastRunStartedAt)}",
                Number(j.Runs24h),
                Number(j.RunningNow) + (report.OrphanedRuns.Count(r => r.Job == j.Job) is > 0 and var dead ? $" ({dead} dead)" : ""),
                Number(j.Calls24h),
                Money(j.EstimatedCost24h),
                j.Due is null ? j.DueNote ?? "-" : $"{j.Due.Sum(d => d.Units)} {(j.Due.Count > 0 ? j.Due[0].UnitName : "units")}",
            }));

        var due = report.Jobs.Where(j => j.Due is not null).SelectMany(j => j.Due!.Where(d => d.Units > 0).Select(d => (j.Job, d))).ToList();
        if (due.Count > 0)
        {
            Section(output, "Due now (what a run started now would do)", ["job", "account", "due", "e.g."], due.Select(x => new[] { x.Job, x.d.AccountId, $"{x.d.Units} {x.d.UnitName}", x.d.Detail ?? "" }));
        }

        if (report.Freshness.Count > 0)
        {
            Section(
                output,
                "Freshness per account and stream (douyin.pipeline_stream_status: stale = nothing completed for 25 h)",
                ["account", "stream", "last completed", "hours ago", "stale", "last run"],
                report.Freshness.Select(f => new[]
                {
                    f.AccountId,
                    f.Stream,
                    Time(f.LastCompletedAt),
                    f.HoursSinceCompleted?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-",
                    f.IsStale ? "STALE" : "fresh",
                    f.LastRunStatus is null ? "-" : $"{f.LastRunStatus} {Time(f.LastRunStartedAt)}",
                }));
        }

        output.WriteLine();
        output.WriteLine(report.Calls24h is { } calls
            ? string.Create(CultureInfo.InvariantCulture, $"Last 24 h: {calls:N0} upstream calls, {report.BilledCalls24h:N0} billed, estimated {Money(report.EstimatedCost24h)} (at {report.PricePerCall} USD per billed call, TikHub:PricePerCall).")
            : string.Create(CultureInfo.InvariantCulture, $"Last 24 h: {report.BilledCalls24h:N0} billed calls in runs started since, estimated {Money(report.EstimatedCost24h)} (at {report.PricePerCall} USD per billed call, TikHub:PricePerCall)."));
        foreach (var note in report.Notes)
        {
            output.WriteLine("Note: " + note);
        }

        output.WriteLine();
        output.WriteLine(report.ExitCode switch
        {
            0 => "Check: OK (exit 0 with --check): every stream fresh, every job's last run succeeded, no cookie expired.",
            var code => $"Check: {report.Problems.Count} problem(s) (exit {code} with --check):",
        });
        foreach (var problem in report.Problems)
        {
            output.WriteLine("  - " + problem.Message);
        }
    }

    private static string SchemaLine(SchemaStatus schema) => schema switch
    {
        { Unknown.Count: > 0 } => $"Schema: the database has migration(s) {string.Join(", ", schema.Unknown)} that this build does not know: this build is older than the schema.",
        { Known: true, Behind: 0 } => $"Schema: up to date (V{schema.AppliedVersion:000}).",
        { Known: true } => $"Schema: schema is {schema.Behind} migration(s) behind this build ({string.Join(", ", schema.Pending)}); status changes nothing: `douyin-etl migrate` applies them.",
        { Behind: > 0 } => $"Schema: schema is at least {schema.Behind} migration(s) behind this build ({string.Join(", ", schema.Pending)}); status changes nothing: `douyin-etl migrate` applies them.",
        _ => "Schema: version unknown (this login may not read douyin.pipeline_schema_migration).",
    };

    /// <summary>Every account of both sources — configuration or the warehouse (`douyin-etl accounts`) — enabled or not, and its cookie (never the value).</summary>
    public static void WriteAccountSources(IReadOnlyList<AccountListing> accounts, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Where each account comes from");
        AccountsCommand.WriteListing(accounts, output);
    }

    /// <summary>A blank line, the section's title, and its table.</summary>
    private static void Section(TextWriter output, string title, string[] header, IEnumerable<string[]> rows)
    {
        output.WriteLine();
        output.WriteLine(title);
        Table(output, header, rows);
    }

    internal static void Table(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Time(DateTimeOffset? value) => StatusReport.Time(value);

    private static string Number(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";

    private static string Money(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture) + " USD";
}
