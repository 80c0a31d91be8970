using System.Diagnostics;
using System.Globalization;
using DouyinEtl.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

#pragma warning disable CA1050 // The runtime looks for a type named StartupHook in the global namespace.

/// <summary>
/// A .NET startup hook for child <c>douyin-etl</c> processes (<see cref="WorkerProcess.PinnedClock"/>): with
/// <c>DOTNET_STARTUP_HOOKS</c> naming this assembly and <see cref="NowVariable"/> set, every host the worker builds gets a
/// clock frozen at that instant, so a real, unmodified worker process sees the same "now" as the sandbox and the test.
/// It listens for the hosting library's "HostBuilding" event, the way WebApplicationFactory reaches into a program's host.
/// </summary>
internal static class StartupHook
{
    public const string NowVariable = "DOUYIN_ETL_TEST_NOW";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(NowVariable) is not { Length: > 0 } now)
        {
            return;
        }

        var clock = new FixedClock(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name == "Microsoft.Extensions.Hosting")
            {
                listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
                {
                    if (e.Key == "HostBuilding" && e.Value is IHostBuilder builder)
                    {
                        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
                    }
                }));
            }
        }));
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
