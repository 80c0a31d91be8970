using Dapper;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Benchmarks.Reliability;

/// <summary>
/// A full sync as production runs it in CronJob mode: `douyin-etl run &lt;job&gt;` for each job in turn, each a real child
/// process configured by environment variables, its clock pinned to the harness's "now".
/// </summary>
internal static class ChildSync
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs one job. While it runs, <paramref name="interrupt"/> is polled about every millisecond; once it returns true
    /// (it killed the process, restarted the database…) it is not asked again.
    /// </summary>
    public static async Task<(int ExitCode, bool Interrupted, string Output)> RunJobAsync(Harness harness, Evidence evidence, string job, Func<WorkerProcess, Task<bool>>? interrupt = null)
    {
        await using var worker = WorkerProcess.Start(harness.ChildEnvironment(), "run", job);
        var interrupted = false;
        var deadline = DateTime.UtcNow + JobTimeout;
        while (!worker.HasExited && DateTime.UtcNow < deadline)
        {
            if (!interrupted && interrupt is not null)
            {
                interrupted = await interrupt(worker);
            }

            await Task.Delay(1);
        }

        if (!await worker.WaitForExitAsync(TimeSpan.FromMinutes(1)))
        {
            throw new TimeoutException($"douyin-etl run {job} did not end within {JobTimeout}");
        }

        var output = string.Join('\n', worker.Output);
        evidence.Texts.Add(output);
        return (worker.ExitCode, interrupted, output);
    }

    /// <summary>Every job once, no interruption; returns the jobs that did not exit 0.</summary>
    public static async Task<List<string>> RunAllAsync(Harness harness, Evidence evidence)
    {
        var failed = new List<string>();
        foreach (var job in FullSync.Jobs)
        {
            var (exitCode, _, output) = await RunJobAsync(harness, evidence, job);
            if (exitCode != 0)
            {
                failed.Add($"{job} exited {exitCode}: {output.Split('\n').LastOrDefault()}");
            }
        }

        return failed;
    }

    /// <summary>
    /// Paid answers asked again, by the run that first received them: for each request (endpoint, account, parameters)
    /// answered with HTTP 200 more than once, the repeats, counted against the run of the first answer.
    /// </summary>
    public static async Task<Dictionary<long, long>> RepeatsByRunAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = await connection.QueryAsync<(long RunId, long Repeats)>("""
            WITH ok AS (SELECT call_id, run_id, endpoint, account_id, request FROM raw.api_call WHERE http_status = 200),
                 asked AS (SELECT min(call_id) AS first_call, count(*) - 1 AS repeats FROM ok GROUP BY endpoint, account_id, request HAVING count(*) > 1)
            SELECT o.run_id, sum(a.repeats)::bigint FROM asked a JOIN ok o ON o.call_id = a.first_call GROUP BY o.run_id
            """);
        return rows.ToDictionary(r => r.RunId, r => r.Repeats);
    }

    /// <summary>Runs whose process died: still 'running', or closed as abandoned by the next run of their job.</summary>
    public static async Task<List<(long RunId, string Job, string Status)>> DeadRunsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return [.. await connection.QueryAsync<(long, string, string)>("SELECT run_id, job, status FROM etl.run WHERE status = 'running' OR error LIKE 'abandoned%' ORDER BY run_id")];
    }
}

/// <summary>
/// Where the interruptions of a sync fall: each a random number of paid answers after the previous one (0.2–0.7 times
/// an even share of the uninterrupted sync), so they spread over the whole sync, whatever restarts in between cost.
/// </summary>
internal sealed class InterruptionPoints(Random random, long referenceBilled, int count)
{
    private long _next = -1;

    public int Done { get; private set; }

    public bool Due(long billed)
    {
        if (_next < 0)
        {
            _next = Gap();
        }

        return Done < count && billed >= _next;
    }

    public void Happened(long billed)
    {
        Done++;
        _next = billed + Gap();
    }

    private long Gap() => Math.Max(1, (long)(referenceBilled / (count + 1.0) * (0.2 + (0.5 * random.NextDouble()))));
}
