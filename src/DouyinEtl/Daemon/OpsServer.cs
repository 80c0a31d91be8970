using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace DouyinEtl.Daemon;

/// <summary>
/// The daemon's small HTTP side (<c>Daemon:Urls</c>): <c>/health/live</c> (the process and its scheduler are not
/// broken: restart it if this fails), <c>/health/ready</c> (database reachable, schema current, scheduler running)
/// and <c>/metrics</c> (Prometheus text). It starts before the scheduler and stops after it.
/// </summary>
internal sealed partial class OpsServer(
    IOptions<DaemonOptions> options,
    HealthCheckService health,
    MeterProvider meters,
    ILogger<OpsServer> log) : IHostedService, IAsyncDisposable
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Value.Urls);
        var app = builder.Build();
        app.MapGet("/health/live", (HttpContext http) => ReportAsync(http, LiveTag));
        app.MapGet("/health/ready", (HttpContext http) => ReportAsync(http, ReadyTag));
        app.MapPrometheusScrapingEndpoint("/metrics", meters, null, null);
        await app.StartAsync(cancellationToken);
        _app = app;
        LogListening(log, string.Join(", ", app.Urls));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task ReportAsync(HttpContext http, string tag)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(tag), http.RequestAborted);
        http.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            http.Response.Body,
            new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            },
            cancellationToken: http.RequestAborted);
    }

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Health and metrics at {Urls} (/health/live, /health/ready, /metrics)")]
    private static partial void LogListening(ILogger logger, string urls);
}
