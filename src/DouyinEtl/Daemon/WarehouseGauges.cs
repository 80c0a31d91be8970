using System.Diagnostics.Metrics;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Sync;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Daemon;

/// <summary>
/// The warehouse's own state as gauges, the same on every replica (read from the database, at most every 15 s), for
/// the alert rules in <c>deploy/prometheus/</c>: each enabled account's cookie state, each stream's staleness per
/// account (the rule of <c>douyin.pipeline_stream_status</c>), each job's last finished run and whether it spent its
/// call budget. Counters of one process (runs, 429s) cannot say this: they restart with the process and miss runs of
/// other replicas and CronJobs. The job's label is <c>job_name</c>: Prometheus gives every scraped series a <c>job</c>
/// label of its own (the scrape job), which would rename ours to <c>exported_job</c>.
/// </summary>
internal sealed class WarehouseGauges
{
    private const string AccountStates = "SELECT account_id, state FROM etl.account_status";

    private const string ManagedAccounts = "SELECT account_id FROM etl.managed_account WHERE enabled AND cookie_key_id IS NOT NULL";

    private const string Streams = """
        SELECT stream, account_id, max(completed_at) AS last_completed_at, max(updated_at) AS last_progress_at
        FROM etl.checkpoint GROUP BY stream, account_id
        """;

    private const string LastRuns = """
        SELECT DISTINCT ON (r.job) r.job, r.status, r.units_failed,
               EXISTS (SELECT 1 FROM etl.problem p WHERE p.run_id = r.run_id AND p.kind = 'budget_exhausted') AS budget_spent
        FROM etl.run r
        WHERE r.status <> 'running' AND r.job = ANY(@Jobs)
        ORDER BY r.job, r.started_at DESC, r.run_id DESC
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly string[] _jobs;
    private readonly string[] _configured;
    private readonly Lock _lock = new();
    private Reading _reading = new([], [], []);
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public WarehouseGauges(IMeterFactory meters, NpgsqlDataSource dataSource, TimeProvider clock, IEnumerable<ISyncJob> jobs, IOptions<List<AccountOptions>> accounts)
    {
        _dataSource = dataSource;
        _clock = clock;
        _jobs = [.. jobs.Select(j => j.Name)];
        _configured = [.. accounts.Value.Where(a => a.Enabled).Select(a => a.Id)];
        var meter = meters.Create(EtlMetrics.MeterName);
        meter.CreateObservableGauge(
            "douyin_etl_account_state",
            () => Read().Accounts.Select(a => new Measurement<int>(1, new("account", a.AccountId), new("state", a.State))),
            description: "1 for each enabled account's cookie state (ok, cookie_expired, no_permission), from etl.account_status.");
        meter.CreateObservableGauge(
            "douyin_etl_stream_staleness",
            () => Read().Streams.Select(s => new Measurement<double>((_clock.GetUtcNow() - s.Last).TotalSeconds, new("stream", s.Stream), new("account", s.AccountId))),
            unit: "s",
            description: "Seconds since a unit of the stream last completed for the account (since its last progress if none ever did); stale past 25 h.");
        meter.CreateObservableGauge(
            "douyin_etl_job_last_run",
            () => Read().Runs.Select(r => new Measurement<int>(1, new("job_name", r.Job), new("status", r.Status))),
            description: "1 for the status (succeeded, partly_failed, failed) of each job's last finished run, on any node.");
        meter.CreateObservableGauge(
            "douyin_etl_job_last_run_failed_units",
            () => Read().Runs.Select(r => new Measurement<long>(r.UnitsFailed, new KeyValuePair<string, object?>("job_name", r.Job))),
            description: "Units that failed in the job's last finished run (an expired cookie skips units, it does not fail them).");
        meter.CreateObservableGauge(
            "douyin_etl_job_budget_spent",
            () => Read().Runs.Select(r => new Measurement<int>(r.BudgetSpent ? 1 : 0, new KeyValuePair<string, object?>("job_name", r.Job))),
            description: "1 when the job's last finished run stopped because Sync:MaxCallsPerRun was spent.");
    }

    private Reading Read()
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (now - _readAt <= TimeSpan.FromSeconds(15))
            {
                return _reading;
            }

            try
            {
                using var connection = _dataSource.OpenConnection();
                var enabled = _configured.Concat(connection.Query<string>(new CommandDefinition(ManagedAccounts, commandTimeout: 5))).ToHashSet(StringComparer.Ordinal);
                var accounts = connection.Query<(string AccountId, string State)>(new CommandDefinition(AccountStates, commandTimeout: 5))
                    .Where(a => enabled.Contains(a.AccountId)).ToList();
                var streams = connection.Query<(string Stream, string AccountId, DateTime? Completed, DateTime Progress)>(new CommandDefinition(Streams, commandTimeout: 5))
                    .Where(s => enabled.Contains(s.AccountId))
                    .Select(s => (s.Stream, s.AccountId, Last: new DateTimeOffset(DateTime.SpecifyKind(s.Completed ?? s.Progress, DateTimeKind.Utc))))
                    .ToList();
                var runs = connection.Query<(string Job, string Status, long UnitsFailed, bool BudgetSpent)>(new CommandDefinition(LastRuns, new { Jobs = _jobs }, commandTimeout: 5)).ToList();
                _reading = new Reading(accounts, streams, runs);
                _readAt = now;
            }
            catch (NpgsqlException)
            {
                // Keep the last reading; readiness reports the database.
            }

            return _reading;
        }
    }

    private sealed record Reading(
        IReadOnlyList<(string AccountId, string State)> Accounts,
        IReadOnlyList<(string Stream, string AccountId, DateTimeOffset Last)> Streams,
        IReadOnlyList<(string Job, string Status, long UnitsFailed, bool BudgetSpent)> Runs);
}
