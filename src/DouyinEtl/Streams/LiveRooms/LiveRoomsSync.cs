using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.LiveRooms;

/// <summary>
/// The live history: per account, the start days cut into 90-day windows on a fixed grid, one call per window (up to
/// today, live rooms included). A window that fills the 400-room limit may be truncated without a word, so it is split
/// in halves, recursively. Each window lands its rooms (latest state by room id) and the day's snapshot with its
/// checkpoint. Settled windows are read once; recent ones, and any that held a live room, are re-read every
/// <c>RefreshEvery</c> until the room has ended and the window has settled.
/// </summary>
internal sealed partial class LiveRoomsSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<LiveRoomsOptions> options,
    IOptions<SyncOptions> syncOptions,
    TimeProvider clock,
    ILogger<LiveRoomsSync> log) : ISyncJob
{
    public const string Stream = "live-rooms";

    private readonly LiveRoomsOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "Live sessions (fetch_live_room_history_list): rooms by id and a room × day snapshot, in 90-day windows of start days.";

    public bool SupportsBackfill => true;

    public async Task RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ShanghaiTime.Day(now);
        var first = run.Period.From ?? today.AddDays(-_options.HistoryDays);
        var last = run.Period.To is { } to && to < today ? to : today;

        await WindowUnits.RunAsync(
            run,
            dataSource,
            Stream,
            syncOptions.Value.Concurrency,
            log,
            [.. DayWindow.Aligned(first, last, _options.WindowDays)],
            (window, checkpoint) => IsDue(window, checkpoint, now),
            (account, window, checkpoints, ct) => SyncWindowAsync(run, account, window, checkpoints, ct),
            cancellationToken);
    }

    private bool IsDue(DayWindow window, Checkpoint? checkpoint, DateTimeOffset now)
    {
        if (window.AvailableThrough(ShanghaiTime.Day(now)) is null)
        {
            return false;
        }

        if (checkpoint?.CompletedAt is not { } completedAt)
        {
            return true;
        }

        var state = checkpoint.Read<WindowState>() ?? new WindowState();
        if (state.Live == 0 && window.SettledBy(state.Through, completedAt, _options.SettleDays))
        {
            return false;
        }

        // Floored to the hour, as item-list does, so hourly runs a few seconds early do not skip an hour.
        return ShanghaiTime.FloorToHour(completedAt) + _options.RefreshEvery <= now;
    }

    private async Task SyncWindowAsync(RunContext run, Account account, DayWindow window, IReadOnlyDictionary<string, Checkpoint> checkpoints, CancellationToken cancellationToken)
    {
        var asked = window.AvailableThrough(ShanghaiTime.Day(clock.GetUtcNow())) ?? window;
        var body = new JsonObject
        {
            ["start_date"] = asked.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["end_date"] = asked.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["limit"] = _options.Limit,
            ["need_living"] = 1,
            ["download"] = 0,
        };
        var response = await client.CallAsync(run, new UpstreamRequest(UpstreamEndpoints.LiveRoomHistoryList, account, body, Stream, window.Key), cancellationToken);
        if (response.Status != InnerStatus.Ok)
        {
            throw new UpstreamFailedException(UpstreamEndpoints.LiveRoomHistoryList, $"inner status {response.InnerCode}: {response.InnerMessage}", 200, response.CallId);
        }

        var problems = new PayloadProblems();
        var page = LiveRoomPage.Parse(response.Data, problems);
        if (page is null)
        {
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "payload_unreadable", "fetch_live_room_history_list data has no series list; kept raw, window left for the next run", response.CallId, cancellationToken);
            throw new UpstreamFailedException(UpstreamEndpoints.LiveRoomHistoryList, "unreadable live history payload", 200, response.CallId);
        }

        if (page.InnerCode is { } code)
        {
            throw new UpstreamFailedException(UpstreamEndpoints.LiveRoomHistoryList, $"nested inner code {code}: {page.InnerMessage}", 200, response.CallId);
        }

        if (page.Served >= _options.Limit)
        {
            if (window.CanSplit)
            {
                LogSplit(log, account.Id, window.Key, _options.Limit);
                var now = clock.GetUtcNow();
                await WindowUnits.SplitAsync(
                    dataSource, run, Stream, account, window, checkpoints, (w, c) => IsDue(w, c, now), half => SyncWindowAsync(run, account, half, checkpoints, cancellationToken), now, cancellationToken);
                return;
            }

            await run.RecordProblemAsync(account.Id, Stream, window.Key, "window_truncated",
                $"one day holds {page.Served} or more live sessions, the most one call returns (limit {_options.Limit}); older ones of that day may be missing",
                response.CallId, cancellationToken);
        }

        var day = ShanghaiTime.Day(response.RequestedAt);
        var rows = page.Rooms.Select(r => new LiveRoomRow(account.Id, r, response.RequestedAt, day, response.CallId)).ToList();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var written = await LiveRoomsSql.Rooms.ExecuteAsync(connection, transaction, rows, cancellationToken);
            written += await LiveRoomsSql.Daily.ExecuteAsync(connection, transaction, rows, cancellationToken);
            var now = clock.GetUtcNow();
            var state = new WindowState { Through = asked.Last, Rooms = rows.Count, Live = rows.Count(r => r.Session.IsLive) };
            await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, window.Key, state, now, now, run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            run.Counters.RowsWritten(written);
        }

        await run.RecordPayloadProblemsAsync(account.Id, Stream, window.Key, problems, response.CallId, cancellationToken);
    }

    /// <summary>Checkpoint of a window: read through which day, how many rooms, how many of them were live.</summary>
    internal sealed record WindowState
    {
        public DateOnly? Through { get; init; }

        public int Rooms { get; init; }

        public int Live { get; init; }
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Live window {Window} of {AccountId} returned the full {Limit} rooms: splitting it")]
    private static partial void LogSplit(ILogger logger, string accountId, string window, int limit);
}
