using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.ContentAnalysis;

/// <summary>
/// The content analysis: per account, the publish calendar in 90-day windows on a fixed grid (the upstream refuses
/// longer ranges), each read in steps: the verticals first, then the four performance rankings and the overview, which
/// are asked with those verticals. Every step commits its rows with the window's checkpoint, so a killed run resumes at
/// the next step with the same verticals and end day instead of paying for the window again. Windows are read through
/// yesterday; recent ones are re-read every <c>RefreshEvery</c> until <c>SettleDays</c> after their last day.
/// </summary>
internal sealed class ContentAnalysisSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<ContentAnalysisOptions> options,
    TimeProvider clock) : ISyncJob
{
    public const string Stream = "item-analysis";

    /// <summary>The upstream answers 400 beyond this; such a request is never sent.</summary>
    public const int MaxWindowDays = 90;

    private readonly ContentAnalysisOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "Content analysis (fetch_item_analysis_*): verticals, overview and the works ranked by views, likes, comments and shares, per 90-day window.";

    public bool SupportsBackfill => true;

    public Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();

        // The same undocumented field turns up in every answer: one problem per run says it.
        var reported = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        return WindowUnits.PlanAsync(
            accounts,
            dataSource,
            Stream,
            "windows",
            Windows(_options, period, now),
            (window, checkpoint) => IsDue(_options, window, checkpoint, now),
            (run, account, window, checkpoints, ct) => SyncWindowAsync(run, account, window, checkpoints, reported, ct),
            cancellationToken);
    }

    /// <summary>The grid windows of the period (default: HistoryDays back), through yesterday, newest first.</summary>
    internal static List<DayWindow> Windows(ContentAnalysisOptions options, RunPeriod period, DateTimeOffset now)
    {
        var yesterday = Yesterday(now);
        var first = period.From ?? yesterday.AddDays(-options.HistoryDays);
        var last = period.To is { } to && to < yesterday ? to : yesterday;
        return [.. DayWindow.Aligned(first, last, options.WindowDays)];
    }

    /// <summary>A window with a day through yesterday that is unfinished, or not settled and last read RefreshEvery ago (from the hour).</summary>
    internal static bool IsDue(ContentAnalysisOptions options, DayWindow window, Checkpoint? checkpoint, DateTimeOffset now)
    {
        if (window.AvailableThrough(Yesterday(now)) is null)
        {
            return false;
        }

        var state = checkpoint?.Read<WindowState>();
        if (state is null || !state.Finished(options.EffectiveMetricTypes) || checkpoint!.CompletedAt is not { } completedAt)
        {
            return true;
        }

        return !window.SettledBy(state.Through, completedAt, options.SettleDays)
               && ShanghaiTime.FloorToHour(completedAt) + options.RefreshEvery <= now;
    }

    private async Task SyncWindowAsync(
        RunContext run,
        Account account,
        DayWindow window,
        IReadOnlyDictionary<string, Checkpoint> checkpoints,
        ConcurrentDictionary<string, bool> reported,
        CancellationToken cancellationToken)
    {
        checkpoints.TryGetValue(window.Key, out var checkpoint);
        var previous = checkpoint?.Read<WindowState>();
        var metricTypes = _options.EffectiveMetricTypes;

        // A pass in progress resumes with the verticals and end day it started with; otherwise a new pass starts.
        var pass = previous is { Verticals: not null } started && !started.Finished(metricTypes) ? started : new WindowState();
        var asked = pass.Through is { } through ? window with { Last = through } : window.AvailableThrough(Yesterday(clock.GetUtcNow()))!;
        if (asked.Days > MaxWindowDays)
        {
            throw new InvalidOperationException($"window {asked.Key} spans {asked.Days} days; the content analysis takes at most {MaxWindowDays}");
        }

        var step = new Step(run, account, window, checkpoint?.CompletedAt, reported);
        if (pass.Verticals is null)
        {
            var (response, problems) = await CallAsync(step, UpstreamEndpoints.ItemAnalysisInvolvedVertical, Body(asked), cancellationToken);
            var verticals = ContentAnalysisSteps.ReadVerticals(response, problems) ?? throw Unreadable(step, response);
            pass = pass with { Through = asked.Last, Verticals = verticals };
            var scope = Scope(account, window, asked, response);
            await SaveAsync(step, pass, response, problems, (connection, transaction) =>
                ContentAnalysisSteps.WriteVerticalsAsync(connection, transaction, scope, verticals, cancellationToken), cancellationToken);
        }

        if (pass.Verticals.Count == 0)
        {
            // Nothing published (or nothing classified) in the window: the other calls would pay for empty answers.
            return;
        }

        // The rankings first: four calls on one endpoint held to its own rate, so they start as early as possible.
        foreach (var metricType in metricTypes.Except(pass.MetricTypes).ToList())
        {
            var body = WithSelection(Body(asked), pass.Verticals);
            body["metric_type"] = metricType;
            var (response, problems) = await CallAsync(step, UpstreamEndpoints.ItemAnalysisItemPerformance, body, cancellationToken);
            var entries = ContentAnalysisSteps.ReadPerformance(response, metricType, problems) ?? throw Unreadable(step, response);
            pass = pass with { MetricTypes = [.. pass.MetricTypes, metricType] };
            var scope = Scope(account, window, asked, response);
            await SaveAsync(step, pass, response, problems, (connection, transaction) =>
                ContentAnalysisSteps.WritePerformanceAsync(connection, transaction, scope, metricType, entries, cancellationToken), cancellationToken);
        }

        if (!pass.Overview)
        {
            var body = WithSelection(Body(asked), pass.Verticals);
            var (response, problems) = await CallAsync(step, UpstreamEndpoints.ItemAnalysisOverview, body, cancellationToken);
            if (!ContentAnalysisSteps.TryReadOverview(response, problems, out var overview))
            {
                throw Unreadable(step, response);
            }

            pass = pass with { Overview = true };
            var scope = Scope(account, window, asked, response);
            await SaveAsync(step, pass, response, problems, (connection, transaction) =>
                ContentAnalysisSteps.WriteOverviewAsync(connection, transaction, scope, _options.EffectiveGenres, pass.Verticals, overview, cancellationToken), cancellationToken);
        }
    }

    private async Task<(UpstreamResponse Response, PayloadProblems Problems)> CallAsync(Step step, string endpoint, JsonObject body, CancellationToken cancellationToken)
    {
        var response = await client.CallAsync(step.Run, new UpstreamRequest(endpoint, step.Account, body, Stream, step.Window.Key), cancellationToken);
        switch (response.Status)
        {
            case InnerStatus.NoDataYet:
                await step.Run.RecordProblemAsync(step.Account.Id, Stream, step.Window.Key, "no_data_yet",
                    $"{endpoint}: inner status {response.InnerCode} ({response.InnerMessage}); landed as empty until the window is read again", response.CallId, cancellationToken);
                break;
            case InnerStatus.Error or InnerStatus.RangeTooLarge:
                throw new UpstreamFailedException(endpoint, $"inner status {response.InnerCode}: {response.InnerMessage}", 200, response.CallId);
        }

        return (response, new PayloadProblems());
    }

    /// <summary>Commits one step's rows with the window's checkpoint; the pass is complete (completed_at) once its last step is in.</summary>
    private async Task SaveAsync(Step step, WindowState pass, UpstreamResponse response, PayloadProblems problems, Func<NpgsqlConnection, NpgsqlTransaction, Task<int>> write, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var written = await write(connection, transaction);
            var now = clock.GetUtcNow();
            var completedAt = pass.Finished(_options.EffectiveMetricTypes) ? now : step.PreviousCompletedAt;
            await Checkpoints.SaveAsync(connection, transaction, Stream, step.Account.Id, step.Window.Key, pass, completedAt, now, step.Run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            step.Run.Counters.RowsWritten(written);
        }

        await step.Run.RecordPayloadProblemsAsync(step.Account.Id, Stream, step.Window.Key, ContentAnalysisSteps.FirstSeen(problems, step.Reported), response.CallId, cancellationToken);
    }

    /// <summary>The unit fails (recorded with the call) and the step is asked again by the next run: the raw answer is kept.</summary>
    private static UpstreamFailedException Unreadable(Step step, UpstreamResponse response) =>
        new(Stream, $"the answer for window {step.Window.Key} is not a shape we can read (payload_unreadable); kept raw", 200, response.CallId);

    private static JsonObject Body(DayWindow asked) => new()
    {
        ["start_date"] = asked.First.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        ["end_date"] = asked.Last.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
    };

    private JsonObject WithSelection(JsonObject body, IReadOnlyList<string> verticals)
    {
        body["genres"] = new JsonArray([.. _options.EffectiveGenres.Select(g => (JsonNode)g)]);
        body["primary_verticals"] = new JsonArray([.. verticals.Select(v => (JsonNode)v)]);
        return body;
    }

    private static AnalysisScope Scope(Account account, DayWindow window, DayWindow asked, UpstreamResponse response) =>
        new(account.Id, window.First, window.Last, asked.Last, response.RequestedAt, response.CallId);

    /// <summary>The last Beijing day the creator center has content-analysis data for.</summary>
    internal static DateOnly Yesterday(DateTimeOffset now) => ShanghaiTime.Day(now).AddDays(-1);

    private sealed record Step(RunContext Run, Account Account, DayWindow Window, DateTimeOffset? PreviousCompletedAt, ConcurrentDictionary<string, bool> Reported);

    /// <summary>
    /// Checkpoint of a window: the pass in progress or last finished — the end day asked, the verticals the first call
    /// returned, and which of the following calls are in.
    /// </summary>
    internal sealed record WindowState
    {
        public DateOnly? Through { get; init; }

        public List<string>? Verticals { get; init; }

        public bool Overview { get; init; }

        public List<int> MetricTypes { get; init; } = [];

        public bool Finished(IReadOnlyList<int> metricTypes) =>
            Verticals is not null && (Verticals.Count == 0 || (Overview && metricTypes.All(MetricTypes.Contains)));
    }
}
