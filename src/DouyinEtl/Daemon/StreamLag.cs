using System.Diagnostics.Metrics;
using Dapper;
using DouyinEtl.Observability;
using DouyinEtl.Sync;
using Npgsql;

namespace DouyinEtl.Daemon;

/// <summary>
/// <c>douyin_etl_stream_lag_seconds</c>: per job, the seconds since its last successful run finished, on any node
/// (read from <c>etl.run</c>, at most every 15 s). Alert when it exceeds a few schedule intervals.
/// </summary>
internal sealed class StreamLag
{
    private const string LastSuccess = """
        SELECT job, max(finished_at) AS finished_at FROM etl.run
        WHERE status = 'succeeded' AND job = ANY(@Jobs)
        GROUP BY job
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly string[] _jobs;
    private readonly Lock _lock = new();
    private IReadOnlyList<(string Job, DateTime FinishedAt)> _cache = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public StreamLag(IMeterFactory meters, NpgsqlDataSource dataSource, TimeProvider clock, IEnumerable<ISyncJob> jobs)
    {
        _dataSource = dataSource;
        _clock = clock;
        _jobs = [.. jobs.Select(j => j.Name)];
        meters.Create(EtlMetrics.MeterName).CreateObservableGauge(
            "douyin_etl_stream_lag",
            Measure,
            unit: "s",
            description: "Seconds since the job's last successful run finished (any node), by job.");
    }

    private IEnumerable<Measurement<double>> Measure()
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (now - _readAt > TimeSpan.FromSeconds(15))
            {
                try
                {
                    using var connection = _dataSource.OpenConnection();
                    _cache = [.. connection.Query<(string, DateTime)>(new CommandDefinition(LastSuccess, new { Jobs = _jobs }, commandTimeout: 5))];
                    _readAt = now;
                }
                catch (NpgsqlException)
                {
                    // Keep the last reading; readiness reports the database.
                }
            }

            return [.. _cache.Select(r => new Measurement<double>(
                (now - new DateTimeOffset(DateTime.SpecifyKind(r.FinishedAt, DateTimeKind.Utc))).TotalSeconds,
                new KeyValuePair<string, object?>("job", r.Job)))];
        }
    }
}
