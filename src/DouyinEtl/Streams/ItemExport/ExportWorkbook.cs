using ClosedXML.Excel;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>One row of the export with every value typed. <see cref="CellText"/> keeps, by header, the printed text of values that are missing or approximate.</summary>
internal sealed record ExportRow(
    int SheetRow,
    string? Title,
    DateTimeOffset? PublishTime,
    TimePrecision PublishTimePrecision,
    string? Genre,
    string? ReviewStatus,
    long? ViewCount,
    decimal? CompletionRate,
    decimal? CompletionRate5s,
    decimal? CoverClickRate,
    decimal? BounceRate2s,
    decimal? AvgViewSecond,
    long? LikeCount,
    long? ShareCount,
    long? CommentCount,
    long? FavoriteCount,
    long? HomepageVisitCount,
    long? SubscribeCount,
    IReadOnlyDictionary<string, string> CellText,
    IReadOnlyDictionary<string, string> ExtraColumns);

/// <summary>What a workbook held: its rows, and the headers it lacked or added.</summary>
internal sealed record ExportSheetData(IReadOnlyList<ExportRow> Rows, IReadOnlyList<string> MissingColumns, IReadOnlyList<string> ExtraHeaders);

/// <summary>A body that is not a usable export: not an xlsx, or without the columns a row needs to find its work.</summary>
internal sealed class ExportWorkbookException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads "作品列表导出.xlsx" from its bytes with ClosedXML: finds the header row, maps columns by their Chinese names
/// (any order; unknown columns kept aside), and types every cell. Odd values are reported to the caller's problems,
/// with their text kept on the row; a body that is not a workbook, or lacks 作品名称/发布时间, throws.
/// </summary>
internal static class ExportWorkbook
{
    /// <summary>The real file has its headers in row 1; a banner row or two above them is tolerated.</summary>
    private const int HeaderSearchRows = 5;

