using System.Globalization;
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
    TimeProvider clock,
    ILogger<LiveRoomsSync> log) : ISyncJob
{
    public const string Stream = "live-rooms";

    private readonly LiveRoomsOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "Live sessions (fetch_live_room_history_list): rooms by id and a room × day snapshot, in 90-day windows of start days.";

    public bool SupportsBackfill => true;

    public Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return WindowUnits.PlanAsync(
            accounts, dataSource, Stream, "windows", Windows(_options, period, now), (window, checkpoint) => IsDue(_options, window, checkpoint, now), SyncWindowAsync, cancellationToken);
    }

    /// <summary>The grid windows of start days in the period (default: HistoryDays back), through today, newest first.</summary>
    internal static List<DayWindow> Windows(LiveRoomsOptions options, RunPeriod period, DateTimeOffset now)
    {
        var today = ShanghaiTime.Day(now);
        var first = period.From ?? today.AddDays(-options.HistoryDays);
        var last = period.To is { } to && to < today ? to : today;
        return [.. DayWindow.Aligned(first, last, options.WindowDays)];
    }

    /// <summary>A window with a day through today that was never read, or holds a live room, or is not settled, once RefreshEvery passed (from the hour).</summary>
    internal static bool IsDue(LiveRoomsOptions options, DayWindow window, Checkpoint? checkpoint, DateTimeOffset now)
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
        if (state.Live == 0 && window.SettledBy(state.Through, completedAt, options.SettleDays))
        {
            return false;
        }

        // Floored to the hour, as item-list does, so hourly runs a few seconds early do not skip an hour.
        return ShanghaiTime.FloorToHour(completedAt) + options.RefreshEvery <= now;
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
        var problems = new PayloadProblems();
        var page = Read(response, problems, out var failure);
        if (failure is not null)
        {
            throw new UpstreamFailedException(UpstreamEndpoints.LiveRoomHistoryList, failure, 200, response.CallId);
        }

        if (page is null)
        {
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "payload_unreadable", "fetch_live_room_history_list data has no series list; kept raw, window left for the next run", response.CallId, cancellationToken);
            throw new UpstreamFailedException(UpstreamEndpoints.LiveRoomHistoryList, "unreadable live history payload", 200, response.CallId);
        }

        if (page.Served >= _options.Limit)
        {
            if (AskedInHalves(page, _options.Limit, window))
            {
                LogSplit(log, account.Id, window.Key, _options.Limit);
                var now = clock.GetUtcNow();
                await WindowUnits.SplitAsync(
                    dataSource, run, Stream, account, window, checkpoints, (w, c) => IsDue(_options, w, c, now), half => SyncWindowAsync(run, account, half, checkpoints, cancellationToken), now, cancellationToken);
                return;
            }

            await run.RecordProblemAsync(account.Id, Stream, window.Key, "window_truncated",
                $"one day holds {page.Served} or more live sessions, the most one call returns (limit {_options.Limit}); older ones of that day may be missing",
                response.CallId, cancellationToken);
        }

        var rows = LiveRoomRow.From(account.Id, page, response);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var written = await LiveRoomsSql.WriteAsync(connection, transaction, rows, cancellationToken);
            var now = clock.GetUtcNow();
            var state = new WindowState { Through = asked.Last, Rooms = rows.Count, Live = rows.Count(r => r.Session.IsLive) };
            await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, window.Key, state, now, now, run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            run.Counters.RowsWritten(written);
        }

        await run.RecordPayloadProblemsAsync(account.Id, Stream, window.Key, problems, response.CallId, cancellationToken);
    }

    /// <summary>
    /// The answer's sessions, as the live path and the replay read them; null when it holds no series list. A non-zero
    /// inner status, at either level, is a <paramref name="failure"/>: the unit fails on it and nothing is written.
    /// </summary>
    internal static LiveRoomPage? Read(UpstreamResponse response, PayloadProblems problems, out string? failure)
    {
        failure = null;
        if (response.Status != InnerStatus.Ok)
        {
            failure = $"inner status {response.InnerCode}: {response.InnerMessage}";
            return null;
        }

        var page = LiveRoomPage.Parse(response.Data, problems);
        if (page?.InnerCode is { } code)
        {
            failure = $"nested inner code {code}: {page.InnerMessage}";
        }

        return page;
    }

    /// <summary>An answer that filled the limit may be cut: its window is asked again in halves and nothing is written from it.</summary>
    internal static bool AskedInHalves(LiveRoomPage page, int limit, DayWindow window) => page.Served >= limit && window.CanSplit;

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
