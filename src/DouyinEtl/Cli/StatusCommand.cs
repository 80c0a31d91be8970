using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary><c>douyin-etl status</c>: the state of every account and stream, read from the warehouse (no upstream call).</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (for scripts and monitoring) instead of tables." };
        var command = new Command(
            "status",
            "Show, per account, the cookie state and the last completed unit of each stream; per job, the last success, the runs and " +
            "what is due now; and the calls and estimated cost of the last 24 h. Reads the warehouse only: it costs nothing.")
        {
            json,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Jobs, parse, cancellationToken);
            var services = host.Services;
            var report = await StatusReport.LoadAsync(
                services.GetRequiredService<NpgsqlDataSource>(),
                await services.GetRequiredService<AccountRegistry>().LoadAsync(cancellationToken, withCookies: false),
                services.GetRequiredService<JobRunner>().Jobs,
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

            return (int)ExitCode.Ok;
        }));
        return command;
    }

    public static void Write(StatusReport report, TextWriter output)
    {
        output.WriteLine($"Status at {Time(report.Now)} (times in Asia/Shanghai)");
        output.WriteLine();
        output.WriteLine("Accounts");
        Table(
            output,
            ["account", "name", "cookie", "since", "last ok", "calls 24h", "billed 24h", "est. cost 24h"],
            report.Accounts.Select(a => new[]
            {
                a.AccountId + (a.Configured ? "" : " (not configured)"),
                a.Name,
                a.CookieState,
                Time(a.StateSince),
                Time(a.LastOkAt),
                Number(a.Calls24h),
                Number(a.BilledCalls24h),
                Money(a.EstimatedCost24h),
            }));

        WriteAccountSources(report.AccountSources, output);

        output.WriteLine();
        output.WriteLine("Jobs");
        Table(
            output,
            ["job", "last success", "last run", "runs 24h", "running", "calls 24h", "est. cost 24h", "due now"],
            report.Streams.Select(s => new[]
            {
                s.Job,
                Time(s.LastSuccessAt),
                s.LastRunId is null ? "-" : $"#{s.LastRunId} {s.LastRunStatus} {Time(s.LastRunStartedAt)}",
                Number(s.Runs24h),
                Number(s.RunningNow),
                Number(s.Calls24h),
                Money(s.EstimatedCost24h),
                s.Due is null ? "not reported" : $"{s.Due.Sum(d => d.Units)} {(s.Due.Count > 0 ? s.Due[0].UnitName : "units")}",
            }));

        var due = report.Streams.Where(s => s.Due is not null).SelectMany(s => s.Due!.Where(d => d.Units > 0).Select(d => (s.Job, d))).ToList();
        if (due.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Due now");
            Table(output, ["job", "account", "due", "e.g."], due.Select(x => new[] { x.Job, x.d.AccountId, $"{x.d.Units} {x.d.UnitName}", x.d.Detail ?? "" }));
        }

        if (report.AccountStreams.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Last completed unit per account and stream");
            Table(output, ["account", "stream", "last completed"], report.AccountStreams.Select(a => new[] { a.AccountId, a.Stream, Time(a.LastCompletedUnitAt) }));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Last 24 h: {report.Calls24h:N0} upstream calls, {report.BilledCalls24h:N0} billed, estimated {Money(report.EstimatedCost24h)} (at {report.PricePerCall} USD per billed call, TikHub:PricePerCall)."));
    }

    /// <summary>Every account of both sources — configuration or the warehouse (`douyin-etl accounts`) — enabled or not, and its cookie (never the value).</summary>
    public static void WriteAccountSources(IReadOnlyList<AccountListing> accounts, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Where each account comes from");
        AccountsCommand.WriteListing(accounts, output);
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

    private static string Time(DateTimeOffset? value) =>
        value is { } v ? v.ToOffset(ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture) + " USD";
}
