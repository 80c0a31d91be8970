using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.ItemList;

/// <summary>
/// The item list: per account, the publish calendar in monthly windows, newest first, each paged newest-first by
/// cursor. Every page lands its items and metric snapshots with the window's checkpoint in one transaction. Windows
/// older than the refresh horizon are fetched once; recent ones are re-paged at most every <c>RefreshEvery</c>.
/// </summary>
internal sealed partial class ItemListSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<ItemListOptions> options,
    TimeProvider clock,
    ILogger<ItemListSync> log) : ISyncJob
{
    public const string Stream = "item-list";

    private readonly ItemListOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "Works and their hourly metric snapshots (fetch_item_list), paged by publish month.";

    public bool SupportsBackfill => true;

    public Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return WindowUnits.PlanAsync(
            accounts, dataSource, Stream, "publish windows", Windows(_options, period, now), (window, checkpoint) => IsDue(_options, window, checkpoint, now), SyncWindowAsync, cancellationToken);
    }

    /// <summary>The publish months of the period (default: HistoryDays back to today), newest first; never a month that has not begun.</summary>
    internal static List<PublishWindow> Windows(ItemListOptions options, RunPeriod period, DateTimeOffset now)
    {
        var today = ShanghaiTime.Day(now);
        var last = period.To is { } to && to < today ? to : today;
        return [.. PublishWindow.Months(period.From ?? today.AddDays(-options.HistoryDays), last)];
    }

    /// <summary>Unfinished or never fetched; else, a month that ended within RefreshDays, once RefreshEvery passed since the hour of its last fetch.</summary>
    internal static bool IsDue(ItemListOptions options, PublishWindow window, Checkpoint? checkpoint, DateTimeOffset now)
    {
        var state = checkpoint?.Read<WindowState>() ?? new WindowState();
        if (state.Cursor is not null || checkpoint?.CompletedAt is not { } completedAt)
        {
            return true;
        }

        if (window.End <= now.AddDays(-options.RefreshDays))
        {
            return false;
        }

        return ShanghaiTime.FloorToHour(completedAt) + options.RefreshEvery <= now;
    }

    private async Task SyncWindowAsync(RunContext run, Account account, PublishWindow window, IReadOnlyDictionary<string, Checkpoint> checkpoints, CancellationToken cancellationToken)
    {
        checkpoints.TryGetValue(window.Key, out var checkpoint);
        var state = checkpoint?.Read<WindowState>() ?? new WindowState();
        var cursor = state.Cursor;
        var pages = cursor is null ? 0 : state.Pages;
        var itemCount = cursor is null ? 0 : state.Items;
        var requestEnd = window.End <= clock.GetUtcNow() ? window.End : clock.GetUtcNow();

        while (true)
        {
            var body = new JsonObject
            {
                ["start_time"] = window.Start.ToUnixTimeMilliseconds(),
                ["end_time"] = requestEnd.ToUnixTimeMilliseconds() - 1,
                ["count"] = _options.PageSize,
                ["order_by"] = 1,
                ["fields"] = "metrics,review,visibility",
                ["need_cooperation"] = true,
                ["need_long_article"] = true,
            };
            if (cursor is not null)
            {
                body["cursor"] = cursor;
            }

            var scope = cursor is null ? window.Key : $"{window.Key} cursor {cursor}";
            var response = await client.CallAsync(run, new UpstreamRequest(UpstreamEndpoints.ItemList, account, body, Stream, scope), cancellationToken);
            switch (response.Status)
            {
                case InnerStatus.RangeTooLarge when window.CanSplit:
                    await SplitAsync(run, account, window, checkpoints, cancellationToken);
                    return;
                case InnerStatus.RangeTooLarge:
                    throw new UpstreamFailedException(UpstreamEndpoints.ItemList, $"more than 1000 works reported in the one-minute window {window.Key}", 200, response.CallId);
                case InnerStatus.Error:
                    throw new UpstreamFailedException(UpstreamEndpoints.ItemList, $"inner status {response.InnerCode}: {response.InnerMessage}", 200, response.CallId);
            }

            var problems = new PayloadProblems();
            var page = response.Status == InnerStatus.NoDataYet
                ? new ItemListPage(false, null, [], 0)
                : ItemListPage.Parse(response.Data, problems);
            if (page is null)
            {
                await run.RecordProblemAsync(account.Id, Stream, scope, "payload_unreadable", "fetch_item_list data has no items list; kept raw, window left for the next run", response.CallId, cancellationToken);
                throw new UpstreamFailedException(UpstreamEndpoints.ItemList, "unreadable item list payload", 200, response.CallId);
            }

            pages++;
            itemCount += page.Items.Count;
            var advanced = page.Cursor is { } next && (cursor is null || next < cursor);
            var finished = !page.HasMore || page.Items.Count == 0 || !advanced;
            if (page.HasMore && finished)
            {
                LogCursorStuck(log, account.Id, window.Key, cursor, page.Cursor, page.Items.Count);
                await run.RecordProblemAsync(account.Id, Stream, scope, "cursor_stuck",
                    $"has_more=true but the page had {page.Items.Count} items and cursor {page.Cursor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} after {cursor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the first page"}; stopped paging this window",
                    response.CallId, cancellationToken);
            }

            var nextState = finished
                ? new WindowState { Pages = pages, Items = itemCount }
                : new WindowState { Cursor = page.Cursor, Pages = pages, Items = itemCount };
            var written = await WritePageAsync(run, account, window, page, response, nextState, finished ? clock.GetUtcNow() : checkpoint?.CompletedAt, cancellationToken);
            run.Counters.RowsWritten(written);
            await run.RecordPayloadProblemsAsync(account.Id, Stream, scope, problems, response.CallId, cancellationToken);
            await RecordUndatedAsync(run, account, scope, page, response.CallId, cancellationToken);

            if (finished)
            {
                return;
            }

            cursor = page.Cursor;
        }
    }

    /// <summary>
    /// Works listed without a publish time land (their id and metrics are real), but nothing can be planned for them:
    /// their age decides the per-work refresh and the 90-day horizon, and the export is joined by publish time. The run
    /// says so (exit 2) instead of leaving them silently unmeasured; a later listing that carries the time fills it in.
    /// </summary>
    private static async Task RecordUndatedAsync(RunContext run, Account account, string scope, ItemListPage page, long callId, CancellationToken cancellationToken)
    {
        var undated = page.Items.Where(i => i.PublishTime is null).Select(i => i.ItemId).ToList();
        if (undated.Count == 0)
        {
            return;
        }

        var examples = string.Join(", ", undated.Take(3)) + (undated.Count > 3 ? ", …" : "");
        await run.RecordIncompleteAsync(account.Id, Stream, scope, "publish_time_missing",
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{undated.Count} of the page's {page.Items.Count} works have no publish time ({examples}): they are kept in douyin.item without it, and get no per-work analytics and no export row until a listing carries it"),
            callId, cancellationToken);
    }

    private async Task<int> WritePageAsync(
        RunContext run,
        Account account,
        PublishWindow window,
        ItemListPage page,
        UpstreamResponse response,
        WindowState state,
        DateTimeOffset? completedAt,
        CancellationToken cancellationToken)
    {
        var rows = ItemListRows.From(page, account.Id, response.CallId, response.RequestedAt);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await rows.WriteAsync(connection, transaction, cancellationToken);
        await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, window.Key, state, completedAt, clock.GetUtcNow(), run.RunId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private async Task SplitAsync(RunContext run, Account account, PublishWindow window, IReadOnlyDictionary<string, Checkpoint> checkpoints, CancellationToken cancellationToken)
    {
        LogSplit(log, account.Id, window.Key);
        var now = clock.GetUtcNow();
        await WindowUnits.SplitAsync(
            dataSource, run, Stream, account, window, checkpoints, (w, c) => IsDue(_options, w, c, now), half => SyncWindowAsync(run, account, half, checkpoints, cancellationToken), now, cancellationToken);
    }

    /// <summary>Checkpoint of one window: the cursor of a pass in progress, or (with completed_at) a finished pass. Split windows carry WindowUnits' marker instead.</summary>
    internal sealed record WindowState
    {
        public long? Cursor { get; init; }

        public int Pages { get; init; }

        public int Items { get; init; }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Window {Window} of {AccountId} holds more than 1000 works: splitting it")]
    private static partial void LogSplit(ILogger logger, string accountId, string window);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Cursor of {AccountId} window {Window} did not advance ({Cursor} -> {Next}, {Items} items) although has_more: stopped paging it")]
    private static partial void LogCursorStuck(ILogger logger, string accountId, string window, long? cursor, long? next, int items);
}
