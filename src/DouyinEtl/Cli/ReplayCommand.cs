using System.CommandLine;
using System.Globalization;
using DouyinEtl.Hosting;
using DouyinEtl.Replay;
using DouyinEtl.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Cli;

/// <summary><c>douyin-etl replay</c>: re-normalize landed payloads into the warehouse; no upstream call, no cost.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var streams = new Option<string[]>("--stream") { Description = "Only these streams (repeatable), e.g. item-list. Default: every replayable stream." };
        var accounts = new Option<string[]>("--account") { Description = "Only calls made for these account ids (repeatable). Default: every account." };
        var from = new Option<DateOnly?>("--from") { Description = "First day the calls were made, yyyy-MM-dd (Asia/Shanghai). Default: the first landed call.", CustomParser = CommandLine.ParseDay };
        var to = new Option<DateOnly?>("--to") { Description = "Last day the calls were made, yyyy-MM-dd (Asia/Shanghai). Default: today.", CustomParser = CommandLine.ParseDay };
        var command = new Command(
            "replay",
            "Re-normalize the payloads already landed in raw.api_call into the douyin tables, with the same parsers and upserts as a live " +
            "run — after a parser fix, or to rebuild a table. Makes no upstream call (costs nothing; needs no TikHub key or cookies) and changes no checkpoint. " +
            "Exit codes as for run.")
        {
            streams,
            accounts,
            from,
            to,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Replay, parse, cancellationToken);
            var replayer = host.Services.GetRequiredService<Replayer>();
            var request = new ReplayRequest(parse.GetValue(streams) ?? [], parse.GetValue(accounts) ?? [], new RunPeriod(parse.GetValue(from), parse.GetValue(to)));
            var summary = await replayer.RunAsync(request, Progress(), cancellationToken);
            var c = summary.Counters;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"replay of {string.Join(", ", summary.Streams)}: {summary.Outcome} in {summary.Duration.TotalSeconds:0.0} s (run {summary.RunId}) — " +
                $"{c.UnitsDone:N0} of {summary.CallsTotal:N0} landed calls replayed, {c.UnitsFailed} failed, {c.RowsWritten:N0} rows written, {c.Problems} problems, 0 upstream calls."));
            return (int)summary.Outcome.ToExitCode();
        }));
        return command;
    }

    /// <summary>A line to stderr at most every two seconds, so a long replay shows it is moving.</summary>
    private static Action<ReplayProgress> Progress()
    {
        var last = TimeProvider.System.GetTimestamp();
        return p =>
        {
            if (TimeProvider.System.GetElapsedTime(last) < TimeSpan.FromSeconds(2) && p.CallsDone < p.CallsTotal)
            {
                return;
            }

            last = TimeProvider.System.GetTimestamp();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  replayed {p.CallsDone:N0} / {p.CallsTotal:N0} calls ({(p.CallsTotal == 0 ? 100 : 100.0 * p.CallsDone / p.CallsTotal):0}%), {p.RowsWritten:N0} rows written"));
        };
    }
}
