using System.Collections.Concurrent;
using System.Diagnostics;
using DouyinEtl.Runs;

namespace DouyinEtl.Testing;

/// <summary>
/// The built <c>douyin-etl</c> as a real child process (<c>dotnet douyin-etl.dll …</c> from the test's bin folder),
/// configured through environment variables as in production, with its output kept for assertions.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
    }

    public int Id => _process.Id;

    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args) => StartProcess(environment, [], null, args);

    /// <summary>Starts the worker through <paramref name="wrapper"/> (e.g. <c>setpriv</c> to run it as another user), if any.</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> wrapper, params string[] args) =>
        StartProcess(environment, wrapper, null, args);

    /// <param name="environment">Variables on top of this process's.</param>
    /// <param name="stdin">Written to the child's standard input, which is then closed; null leaves it unredirected.</param>
    /// <param name="args">The command line.</param>
    public static WorkerProcess StartWithInput(IReadOnlyDictionary<string, string?> environment, string? stdin, params string[] args) =>
        StartProcess(environment, [], stdin, args);

    private static WorkerProcess StartProcess(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> wrapper, string? stdin, string[] args)
    {
        var start = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        if (wrapper.Count > 0)
        {
            foreach (var arg in wrapper.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add(DotnetHost());
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, Binary(args)));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start douyin-etl"));
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process._process.StandardInput.Write(stdin);
            process._process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>Environment that freezes the child's clock at <paramref name="now"/> (see <see cref="StartupHook"/>).</summary>
    public static Dictionary<string, string?> PinnedClock(DateTimeOffset now) => new()
    {
        ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
        [StartupHook.NowVariable] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Runs to the end and returns the exit code (the process is killed after <paramref name="timeout"/>).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args) =>
        RunAsync(environment, [], timeout, args);

    /// <summary>Runs to the end with <paramref name="stdin"/> as its standard input and returns the exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunWithInputAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, string? stdin, params string[] args) =>
        RunProcessAsync(environment, [], timeout, stdin, args);

    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> wrapper, TimeSpan timeout, params string[] args) =>
        RunProcessAsync(environment, wrapper, timeout, null, args);

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> wrapper, TimeSpan timeout, string? stdin, string[] args)
    {
        await using var worker = StartProcess(environment, wrapper, stdin, args);
        using var cancel = new CancellationTokenSource(timeout);
        await worker._process.WaitForExitAsync(cancel.Token);
        worker._process.WaitForExit(); // flushes the redirected output
        return (worker.ExitCode, string.Join('\n', worker.Output));
    }

    /// <summary>SIGKILL: the process dies at once, as on a node failure or an OOM kill.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM: what Kubernetes, systemd and docker send to stop it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>`demo` ships only in <c>douyin-demo</c> (it holds the sandbox); every other verb is the production worker's.</summary>
    private static string Binary(string[] args) => args is ["demo", ..] ? "douyin-demo.dll" : "douyin-etl.dll";

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
