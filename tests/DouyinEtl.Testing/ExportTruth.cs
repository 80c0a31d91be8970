using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Testing;

internal sealed record LandedExportRow(
    string AccountId,
    DateTime SnapshotDay,
    string RowKey,
    string? ItemId,
    string MatchStatus,
    string MatchDetail,
    string? Candidates,
    string? Title,
    DateTime? PublishTime,
    string? PublishTimePrecision,
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
    string CellText,
    string ExtraColumns,
    int SheetRow,
    long SourceCallId)
{
    public string[] CandidateItemIds => Candidates?.Split(',') ?? [];
}

/// <summary>An export the sandbox served, rebuilt from the landed call's request and time.</summary>
internal sealed record ServedExport(long CallId, string AccountId, DateTime RequestedAt, ExportSheet Sheet);

/// <summary>One way a landed export row differs from the row the sandbox served; <see cref="WrongWork"/> when it sits on another work than the one it shows.</summary>
internal sealed record ExportDifference(long CallId, int SheetRow, string What, bool WrongWork)
{
    public override string ToString() => $"row {SheetRow} of call {CallId}: {What}";
}

/// <summary>Compares what the export job landed with what the sandbox served, row by row and value by value.</summary>
internal static class ExportTruth
{
    public const string RowsSql = """
        SELECT account_id, snapshot_day::timestamp AS snapshot_day, row_key, item_id, match_status, match_detail,
               array_to_string(candidate_item_ids, ',') AS candidates, title, publish_time, publish_time_precision, genre, review_status, view_count,
               completion_rate, completion_rate_5s, cover_click_rate, bounce_rate_2s, avg_view_second, like_count,
               share_count, comment_count, favorite_count, homepage_visit_count, subscribe_count, cell_text::text AS cell_text,
               extra_columns::text AS extra_columns, sheet_row, source_call_id
        FROM douyin.item_export_row ORDER BY account_id, snapshot_day, row_key
        """;

    public static Task<List<LandedExportRow>> LandedAsync(Harness harness) => LandedAsync(harness.ConnectionString);

    public static Task<List<LandedExportRow>> LandedAsync(string connectionString) => WarehouseRows.QueryAsync<LandedExportRow>(connectionString, RowsSql);

    public static Task<List<ServedExport>> ServedAsync(Harness harness) => ServedAsync(harness.ConnectionString, harness.Sandbox.World);

    /// <summary>Every export answer that reached the worker as a file, rebuilt exactly as the sandbox made it (for the world's accounts).</summary>
    public static async Task<List<ServedExport>> ServedAsync(string connectionString, SandboxWorld world)
    {
        var calls = await WarehouseRows.QueryAsync<(long CallId, string AccountId, DateTime RequestedAt, string Request)>(
            connectionString,
            "SELECT call_id, account_id, requested_at, request::text FROM raw.api_call WHERE endpoint = 'fetch_item_list_download' AND outcome = 'ok' AND body IS NOT NULL ORDER BY call_id");
        return [.. calls
            .Where(c => world.FindById(c.AccountId) is not null)
            .Select(c => new ServedExport(
                c.CallId,
                c.AccountId,
                c.RequestedAt,
                ItemExportSheet.Build(
                    world,
                    world.FindById(c.AccountId)!,
                    ItemExportEndpoint.Query(JsonNode.Parse(c.Request)!.AsObject()),
                    new DateTimeOffset(c.RequestedAt, TimeSpan.Zero))))];
    }

