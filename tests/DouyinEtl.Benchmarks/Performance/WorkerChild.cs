using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DouyinEtl.Runs;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// The built <c>douyin-etl</c> as a child process (<c>dotnet douyin-etl.dll …</c> next to this benchmark, or the one
/// <c>DOUYIN_BENCH_WORKER</c> names, e.g. a published build), configured
/// through environment variables as in production, its output kept (standard error also echoed unless asked not
/// to), its peak resident memory watched.
/// </summary>
internal sealed class WorkerChild : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly ConcurrentQueue<string> _output;

    private WorkerChild(Process process, Stopwatch sinceStart, ConcurrentQueue<string> output)
    {
        _process = process;
        _sinceStart = sinceStart;
        _output = output;
    }

    /// <summary>Started from <see cref="Start(IReadOnlyDictionary{string, string?}, bool, string[])"/>'s call; includes the fork and exec.</summary>
    public TimeSpan Elapsed => _sinceStart.Elapsed;

    /// <summary>Every line the process wrote, standard output and error interleaved as they arrived.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static WorkerChild Start(IReadOnlyDictionary<string, string?> settings, params string[] args) => Start(settings, echoErrors: true, args);

    public static WorkerChild Start(IReadOnlyDictionary<string, string?> settings, bool echoErrors, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOUYIN_BENCH_WORKER") ?? Path.Combine(AppContext.BaseDirectory, "douyin-etl.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var watch = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start douyin-etl");
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (echoErrors && line.Length > 0)
                {
                    Console.Error.WriteLine("  douyin-etl: " + line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerChild(process, watch, output);
    }

    /// <summary>Waits for the exit, reading the kernel's peak resident set (VmHWM) every 50 ms; returns the exit code and the peak in MiB.</summary>
    public async Task<(int ExitCode, double PeakMiB)> WaitWithPeakAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var peakKiB = 0L;
        while (!exited.IsCompleted)
        {
            peakKiB = Math.Max(peakKiB, HighWaterMarkKiB(_process.Id));
            if (_sinceStart.Elapsed > timeout)
            {
                throw new TimeoutException($"douyin-etl did not finish within {timeout}");
            }

            await Task.WhenAny(exited, Task.Delay(50));
        }

        await exited;
        return (_process.ExitCode, peakKiB / 1024.0);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static long HighWaterMarkKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
