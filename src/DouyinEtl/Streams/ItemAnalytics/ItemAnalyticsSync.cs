using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemAnalytics.ItemOverview;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>
/// The per-work fan-out over the seven item endpoints. One query finds every work × endpoint that is due (from the
/// work's age and its last fetch, see <see cref="RefreshPolicy"/>); overview data goes in batches of many ids, the others
/// one work at a time, all with bounded concurrency under the shared rate limiter. Each work × endpoint commits its rows
/// with its bookkeeping row in one transaction, so a stopped run (budget, crash) resumes without paying twice, and one
/// work's failure stays its own.
/// </summary>
internal sealed partial class ItemAnalyticsSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<ItemAnalyticsOptions> options,
    TimeProvider clock,
    ILogger<ItemAnalyticsSync> log) : ISyncJob
{
    public const string Stream = "item-analytics";

    private const string PassScope = "due works";

    private readonly ItemAnalyticsOptions _options = options.Value;
    private readonly IReadOnlyList<string> _overviewSections = OverviewAnswer.Sections(options.Value.OverviewFields);
    private readonly RefreshPolicy _policy = new(RefreshPolicy.Parse(options.Value.RefreshTiers, out _)!);
    private readonly IReadOnlyList<WorkEndpoint> _analyses = WorkEndpoints.Enabled(options.Value.Endpoints);

    public string Name => Stream;

    public string Description =>
        "Per-work analytics (fetch_item_overview_data, _play_source, _search_keyword, _watch_trend 1/2/7, _audience_portrait, _audience_others, _danmaku_analysis), refreshed by the works' age.";

    /// <summary>
    /// What a run does now: the due query's work × endpoint units (youngest works first), cut to the
    /// <c>MaxItemsPerRun</c> youngest works, as overview batches first, then single-work units. A pass that was not cut
    /// by the cap or the budget marks the accounts' pass when it is through.
    /// </summary>
    public async Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var plan = await LoadPlanAsync(accounts, period, cancellationToken);
        return new JobPlan(Stream, "work × endpoint calls", Units(accounts, plan), plan.Batches.Count + plan.Singles.Count, DueReport(accounts, plan))
        {
            AfterRunAsync = (run, ct) => plan.Capped || run.BudgetExhausted ? Task.CompletedTask : MarkPassesAsync(run, plan.Due, ct),
        };
    }

    /// <summary>
    /// The units of work, overview batches first, made as the loop takes them: a large catalog has hundreds of
    /// thousands of due work × endpoint pairs, and a scope text and a closure for each, built up front, cost more
    /// memory than the due list itself.
    /// </summary>
    private IEnumerable<PlannedUnit> Units(IReadOnlyList<Account> accounts, Plan plan)
    {
        // Logged when the run starts taking units, not when the plan is made: status plans too, and runs nothing.
        if (plan.Capped)
        {
            LogCapped(log, plan.DueWorks, _options.MaxItemsPerRun);
        }

        var byId = accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var batch in plan.Batches)
        {
            var account = byId[batch[0].AccountId];
            var scope = $"{UpstreamEndpoints.ItemOverviewData} {batch.Count} works from {batch[0].ItemId}";
            yield return new PlannedUnit(account, scope, (run, ct) => FetchOverviewAsync(run, account, batch, scope, ct));
        }

        var byKey = _analyses.ToDictionary(a => (a.Endpoint, a.Variant));
        foreach (var unit in plan.Singles)
        {
            var account = byId[unit.AccountId];
            var analysis = byKey[(unit.Endpoint, unit.Variant)];
            var scope = unit.Variant.Length == 0 ? $"{unit.ItemId} {unit.Endpoint}" : $"{unit.ItemId} {unit.Endpoint} type {unit.Variant}";
            yield return new PlannedUnit(account, scope, (run, ct) => FetchItemAsync(run, account, unit, analysis, scope, ct));
        }
    }

    /// <summary>Per account: the units and works due, and the cap when it cuts the run.</summary>
    private List<DueWork> DueReport(IReadOnlyList<Account> accounts, Plan plan)
    {
        var cap = plan.Capped ? $"; the run takes the {_options.MaxItemsPerRun} youngest of {plan.DueWorks} due works (ItemAnalytics:MaxItemsPerRun)" : "";
        var batches = plan.Batches.CountBy(b => b[0].AccountId, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var singles = plan.Singles.CountBy(u => u.AccountId, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var works = plan.Due.DistinctBy(u => (u.AccountId, u.ItemId)).CountBy(u => u.AccountId, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        return [.. accounts.Select(account =>
        {
            var (b, s, w) = (batches.GetValueOrDefault(account.Id), singles.GetValueOrDefault(account.Id), works.GetValueOrDefault(account.Id));
            return new DueWork(account.Id, b + s, "work × endpoint calls", w == 0 ? null : $"{w} works: {b} overview batch(es), {s} single-work calls{cap}");
        })];
    }

    /// <summary>The due query's units (youngest works first), cut to the <c>MaxItemsPerRun</c> youngest works, as overview batches and single-work units.</summary>
    private async Task<Plan> LoadPlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var due = await LoadDueAsync(accounts, period, clock.GetUtcNow(), cancellationToken);
        var items = due.Select(u => u.ItemId).Distinct(StringComparer.Ordinal).ToList();
        var capped = _options.MaxItemsPerRun > 0 && items.Count > _options.MaxItemsPerRun;
        if (capped)
        {
            var kept = items.Take(_options.MaxItemsPerRun).ToHashSet(StringComparer.Ordinal);
            due = [.. due.Where(u => kept.Contains(u.ItemId))];
        }

        return new Plan(due, [.. OverviewBatches(due)], [.. due.Where(u => u.Endpoint != UpstreamEndpoints.ItemOverviewData)], items.Count, capped);
    }

    /// <summary>A run's units: <see cref="Due"/> (after the cap) as overview batches and single-work units; <see cref="DueWorks"/> before the cap.</summary>
    private sealed record Plan(List<DueUnit> Due, List<IReadOnlyList<DueUnit>> Batches, List<DueUnit> Singles, int DueWorks, bool Capped);

    /// <summary>
    /// A checkpoint per account for a finished pass (scope "due works": every unit due for the account was attempted),
    /// so the pipeline's stream-freshness view covers this job too. The units' own progress is etl.item_refresh,
    /// committed with their rows; a pass cut short by the budget or the work cap leaves the previous mark.
    /// </summary>
    private async Task MarkPassesAsync(RunContext run, IReadOnlyList<DueUnit> due, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var account in run.Accounts.Where(run.IsUsable))
        {
            var own = due.Where(u => u.AccountId == account.Id).ToList();
            var state = new PassState(own.Count, own.Select(u => u.ItemId).Distinct(StringComparer.Ordinal).Count());
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, PassScope, state, now, now, run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>What the last pass over an account had to do.</summary>
    internal sealed record PassState(int Units, int Works);

    private async Task<List<DueUnit>> LoadDueAsync(IReadOnlyList<Account> accounts, RunPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var endpoints = new List<(string Endpoint, string Variant, bool VideoOnly)>();
        if (_options.Endpoints.Overview)
        {
            endpoints.Add((UpstreamEndpoints.ItemOverviewData, "", false));
        }

        endpoints.AddRange(_analyses.Select(a => (a.Endpoint, a.Variant, a.VideoOnly)));

        // Read row by row, each row's account, endpoint, variant and work id (its rows are adjacent) replaced by one shared
        // copy: the list holds a unit per due work × endpoint, and Dapper would give every row its own strings.
        var shared = accounts.Select(a => a.Id).Concat(endpoints.Select(e => e.Endpoint)).Concat(endpoints.Select(e => e.Variant))
            .Distinct(StringComparer.Ordinal).ToDictionary(t => t, StringComparer.Ordinal);
        string Shared(string text) => shared.GetValueOrDefault(text, text);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<DueUnit>(
            ItemRefreshSql.Due,
            new
            {
                AccountIds = accounts.Select(a => a.Id).ToArray(),
                Endpoints = endpoints.Select(e => e.Endpoint).ToArray(),
                Variants = endpoints.Select(e => e.Variant).ToArray(),
                VideoOnly = endpoints.Select(e => e.VideoOnly).ToArray(),
                period.From,
                period.To,
                Explicit = period.From is not null,
                HorizonStart = _policy.HorizonStart(now).UtcDateTime,
                Now = now.UtcDateTime,
            });
        var due = new List<DueUnit>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var itemId = due.Count > 0 && due[^1].ItemId == row.ItemId ? due[^1].ItemId : row.ItemId;
            due.Add(row with { ItemId = itemId, AccountId = Shared(row.AccountId), Endpoint = Shared(row.Endpoint), Variant = Shared(row.Variant) });
        }

        return due;
    }

    /// <summary>Due overview units per account, youngest works first, in full batches of OverviewBatchSize (the last one of each account may be short).</summary>
    private IEnumerable<IReadOnlyList<DueUnit>> OverviewBatches(IEnumerable<DueUnit> due) =>
        due.Where(u => u.Endpoint == UpstreamEndpoints.ItemOverviewData)
            .GroupBy(u => u.AccountId, StringComparer.Ordinal)
            .SelectMany(account => account.Chunk(_options.OverviewBatchSize));

    private async Task FetchItemAsync(RunContext run, Account account, DueUnit unit, WorkEndpoint analysis, string scope, CancellationToken cancellationToken)
    {
        var response = await client.CallAsync(run, new UpstreamRequest(analysis.Endpoint, account, analysis.Body(unit.ItemId), Stream, scope), cancellationToken);
        var problems = new PayloadProblems();
        var answer = AnalyticsAnswer.ForItem(analysis, unit.ItemId, account.Id, response, problems);
        await LandAsync(run, account, scope, analysis.Endpoint, analysis.Variant, [unit], response, answer, problems, cancellationToken);
    }

    private async Task FetchOverviewAsync(RunContext run, Account account, IReadOnlyList<DueUnit> batch, string scope, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["ids"] = string.Join(',', batch.Select(u => u.ItemId)), ["fields"] = _options.OverviewFields };
        var response = await client.CallAsync(run, new UpstreamRequest(UpstreamEndpoints.ItemOverviewData, account, body, Stream, scope), cancellationToken);
        var problems = new PayloadProblems();
        var answer = AnalyticsAnswer.ForOverview([.. batch.Select(u => u.ItemId)], _overviewSections, account.Id, response, problems);
        await LandAsync(run, account, scope, UpstreamEndpoints.ItemOverviewData, "", batch, response, answer, problems, cancellationToken);
    }

    /// <summary>
    /// Commits the answer's rows with each work's bookkeeping (when it is due next) and fetch record. A billed answer that
    /// could not be used is booked as failed with a back-off (so it is not paid for again this run or the next), then
    /// reported by failing the unit.
    /// </summary>
    private async Task LandAsync(
        RunContext run,
        Account account,
        string scope,
        string endpoint,
        string variant,
        IReadOnlyList<DueUnit> units,
        UpstreamResponse response,
        AnalyticsAnswer answer,
        PayloadProblems problems,
        CancellationToken cancellationToken)
    {
        var fetch = new FetchContext(endpoint, variant, account.Id, response.RequestedAt, response.CallId, run.RunId);
        var byItem = units.ToDictionary(u => u.ItemId, StringComparer.Ordinal);
        var outcomes = answer.Works.Select(w => Outcome(byItem[w.ItemId], w.Status, w.Rows, response.RequestedAt)).ToList();
        run.Counters.RowsWritten(await CommitAsync(fetch, outcomes, answer.WriteAsync, cancellationToken));
        await run.RecordPayloadProblemsAsync(account.Id, Stream, scope, problems, response.CallId, cancellationToken);
        if (answer.Failure is { } failure)
        {
            throw new UpstreamFailedException(endpoint, failure, 200, response.CallId);
        }
    }

    private UnitOutcome Outcome(DueUnit unit, RefreshStatus status, int rows, DateTimeOffset fetchedAt) =>
        new(unit.ItemId, status, rows, _policy.NextDue(unit.Published, fetchedAt, status == RefreshStatus.Failed ? unit.Failures + 1 : 0));

    private async Task<int> CommitAsync(FetchContext fetch, IReadOnlyList<UnitOutcome> outcomes, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>>? write, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = write is null ? 0 : await write(connection, transaction, cancellationToken);
        await ItemRefreshSql.RecordAsync(connection, transaction, fetch, outcomes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Item analytics: {Due} works are due; this run takes the {Cap} youngest (ItemAnalytics:MaxItemsPerRun), the rest stay due")]
    private static partial void LogCapped(ILogger logger, int due, int cap);
}