    /// <summary>
    /// Each landed row equals the served row it came from, in every typed value, and sits on the work it was made
    /// from — or, where the printed title and minute fit several works, is ambiguous with that work among its candidates.
    /// </summary>
    public static void AssertRowsEqualServed(ServedExport served, IReadOnlyCollection<LandedExportRow> landed, bool allowUnmatched = false)
    {
        var differences = Compare(served, landed, allowUnmatched);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(10)));
    }

    /// <summary>Every way the rows landed from <paramref name="served"/> differ from it (see <see cref="AssertRowsEqualServed"/>).</summary>
    public static List<ExportDifference> Compare(ServedExport served, IReadOnlyCollection<LandedExportRow> landed, bool allowUnmatched)
    {
        var bySheetRow = landed.Where(r => r.SourceCallId == served.CallId).ToDictionary(r => r.SheetRow);
        var differences = new List<ExportDifference>();
        if (served.Sheet.Rows.Count != bySheetRow.Count)
        {
            differences.Add(new ExportDifference(served.CallId, 0, $"({served.AccountId}) served {served.Sheet.Rows.Count} rows, landed {bySheetRow.Count}", WrongWork: false));
        }

        foreach (var truth in served.Sheet.Rows)
        {
            if (!bySheetRow.TryGetValue(truth.SheetRow, out var row))
            {
                differences.Add(new ExportDifference(served.CallId, truth.SheetRow, $"did not land ({truth.Item.Id})", WrongWork: false));
                continue;
            }

            if (MatchDifference(truth, row, allowUnmatched) is { } wrongWork)
            {
                differences.Add(new ExportDifference(served.CallId, truth.SheetRow, wrongWork, WrongWork: true));
            }

            differences.AddRange(ValuesDiffering(truth.Expected, row, served.Sheet.Headers).Select(what => new ExportDifference(served.CallId, truth.SheetRow, what, WrongWork: false)));
        }

        return differences;
    }

    private static string? MatchDifference(ExportRowTruth truth, LandedExportRow row, bool allowUnmatched) => row.MatchStatus switch
    {
        "matched" when truth.Item.Id != row.ItemId => $"joined to {row.ItemId}, but it shows {truth.Item.Id} ({truth.Item.Title})",
        "matched" => null,
        "ambiguous" when row.PublishTimePrecision != "minute" => $"ambiguous, but its publish time is printed to the {row.PublishTimePrecision}",
        "ambiguous" when !row.CandidateItemIds.Contains(truth.Item.Id) => $"ambiguous between {row.Candidates}, without {truth.Item.Id}, the work it shows",
        "ambiguous" when row.CandidateItemIds.Length < 2 => $"ambiguous with one candidate ({row.Candidates})",
        "ambiguous" => null,
        _ when allowUnmatched => null,
        _ => $"unmatched ({truth.Item.Id}): {row.MatchDetail}",
    };

    private static IEnumerable<string> ValuesDiffering(ExportRowValues e, LandedExportRow row, IReadOnlyList<string> headers)
    {
        T? IfServed<T>(string header, T? value) => headers.Contains(header) ? value : default;
        static (string Column, bool Same, string Detail) Value<T>(string column, T expected, T actual) =>
            (column, EqualityComparer<T>.Default.Equals(expected, actual), $"{actual}, expected {expected}");
        return new[]
        {
            Value("title", e.Title, row.Title),
            Value("publish_time", (DateTime?)e.PublishTime.UtcDateTime, row.PublishTime),
            Value("publish_time_precision", e.PublishTimePrecision == TimeSpan.FromMinutes(1) ? "minute" : "second", row.PublishTimePrecision),
            Value("genre", e.Genre, row.Genre),
            Value("review_status", e.ReviewStatus, row.ReviewStatus),
            Value("view_count", IfServed(ItemExportSheet.Views, e.ViewCount), row.ViewCount),
            Value("completion_rate", e.CompletionRate, row.CompletionRate),
            Value("completion_rate_5s", e.CompletionRate5s, row.CompletionRate5s),
            Value("cover_click_rate", e.CoverClickRate, row.CoverClickRate),
            Value("bounce_rate_2s", e.BounceRate2s, row.BounceRate2s),
            Value("avg_view_second", e.AvgViewSecond, row.AvgViewSecond),
            Value("like_count", e.LikeCount, row.LikeCount),
            Value("share_count", e.ShareCount, row.ShareCount),
            Value("comment_count", e.CommentCount, row.CommentCount),
            Value("favorite_count", e.FavoriteCount, row.FavoriteCount),
            Value("homepage_visit_count", e.HomepageVisitCount, row.HomepageVisitCount),
            Value("subscribe_count", e.SubscribeCount, row.SubscribeCount),
        }.Where(v => !v.Same).Select(v => $"{v.Column} {v.Detail}");
    }
}
