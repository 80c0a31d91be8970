using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DouyinEtl.Sandbox;

/// <summary>
/// A fake TikHub on loopback. Tests, the demo and benchmarks start it in process; <c>douyin-sandbox</c> runs it alone.
/// Routes under <c>/sandbox/</c> exist only here: ground truth, call counts and fault switches.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxState state)
    {
        _app = app;
        State = state;
    }

    public SandboxState State { get; }

    public SandboxWorld World => State.World;

    public CallCounter Calls => State.Calls;

    public SandboxOptions Options => State.Options;

    public string BaseUrl { get; private set; } = "";

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddSingleton(TimeProvider.System);
        var app = builder.Build();

        // The host's clock: the real one, or the one a test pins in a child process (a startup hook registers it).
        var state = new SandboxState(options, app.Services.GetRequiredService<TimeProvider>());
        MapRoutes(app, state);
        var server = new SandboxServer(app, state);
        await app.StartAsync(cancellationToken);
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    /// <summary>Every TikHub endpoint the sandbox serves. New endpoint families register here.</summary>
    private static void MapRoutes(IEndpointRouteBuilder routes, SandboxState state)
    {
        var pipeline = new TikHubPipeline(state);
        pipeline.Map(routes, ItemListEndpoint.Name, ItemListEndpoint.Validate, ItemListEndpoint.Handle);
        pipeline.Map(routes, ItemExportEndpoint.Name, ItemExportEndpoint.Validate, ItemExportEndpoint.Handle);
        ItemExportEndpoint.MapTruth(routes, state);
        pipeline.Map(routes, ItemOverviewEndpoint.Name, ItemOverviewEndpoint.Validate, ItemOverviewEndpoint.Handle);
        WorkEndpoints.Map(pipeline, routes);
        pipeline.Map(routes, AuthorDiagnosisEndpoint.Name, AuthorDiagnosisEndpoint.Validate, AuthorDiagnosisEndpoint.Handle);
        pipeline.Map(routes, ItemAnalysisEndpoints.InvolvedVerticalName, ItemAnalysisEndpoints.ValidateInvolvedVertical, ItemAnalysisEndpoints.HandleInvolvedVertical);
        pipeline.Map(routes, ItemAnalysisEndpoints.OverviewName, ItemAnalysisEndpoints.ValidateOverview, ItemAnalysisEndpoints.HandleOverview);
        pipeline.Map(routes, ItemAnalysisEndpoints.ItemPerformanceName, ItemAnalysisEndpoints.ValidateItemPerformance, ItemAnalysisEndpoints.HandleItemPerformance);
        pipeline.Map(routes, LiveRoomHistoryEndpoint.Name, LiveRoomHistoryEndpoint.Validate, LiveRoomHistoryEndpoint.Handle);

        MapSandboxRoutes(routes, state);
    }

    private static void MapSandboxRoutes(IEndpointRouteBuilder routes, SandboxState state)
    {
        routes.MapGet("/sandbox/health", () => Results.Ok(new { status = "ok" }));
        routes.MapGet("/sandbox/accounts", () => Results.Json(state.World.Accounts.Select(a => new { id = a.Id, name = a.Name, cookie = a.Cookie })));
        routes.MapGet("/sandbox/calls", () => Results.Json(state.Calls.Snapshot()));
        routes.MapPost("/sandbox/calls/reset", () =>
        {
            state.Calls.Reset();
            return Results.NoContent();
        });
        routes.MapPut("/sandbox/faults", (FaultOptions faults) =>
        {
            state.SetFaults(faults);
            return Results.NoContent();
        });
        routes.MapGet("/sandbox/mutations", () => Results.Json(state.Mutator.Mutations.Select(m => new { m.Sequence, m.Endpoint, request_id = m.RequestId, kind = m.Kind.ToString(), m.Path, m.Detail, bytes = m.Served.Length })));
        routes.MapPut("/sandbox/expired", (List<string> accountIds) =>
        {
            state.Options.ExpiredAccounts = accountIds;
            return Results.NoContent();
        });
        AccountLevelTruth.Map(routes, state);
        routes.MapGet("/sandbox/truth/items", (string? account, DateTimeOffset? at) =>
        {
            var now = at ?? state.Clock.GetUtcNow();
            var items = account is null ? state.World.AllVisibleItems(now) : state.World.VisibleItems(account, now);
            return Results.Json(items.Select(i => TruthItem(i, now)));
        });
        routes.MapGet("/sandbox/truth/item-analytics", (string item_id, DateTimeOffset? at) =>
        {
            var now = at ?? state.Clock.GetUtcNow();
            var analytics = state.World.Analytics;
            return analytics.Find(item_id) is not { } item || item.PublishTime > now
                ? Results.NotFound()
                : Results.Json(new
                {
                    item_id = item.Id,
                    day = ShanghaiClock.Day(now),
                    no_data_yet = analytics.NoDataYet(item, now),
                    overview = analytics.Overview(item, now),
                    play_source = analytics.PlaySources(item, now),
                    search_keyword = analytics.SearchKeywords(item, now),
                    watch_trend = WorkEndpoints.WatchTrendTypes.Select(type => analytics.WatchTrend(item, now, type)),
                    audience_portrait = analytics.Portrait(item, now),
                    audience_others = analytics.AudienceOthers(item, now),
                    danmaku = analytics.Danmaku(item, now),
                });
        });
    }

    private static JsonObject TruthItem(SandboxItem item, DateTimeOffset at)
    {
        var m = SandboxWorld.MetricsAt(item, at);
        return new JsonObject
        {
            ["item_id"] = item.Id,
            ["account_id"] = item.AccountId,
            ["title"] = item.Title,
            ["publish_time"] = item.PublishTime.ToString("O", CultureInfo.InvariantCulture),
            ["genre"] = item.Genre,
            ["creator_type"] = item.CreatorType,
            ["duration_ms"] = item.DurationMs,
            ["review_status"] = item.ReviewStatus,
            ["is_public"] = item.IsPublic,
            ["metrics_hour"] = ShanghaiClock.FloorToHour(at).ToString("O", CultureInfo.InvariantCulture),
            ["view_count"] = m.ViewCount,
            ["like_count"] = m.LikeCount,
            ["comment_count"] = m.CommentCount,
            ["share_count"] = m.ShareCount,
            ["favorite_count"] = m.FavoriteCount,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
