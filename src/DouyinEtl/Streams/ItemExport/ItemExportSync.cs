using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>
/// The creator center's own export, daily: per account, the publish windows no landed export covers yet (history once,
/// the refresh horizon once per Beijing day), each one call answered with an .xlsx. Every row is typed, joined to its
/// work by title + publish time and landed with the window's checkpoint in one transaction; rows that match no work or
/// several are landed too, with the reason. Run it after item-list: the join needs the works it lists.
/// </summary>
internal sealed partial class ItemExportSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<ItemExportOptions> options,
    IOptions<SyncOptions> syncOptions,
    TimeProvider clock,
    ILogger<ItemExportSync> log) : ISyncJob
{
    public const string Stream = "item-export";

    /// <summary>Unmatched rows of this many recent days count as known works when windows are planned.</summary>
    private const int UnmatchedLookbackDays = 7;

    private readonly ItemExportOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "The creator center's work-list export (fetch_item_list_download, xlsx), joined to works: a row per work and day.";

    public async Task RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ShanghaiTime.Day(now);
        // By default back to the first of the month, as item-list pages whole months: the export covers the works it lists.
        var oldest = today.AddDays(-_options.HistoryDays);
        var historyStart = ShanghaiTime.StartOfDay(run.Period.From ?? new DateOnly(oldest.Year, oldest.Month, 1));
        var refreshStart = ShanghaiTime.StartOfDay(today.AddDays(-_options.RefreshDays));
        var lastDay = run.Period.To is { } to && to < today ? to : today;
        var end = ShanghaiTime.StartOfDay(lastDay.AddDays(1));

        var units = new List<(int Order, int AccountIndex, Account Account, PublishWindow Window)>();
        for (var accountIndex = 0; accountIndex < run.Accounts.Count; accountIndex++)
        {
            var account = run.Accounts[accountIndex];
            var covered = (await Checkpoints.LoadAsync(dataSource, Stream, account.Id, cancellationToken)).Values
                .Where(c => c.CompletedAt is not null)
                .Select(c => c.Read<WindowState>())
                .OfType<WindowState>()
                .Select(s => new CoveredWindow(s.Start, s.End, s.SnapshotDay))
                .ToList();
            var known = await ItemExportSql.LoadKnownPublishTimesAsync(dataSource, account.Id, historyStart, end, today.AddDays(-UnmatchedLookbackDays), cancellationToken);
            var due = ExportPlan.DueWindows(historyStart, refreshStart, end, today, covered, known, _options.PlannedWorksPerWindow);
            units.AddRange(due.Select((window, order) => (order, accountIndex, account, window)));
        }

        LogPlanned(log, units.Count, run.Accounts.Count);
        await Parallel.ForEachAsync(
            units.OrderBy(u => u.Order).ThenBy(u => u.AccountIndex),
            new ParallelOptions { MaxDegreeOfParallelism = syncOptions.Value.Concurrency, CancellationToken = cancellationToken },
            async (unit, token) => await run.RunUnitAsync(unit.Account, Stream, unit.Window.Key, ct => ExportWindowAsync(run, unit.Account, unit.Window, ct), token));
    }

    private async Task ExportWindowAsync(RunContext run, Account account, PublishWindow window, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["min_cursor"] = window.Start.ToUnixTimeMilliseconds(),
            ["max_cursor"] = window.End.ToUnixTimeMilliseconds() - 1,
            ["type_filters"] = new JsonArray([.. _options.TypeFilterCodes().Select(c => JsonValue.Create(c))]),
            ["need_long_article"] = _options.NeedLongArticle,
        };
        var request = new UpstreamRequest(UpstreamEndpoints.ItemListDownload, account, body, Stream, window.Key) { ExpectsFile = true };
        var response = await client.CallAsync(run, request, cancellationToken);
        var problems = new PayloadProblems();
        var sheet = ReadAnswer(response, problems);

        // The export stops at its cap without saying so, so a full file may lack works: ask again in halves.
        if ((sheet is null || sheet.Rows.Count >= _options.MaxRowsPerExport) && window.CanSplit)
        {
            LogSplit(log, account.Id, window.Key, sheet?.Rows.Count);
            var (newer, older) = window.Split();
            await ExportWindowAsync(run, account, newer, cancellationToken);
            await ExportWindowAsync(run, account, older, cancellationToken);
            return;
        }

        if (sheet is null)
        {
            throw new UpstreamFailedException(UpstreamEndpoints.ItemListDownload, $"more than 1000 works reported in the one-minute window {window.Key}", 200, response.CallId);
        }

        if (sheet.Rows.Count >= _options.MaxRowsPerExport)
        {
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "export_truncated",
                $"{sheet.Rows.Count} rows, the export's cap, for a one-minute window: works beyond the cap are missing", response.CallId, cancellationToken);
        }

        var items = await ItemExportSql.LoadKnownItemsAsync(dataSource, account.Id, window.Start.AddDays(-1), window.End.AddDays(1), cancellationToken);
        var matches = ExportMatcher.Match(sheet.Rows, items);
        var snapshotDay = ShanghaiTime.Day(response.RequestedAt);
        var records = sheet.Rows.Select((row, i) => new ExportRowRecord(account.Id, snapshotDay, row, matches[i], window, response.RequestedAt, response.CallId)).ToList();
        await WriteAsync(run, account, window, snapshotDay, records, cancellationToken);

        await run.RecordPayloadProblemsAsync(account.Id, Stream, window.Key, problems, response.CallId, cancellationToken);
        var ambiguous = matches.Count(m => m.Status == MatchStatus.Ambiguous);
        var unmatched = matches.Count(m => m.Status == MatchStatus.Unmatched);
        if (ambiguous + unmatched > 0)
        {
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "export_unmatched",
                string.Create(CultureInfo.InvariantCulture,
                    $"{unmatched} of {records.Count} export rows match no known work and {ambiguous} match several (same title and publish time); they are kept in douyin.item_export_row with match_status and match_detail ({snapshotDay:yyyy-MM-dd})"),
                response.CallId, cancellationToken);
        }
    }

    /// <summary>The workbook's rows; null when the upstream says the window holds more than 1000 works. Anything else but a workbook throws, naming the kept call.</summary>
    private static ExportSheetData? ReadAnswer(UpstreamResponse response, PayloadProblems problems)
    {
        switch (response)
        {
            case { Status: InnerStatus.RangeTooLarge }:
                return null;
            case { Status: InnerStatus.NoDataYet }:
                return new ExportSheetData([], [], []);
            case { Status: InnerStatus.Error }:
                throw new UpstreamFailedException(UpstreamEndpoints.ItemListDownload,
                    $"the export came back as JSON with inner status {response.InnerCode} ({response.InnerMessage}) instead of a workbook; kept as call {response.CallId}", 200, response.CallId);
            case { File: null }:
                throw new UpstreamFailedException(UpstreamEndpoints.ItemListDownload,
                    $"the answer is a JSON envelope without a workbook; kept as call {response.CallId}", 200, response.CallId);
        }

        try
        {
            return ExportWorkbook.Read(response.File, problems);
        }
        catch (ExportWorkbookException ex)
        {
            throw new UpstreamFailedException(UpstreamEndpoints.ItemListDownload, $"{ex.Message}; the bytes are kept as call {response.CallId}", 200, response.CallId);
        }
    }

    /// <summary>Replaces the window's rows of that day and checkpoints the window, in one transaction.</summary>
    private async Task WriteAsync(RunContext run, Account account, PublishWindow window, DateOnly snapshotDay, List<ExportRowRecord> records, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            ItemExportSql.DeleteWindowOfDay,
            new { AccountId = account.Id, SnapshotDay = snapshotDay, Start = window.Start.UtcDateTime, End = window.End.UtcDateTime },
            transaction,
            cancellationToken: cancellationToken));
        var written = await ItemExportSql.Rows.ExecuteAsync(connection, transaction, records, cancellationToken);
        var state = new WindowState { Start = window.Start, End = window.End, SnapshotDay = snapshotDay, Rows = records.Count };
        await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, window.Key, state, clock.GetUtcNow(), clock.GetUtcNow(), run.RunId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        run.Counters.RowsWritten(written);
    }

    /// <summary>Checkpoint of a landed window: its range and the day of the snapshot it gave.</summary>
    internal sealed record WindowState
    {
        public DateTimeOffset Start { get; init; }

        public DateTimeOffset End { get; init; }

        public DateOnly SnapshotDay { get; init; }

        public int Rows { get; init; }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Item export: {Units} window(s) due for {Accounts} account(s)")]
    private static partial void LogPlanned(ILogger logger, int units, int accounts);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Export of {AccountId} window {Window} may be cut at the cap ({Rows} rows; none = the upstream said over 1000): asking again in halves")]
    private static partial void LogSplit(ILogger logger, string accountId, string window, int? rows);
}
