using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Runs;
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
    TimeProvider clock,
    ILogger<ItemExportSync> log) : ISyncJob
{
    public const string Stream = "item-export";

    /// <summary>Unmatched rows of this many recent days count as known works when windows are planned.</summary>
    private const int UnmatchedLookbackDays = 7;

    private readonly ItemExportOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "The creator center's work-list export (fetch_item_list_download, xlsx), joined to works: a row per work and day.";

    /// <summary>Per account, the publish windows no landed export covers yet (<see cref="ExportPlan"/>), newest first.</summary>
    public async Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        var (today, historyStart, refreshStart, end) = ExportPlan.Range(_options.HistoryDays, _options.RefreshDays, period, clock.GetUtcNow());

        var units = new List<PlannedUnit>();
        var checkpointsOf = await Checkpoints.LoadAsync(dataSource, Stream, accounts.Select(a => a.Id), cancellationToken);
        var knownOf = await ItemExportSql.LoadKnownPublishTimesAsync(dataSource, [.. accounts.Select(a => a.Id)], historyStart, end, today.AddDays(-UnmatchedLookbackDays), cancellationToken);
        foreach (var account in accounts)
        {
            var covered = checkpointsOf[account.Id].Values
                .Where(c => c.CompletedAt is not null)
                .Select(c => c.Read<WindowState>())
                .OfType<WindowState>()
                .Select(s => new CoveredWindow(s.Start, s.End, s.SnapshotDay))
                .ToList();
            var due = ExportPlan.DueWindows(historyStart, refreshStart, end, today, covered, knownOf[account.Id], _options.PlannedWorksPerWindow);
            units.AddRange(due.Select(window => new PlannedUnit(account, window.Key, (run, ct) => ExportWindowAsync(run, account, window, ct))));
        }

        return JobPlan.Interleaved(Stream, "export windows", accounts, units);
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
        if (AskedInHalves(sheet, _options.MaxRowsPerExport, window))
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

        var records = await RecordsAsync(dataSource, account.Id, window, sheet, response, cancellationToken);
        await WriteAsync(run, account, window, ShanghaiTime.Day(response.RequestedAt), records, cancellationToken);
        if (records.Count == 0 && await KnownWorksAsync(account.Id, window, cancellationToken) is > 0 and var known)
        {
            // An empty window is normal; an empty file for a window whose works the item list has seen is not.
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "export_empty",
                string.Create(CultureInfo.InvariantCulture,
                    $"the export has no rows, yet {known} works published in the window are known from the item list (a genre filter of {_options.TypeFilterCodes().Length} genres applies); the answer is kept raw"),
                response.CallId, cancellationToken);
        }

        await run.RecordPayloadProblemsAsync(account.Id, Stream, window.Key, problems, response.CallId, cancellationToken);
        var ambiguous = records.Count(r => r.Match.Status == MatchStatus.Ambiguous);
        var unmatched = records.Count(r => r.Match.Status == MatchStatus.Unmatched);
        if (ambiguous + unmatched > 0)
        {
            await run.RecordProblemAsync(account.Id, Stream, window.Key, "export_unmatched",
                string.Create(CultureInfo.InvariantCulture,
                    $"{unmatched} of {records.Count} export rows match no known work and {ambiguous} match several (same title and publish time); they are kept in douyin.item_export_row with match_status and match_detail ({ShanghaiTime.Day(response.RequestedAt):yyyy-MM-dd})"),
                response.CallId, cancellationToken);
        }
    }

    private async Task<int> KnownWorksAsync(string accountId, PublishWindow window, CancellationToken cancellationToken) =>
        (await ItemExportSql.LoadKnownItemsAsync(dataSource, accountId, window.Start, window.End, cancellationToken)).Count;

    /// <summary>A full file (or "over 1000 works") may lack works: the window is asked again in halves and nothing is written from this answer.</summary>
    internal static bool AskedInHalves(ExportSheetData? sheet, int maxRows, PublishWindow window) =>
        (sheet is null || sheet.Rows.Count >= maxRows) && window.CanSplit;

    /// <summary>
    /// The sheet's rows joined to the account's known works, under the Beijing day of the call; built the same way live
    /// and in replay (which joins to the works known at replay time).
    /// </summary>
    internal static async Task<List<ExportRowRecord>> RecordsAsync(NpgsqlDataSource dataSource, string accountId, PublishWindow window, ExportSheetData sheet, UpstreamResponse response, CancellationToken cancellationToken)
    {
        var items = await ItemExportSql.LoadKnownItemsAsync(dataSource, accountId, window.Start.AddDays(-1), window.End.AddDays(1), cancellationToken);
        var matches = ExportMatcher.Match(sheet.Rows, items);
        var snapshotDay = ShanghaiTime.Day(response.RequestedAt);
        return [.. sheet.Rows.Select((row, i) => new ExportRowRecord(accountId, snapshotDay, row, matches[i], window, response.RequestedAt, response.CallId))];
    }

    /// <summary>The workbook's rows; null when the upstream says the window holds more than 1000 works. Anything else but a workbook throws, naming the kept call.</summary>
    internal static ExportSheetData? ReadAnswer(UpstreamResponse response, PayloadProblems problems)
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
        var written = await ItemExportSql.ReplaceWindowOfDayAsync(connection, transaction, account.Id, window, snapshotDay, records, cancellationToken);
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

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Export of {AccountId} window {Window} may be cut at the cap ({Rows} rows; none = the upstream said over 1000): asking again in halves")]
    private static partial void LogSplit(ILogger logger, string accountId, string window, int? rows);
}
