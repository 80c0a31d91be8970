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

    public static Task<List<LandedExportRow>> LandedAsync(Harness harness) => harness.QueryAsync<LandedExportRow>(RowsSql);

    /// <summary>Every export answer that reached the worker as a file, rebuilt exactly as the sandbox made it.</summary>
    public static async Task<List<ServedExport>> ServedAsync(Harness harness)
    {
        var calls = await harness.QueryAsync<(long CallId, string AccountId, DateTime RequestedAt, string Request)>(
            "SELECT call_id, account_id, requested_at, request::text FROM raw.api_call WHERE endpoint = 'fetch_item_list_download' AND outcome = 'ok' AND body IS NOT NULL ORDER BY call_id");
        return [.. calls.Select(c => new ServedExport(
            c.CallId,
            c.AccountId,
            c.RequestedAt,
            ItemExportSheet.Build(
                harness.Sandbox.World,
                harness.Sandbox.World.FindById(c.AccountId)!,
                ItemExportEndpoint.Query(JsonNode.Parse(c.Request)!.AsObject()),
                new DateTimeOffset(c.RequestedAt, TimeSpan.Zero))))];
    }

    /// <summary>
    /// Each landed row equals the served row it came from, in every typed value, and sits on the work it was made
    /// from — or, where the printed title and minute fit several works, is ambiguous with that work among its candidates.
    /// </summary>
    public static void AssertRowsEqualServed(ServedExport served, IReadOnlyCollection<LandedExportRow> landed, bool allowUnmatched = false)
    {
        var bySheetRow = landed.Where(r => r.SourceCallId == served.CallId).ToDictionary(r => r.SheetRow);
        Assert.True(served.Sheet.Rows.Count == bySheetRow.Count, $"call {served.CallId} ({served.AccountId}): served {served.Sheet.Rows.Count} rows, landed {bySheetRow.Count}");
        foreach (var truth in served.Sheet.Rows)
        {
            var row = bySheetRow[truth.SheetRow];
            AssertMatch(truth, row, allowUnmatched);
            AssertValues(truth.Expected, row, served.Sheet.Headers);
        }
    }

    public static void AssertMatch(ExportRowTruth truth, LandedExportRow row, bool allowUnmatched)
    {
        switch (row.MatchStatus)
        {
            case "matched":
                Assert.True(truth.Item.Id == row.ItemId, $"row {row.SheetRow} of call {row.SourceCallId} was joined to {row.ItemId}, but it shows {truth.Item.Id} ({truth.Item.Title})");
                break;
            case "ambiguous":
                Assert.Equal("minute", row.PublishTimePrecision);
                Assert.Contains(truth.Item.Id, row.CandidateItemIds);
                Assert.True(row.CandidateItemIds.Length > 1);
                break;
            default:
                Assert.True(allowUnmatched, $"row {row.SheetRow} of call {row.SourceCallId} ({truth.Item.Id}) is unmatched: {row.MatchDetail}");
                break;
        }
    }

    public static void AssertValues(ExportRowValues e, LandedExportRow row, IReadOnlyList<string> headers)
    {
        T? IfServed<T>(string header, T? value) => headers.Contains(header) ? value : default;
        var where = $"row {row.SheetRow} of call {row.SourceCallId}";
        Assert.True(e.Title == row.Title, $"{where}: title");
        Assert.True(e.PublishTime.UtcDateTime == row.PublishTime, $"{where}: publish time {row.PublishTime:O}, expected {e.PublishTime:O}");
        Assert.Equal(e.PublishTimePrecision == TimeSpan.FromMinutes(1) ? "minute" : "second", row.PublishTimePrecision);
        Assert.Equal(e.Genre, row.Genre);
        Assert.Equal(e.ReviewStatus, row.ReviewStatus);
        Assert.Equal(IfServed(ItemExportSheet.Views, e.ViewCount), row.ViewCount);
        Assert.Equal(e.CompletionRate, row.CompletionRate);
        Assert.Equal(e.CompletionRate5s, row.CompletionRate5s);
        Assert.Equal(e.CoverClickRate, row.CoverClickRate);
        Assert.Equal(e.BounceRate2s, row.BounceRate2s);
        Assert.Equal(e.AvgViewSecond, row.AvgViewSecond);
        Assert.Equal(e.LikeCount, row.LikeCount);
        Assert.Equal(e.ShareCount, row.ShareCount);
        Assert.Equal(e.CommentCount, row.CommentCount);
        Assert.Equal(e.FavoriteCount, row.FavoriteCount);
        Assert.Equal(e.HomepageVisitCount, row.HomepageVisitCount);
        Assert.Equal(e.SubscribeCount, row.SubscribeCount);
    }
}
