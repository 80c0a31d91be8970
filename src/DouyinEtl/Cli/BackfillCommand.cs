using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Cli;

/// <summary>
/// `douyin-etl backfill &lt;job|all&gt; --from --to`: loads a date range of history with the windowed jobs. Each job cuts
/// the range into its checkpointed windows (≤ 90 days), so running the same command again after a kill or a spent
/// budget pays only for the windows that did not finish.
/// </summary>
internal static class BackfillCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "A job that walks date windows (see --help of run for the list), or all of them: all." };
        var accounts = new Option<string[]>("--account") { Description = "Only these account ids (repeatable). Default: every enabled account." };
        var from = new Option<DateOnly>("--from") { Description = "First day, yyyy-MM-dd (Asia/Shanghai).", Required = true, CustomParser = Day };
        var to = new Option<DateOnly>("--to") { Description = "Last day, yyyy-MM-dd (Asia/Shanghai).", Required = true, CustomParser = Day };
        var command = new Command("backfill", "Load a date range of history in checkpointed windows of at most 90 days; run it again to resume where it stopped. Exit codes as for run.")
        {
            job,
            accounts,
            from,
            to,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            using var host = await CommandLine.StartAsync(WorkerRole.Jobs, parse, cancellationToken, check: services =>
            {
                CommandLine.RequireEnabledAccount(services);
                CommandLine.RequireSensible(new RunPeriod(first, last), services);
            });
            var runner = host.Services.GetRequiredService<JobRunner>();
            var jobs = Select(runner, parse.GetValue(job)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backfill {first:yyyy-MM-dd}..{last:yyyy-MM-dd} with {string.Join(", ", jobs.Select(j => j.Name))}: finished windows are skipped, the rest is loaded."));
            var worst = RunOutcome.Succeeded;
            var held = 0;
            foreach (var selected in jobs)
            {
                RunSummary summary;
                try
                {
                    summary = await runner.RunAsync(new RunRequest(selected.Name, parse.GetValue(accounts) ?? [], new RunPeriod(first, last), "backfill"), cancellationToken);
                }
                catch (JobHeldException ex)
                {
                    // Another process runs this job: skipped, the others go on; running the backfill again later resumes it.
                    await Console.Error.WriteLineAsync(ex.Message);
                    held++;
                    continue;
                }

                Console.WriteLine(CommandLine.Describe(summary));
                worst = (RunOutcome)Math.Max((int)worst, (int)summary.Outcome);
            }

            // Every job held elsewhere: nothing was done (75). Some held: the backfill is not complete, as for a partial run (2).
            return held == jobs.Count ? (int)ExitCode.JobHeld
                : held > 0 ? (int)((RunOutcome)Math.Max((int)worst, (int)RunOutcome.PartlyFailed)).ToExitCode()
                : (int)worst.ToExitCode();
        }));
        return command;
    }

    private static List<ISyncJob> Select(JobRunner runner, string name)
    {
        var windowed = runner.Jobs.Where(j => j.SupportsBackfill).ToList();
        if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase))
        {
            return windowed;
        }

        var job = runner.Find(name);
        return job.SupportsBackfill
            ? [job]
            : throw new ConfigurationException(
                $"{job.Name} cannot backfill: it loads only what the upstream shows today. Jobs that can: {string.Join(", ", windowed.Select(j => j.Name))}.");
    }

    private static DateOnly Day(ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            result.AddError($"'{token}' is not a date in yyyy-MM-dd form.");
        }

        return day;
    }
}
