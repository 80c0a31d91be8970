using System.Text.Json;
using DouyinEtl.Runs;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary><c>douyin-etl status --json</c> in a child process: how long it took and what it says is due.</summary>
internal sealed record WorkerStatus(TimeSpan Elapsed, int ExitCode, double PeakMiB, IReadOnlyDictionary<string, long> DueUnits, IReadOnlyList<string> Notes)
{
    public static async Task<WorkerStatus> RunAsync(IReadOnlyDictionary<string, string?> settings)
    {
        using var child = WorkerChild.Start(settings, echoErrors: false, "status", "--json");
        var (exitCode, peak) = await child.WaitWithPeakAsync(TimeSpan.FromMinutes(10));
        var elapsed = child.Elapsed;
        var json = string.Join('\n', child.Output.SkipWhile(l => !l.StartsWith('{')));
        using var report = JsonDocument.Parse(json);
        var due = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var job in report.RootElement.GetProperty("jobs").EnumerateArray())
        {
            if (job.GetProperty("due") is { ValueKind: JsonValueKind.Array } units)
            {
                due[job.GetProperty("job").GetString()!] = units.EnumerateArray().Sum(u => u.GetProperty("units").GetInt64());
            }
        }

        var notes = report.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.ToString()).ToList();
        return new WorkerStatus(elapsed, exitCode, peak, due, notes);
    }

    public long Due(string job) => DueUnits.TryGetValue(job, out var units) ? units : -1;
}
