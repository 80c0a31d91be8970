using DouyinEtl.Hosting;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DouyinEtl.Testing;

/// <summary>The jobs the worker registers (WorkerHost.AddSyncJobs), read from a host built with placeholder settings.</summary>
internal static class RegisteredJobs
{
    public static IReadOnlyList<string> Names { get; } = Load();

    /// <summary>A worker host that is never started (nothing connects anywhere).</summary>
    public static IHost BuildHost() => WorkerHost.CreateBuilder(WorkerRole.Jobs, new Dictionary<string, string?>
    {
        ["ConnectionStrings:Warehouse"] = "Host=127.0.0.1;Port=1;Username=nobody",
        ["TikHub:ApiKey"] = "placeholder",
        ["Accounts:0:Id"] = "placeholder",
        ["Accounts:0:Cookie"] = TestCredentials.Cookie,
    }).Build();

    private static List<string> Load()
    {
        using var host = BuildHost();
        return [.. host.Services.GetRequiredService<JobRunner>().Jobs.Select(j => j.Name)];
    }
}