    public static ExportSheetData Read(byte[] body, PayloadProblems problems)
    {
        try
        {
            using var workbook = new XLWorkbook(new MemoryStream(body, writable: false));
            return ReadSheet(workbook, problems);
        }
        catch (ExportWorkbookException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new ExportWorkbookException($"the body ({body.Length:N0} bytes) is not a readable .xlsx workbook ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static ExportSheetData ReadSheet(XLWorkbook workbook, PayloadProblems problems)
    {
        var found = workbook.Worksheets
            .Select(sheet => (Sheet: sheet, Header: FindHeaderRow(sheet)))
            .FirstOrDefault(s => s.Header is not null);
        if (found.Sheet is null)
        {
            if (workbook.Worksheets.All(s => s.FirstCellUsed() is null))
            {
                // Nothing at all: an export of a window without works.
                return new ExportSheetData([], [], []);
            }

            throw new ExportWorkbookException(
                $"no sheet has a header row naming the export's columns ({ExportColumns.Header(ExportColumn.Title)}, {ExportColumns.Header(ExportColumn.PublishTime)}, …) in its first {HeaderSearchRows} rows");
        }

        var (sheet, headerRow) = (found.Sheet, found.Header!);
        var columns = new Dictionary<ExportColumn, int>();
        var extras = new List<(int Number, string Header)>();
        foreach (var cell in headerRow.CellsUsed())
        {
            var header = cell.GetString();
            var number = cell.Address.ColumnNumber;
            if (ExportColumns.Find(header) is not { } column)
            {
                extras.Add((number, string.IsNullOrWhiteSpace(header) ? $"column {number}" : header.Trim()));
            }
            else if (!columns.TryAdd(column, number))
            {
                problems.Add($"the export names {ExportColumns.Header(column)} twice; the first one (column {columns[column]}) is read");
            }
        }

        var missing = ExportColumns.All.Where(c => !columns.ContainsKey(c)).ToList();
        var missingRequired = missing.Where(ExportColumns.IsRequired).Select(ExportColumns.Header).ToList();
        if (missingRequired.Count > 0)
        {
            throw new ExportWorkbookException(
                $"the export has no {string.Join(" or ", missingRequired)} column, so no row can be joined to its work " +
                $"(headers found: {string.Join(", ", headerRow.CellsUsed().Select(c => c.GetString()))})");
        }

        foreach (var column in missing)
        {
            problems.Add($"the export has no {ExportColumns.Header(column)} column: that value is left empty on every row");
        }

        var rows = new List<ExportRow>();
        var lastRow = sheet.LastRowUsed()?.RowNumber() ?? 0;
        for (var number = headerRow.RowNumber() + 1; number <= lastRow; number++)
        {
            var row = sheet.Row(number);
            if (!row.IsEmpty())
            {
                rows.Add(ReadRow(row, columns, extras, problems));
            }
        }

        return new ExportSheetData(rows, [.. missing.Select(ExportColumns.Header)], [.. extras.Select(e => e.Header)]);
    }

    private static IXLRow? FindHeaderRow(IXLWorksheet sheet)
    {
        for (var number = 1; number <= HeaderSearchRows; number++)
        {
            var row = sheet.Row(number);
            var known = row.CellsUsed().Count(c => ExportColumns.Find(c.GetString()) is not null);
            if (known >= 2)
            {
                return row;
            }
        }

        return null;
    }

    private static ExportRow ReadRow(IXLRow row, Dictionary<ExportColumn, int> columns, List<(int Number, string Header)> extras, PayloadProblems problems)
    {
        var cellText = new Dictionary<string, string>(StringComparer.Ordinal);
        ExportCell Cell(ExportColumn column) => columns.TryGetValue(column, out var number) ? ExportCell.Read(row.Cell(number)) : ExportCell.Empty;

        T? Typed<T>(ExportColumn column, Func<ExportCell, CellValue<T>> read)
            where T : struct
        {
            var cell = Cell(column);
            var value = read(cell);
            Keep(column, cell, value.Unreadable, value.Approximate, value.Why);
            return value.Value;
        }

        string? Text(ExportColumn column)
        {
            var cell = Cell(column);
            var (text, why) = ExportValues.Text(cell);
            Keep(column, cell, why is not null, false, why);
            return text;
        }

        void Keep(ExportColumn column, ExportCell cell, bool unreadable, bool approximate, string? why)
        {
            if (unreadable)
            {
                problems.Add($"{ExportColumns.Header(column)} \"{Shorten(cell.Text)}\" is {why} (its text is kept in cell_text)");
            }

            if (unreadable || approximate)
            {
                cellText[ExportColumns.Header(column)] = cell.Text;
            }
        }

        var publishCell = Cell(ExportColumn.PublishTime);
        var (publishTime, precision) = ExportValues.PublishTime(publishCell);
        Keep(ExportColumn.PublishTime, publishCell, publishTime.Unreadable, false, publishTime.Why);

        var extraColumns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (number, header) in extras)
        {
            var cell = ExportCell.Read(row.Cell(number));
            if (cell.Kind != ExportCellKind.Empty)
            {
                extraColumns[header] = cell.Text;
            }
        }

        return new ExportRow(
            SheetRow: row.RowNumber(),
            Title: Text(ExportColumn.Title),
            PublishTime: publishTime.Value,
            PublishTimePrecision: precision,
            Genre: Text(ExportColumn.Genre),
            ReviewStatus: Text(ExportColumn.ReviewStatus),
            ViewCount: Typed(ExportColumn.Views, ExportValues.Count),
            CompletionRate: Typed(ExportColumn.CompletionRate, ExportValues.Rate),
            CompletionRate5s: Typed(ExportColumn.CompletionRate5s, ExportValues.Rate),
            CoverClickRate: Typed(ExportColumn.CoverClickRate, ExportValues.Rate),
            BounceRate2s: Typed(ExportColumn.BounceRate2s, ExportValues.Rate),
            AvgViewSecond: Typed(ExportColumn.AvgViewSeconds, ExportValues.Seconds),
            LikeCount: Typed(ExportColumn.Likes, ExportValues.Count),
            ShareCount: Typed(ExportColumn.Shares, ExportValues.Count),
            CommentCount: Typed(ExportColumn.Comments, ExportValues.Count),
            FavoriteCount: Typed(ExportColumn.Favorites, ExportValues.Count),
            HomepageVisitCount: Typed(ExportColumn.HomepageVisits, ExportValues.Count),
            SubscribeCount: Typed(ExportColumn.FollowersGained, ExportValues.Count),
            CellText: cellText,
            ExtraColumns: extraColumns);
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
