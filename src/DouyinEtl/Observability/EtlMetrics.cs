using System.Diagnostics.Metrics;
using DouyinEtl.Runs;

namespace DouyinEtl.Observability;

/// <summary>
/// The worker's own metrics (meter <see cref="MeterName"/>): upstream calls and throttling, rows and units per job,
/// run outcomes and durations. They cost nothing unless a listener is attached: the daemon exports them to
/// Prometheus; one-shot runs (CronJobs) report through <c>etl.run</c> instead.
/// </summary>
internal sealed class EtlMetrics
{
    public const string MeterName = "DouyinEtl";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _units;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _runSeconds;

    public EtlMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("douyin_etl_upstream_calls", description: "Upstream attempts sent to TikHub, retries included, by endpoint, HTTP status (none: no answer) and key id (name or fingerprint, never the key).");
        _throttled = meter.CreateCounter<long>("douyin_etl_upstream_throttled", description: "Upstream attempts answered 429 Too Many Requests, by endpoint.");
        _rows = meter.CreateCounter<long>("douyin_etl_rows_written", description: "Rows inserted or changed in the douyin schema, by job.");
        _units = meter.CreateCounter<long>("douyin_etl_units", description: "Units of work by job and result (done, failed, skipped).");
        _runs = meter.CreateCounter<long>("douyin_etl_runs", description: "Finished runs by job and outcome.");
        _runSeconds = meter.CreateHistogram<double>("douyin_etl_run_duration", unit: "s", description: "Run duration by job.");
    }

    public void UpstreamCall(string endpoint, string keyId, int? httpStatus)
    {
        var status = httpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
        _calls.Add(1, new("endpoint", endpoint), new("status", status), new("key", keyId));
        if (httpStatus == 429)
        {
            _throttled.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        }
    }

    /// <summary>Adds what a run achieved since the last report (<paramref name="now"/> minus <paramref name="before"/>).</summary>
    public void Progress(string job, RunCountersSnapshot before, RunCountersSnapshot now)
    {
        var tag = new KeyValuePair<string, object?>("job", job);
        AddIfPositive(_rows, now.RowsWritten - before.RowsWritten, tag);
        AddIfPositive(_units, now.UnitsDone - before.UnitsDone, tag, new("result", "done"));
        AddIfPositive(_units, now.UnitsFailed - before.UnitsFailed, tag, new("result", "failed"));
        AddIfPositive(_units, now.UnitsSkipped - before.UnitsSkipped, tag, new("result", "skipped"));
    }

    public void RunFinished(string job, RunOutcome outcome, TimeSpan duration)
    {
        _runs.Add(1, new("job", job), new("outcome", outcome.ToString()));
        _runSeconds.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("job", job));
    }

    private static void AddIfPositive(Counter<long> counter, long value, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (value > 0)
        {
            counter.Add(value, tags);
        }
    }
}
