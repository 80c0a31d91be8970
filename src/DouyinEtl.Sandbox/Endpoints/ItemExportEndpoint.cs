using System.Globalization;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_item_list_download</c>: the creator center's "作品列表导出.xlsx" for a publish window and genre filters,
/// as a real workbook body — or, per account, the failure shapes a worker has to survive (<see cref="ExportAnswer"/>).
/// </summary>
public static class ItemExportEndpoint
{
    public const string Name = "fetch_item_list_download";

    /// <summary>What TikHub documents for this body (not the xlsx media type).</summary>
    public const string ContentType = "application/vnd.ms-excel";

    public const string FileName = "作品列表导出.xlsx";

    public static void Validate(RequestValidator v)
    {
        v.RequiredInteger("min_cursor", min: 0);
        v.RequiredInteger("max_cursor", min: 0);
        v.OptionalIntegerList("type_filters", ExportQuery.AllGenres);
        v.OptionalBoolean("need_long_article", true);
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        var sheet = ItemExportSheet.Build(request.World, request.Account, Query(request.Body), request.Now);
        switch (sheet.Answer)
        {
            case ExportAnswer.ErrorEnvelope:
                return new DataReply(new JsonObject { ["status_code"] = 2, ["status_msg"] = "导出失败，请稍后重试" });
            case ExportAnswer.Corrupt:
                var bytes = Write(sheet);
                return new FileReply(bytes[..(bytes.Length / 2)], ContentType, FileName);
            default:
                return new FileReply(Write(sheet), ContentType, FileName);
        }
    }

    /// <summary>The workbook as the creator center writes it: one sheet "Sheet1", a header row, a row per work.</summary>
    public static byte[] Write(ExportSheet sheet)
    {
        using var workbook = new XLWorkbook();
        var worksheet = workbook.AddWorksheet("Sheet1");
        for (var column = 0; column < sheet.Headers.Count; column++)
        {
            worksheet.Cell(1, column + 1).SetValue(sheet.Headers[column]);
            // Fixed widths: AdjustToContents needs libgdiplus, which Linux hosts lack (SPIKE-NOTES §2).
            worksheet.Column(column + 1).Width = column == 0 ? 40 : 14;
        }

        foreach (var row in sheet.Rows)
        {
            for (var column = 0; column < sheet.Headers.Count; column++)
            {
                var cell = worksheet.Cell(row.SheetRow, column + 1);
                switch (row.Cells.GetValueOrDefault(sheet.Headers[column]))
                {
                    // SetValue, never .Value =: ClosedXML 0.95 would turn "00123", "2026-01-05" or a 19-digit id into numbers and dates.
                    case string text:
                        cell.SetValue(text);
                        break;
                    case double number:
                        cell.SetValue(number);
                        break;
                    case DateTime beijing:
                        cell.SetValue(beijing);
                        cell.Style.NumberFormat.Format = "yyyy-mm-dd hh:mm:ss";
                        break;
                }
            }
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    public static ExportQuery Query(JsonObject body) => new(
        Long(body["min_cursor"]) ?? 0,
        Long(body["max_cursor"]) ?? 0,
        body["type_filters"] is JsonArray filters ? [.. filters.Select(Long).OfType<long>()] : ExportQuery.AllGenres,
        body["need_long_article"] is not JsonValue flag || !flag.TryGetValue<bool>(out var needLongArticle) || needLongArticle);

    /// <summary><c>GET /sandbox/truth/item-export?account=…&amp;min_cursor=…&amp;max_cursor=…[&amp;type_filters=1,2]</c>: what that export holds.</summary>
    public static void MapTruth(IEndpointRouteBuilder routes, SandboxState state) =>
        routes.MapGet("/sandbox/truth/item-export", (string account, long min_cursor, long max_cursor, string? type_filters, bool? need_long_article) =>
        {
            if (state.World.FindById(account) is not { } found)
            {
                return Results.NotFound();
            }

            var filters = type_filters is null
                ? ExportQuery.AllGenres
                : [.. type_filters.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => long.Parse(f, CultureInfo.InvariantCulture))];
            var sheet = ItemExportSheet.Build(state.World, found, new ExportQuery(min_cursor, max_cursor, filters, need_long_article ?? true), state.Clock.GetUtcNow());
            return Results.Json(new JsonObject
            {
                ["answer"] = sheet.Answer.ToString(),
                ["works_in_window"] = sheet.WorksInWindow,
                ["truncated"] = sheet.Truncated,
                ["headers"] = new JsonArray([.. sheet.Headers.Select(h => JsonValue.Create(h))]),
                ["rows"] = new JsonArray([.. sheet.Rows.Select(TruthRow)]),
            });
        });

    private static JsonObject TruthRow(ExportRowTruth row)
    {
        var e = row.Expected;
        var cells = new JsonObject();
        foreach (var (header, value) in row.Cells)
        {
            cells[header] = value switch
            {
                double number => number,
                DateTime date => date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " (Excel date)",
                _ => value?.ToString(),
            };
        }

        return new JsonObject
        {
            ["item_id"] = row.Item.Id,
            ["sheet_row"] = row.SheetRow,
            ["cells"] = cells,
            ["publish_time"] = e.PublishTime.ToString("O", CultureInfo.InvariantCulture),
            ["publish_time_precision_seconds"] = e.PublishTimePrecision.TotalSeconds,
            ["view_count"] = e.ViewCount,
            ["like_count"] = e.LikeCount,
            ["share_count"] = e.ShareCount,
            ["comment_count"] = e.CommentCount,
            ["favorite_count"] = e.FavoriteCount,
            ["homepage_visit_count"] = e.HomepageVisitCount,
            ["subscribe_count"] = e.SubscribeCount,
            ["completion_rate"] = e.CompletionRate,
            ["completion_rate_5s"] = e.CompletionRate5s,
            ["cover_click_rate"] = e.CoverClickRate,
            ["bounce_rate_2s"] = e.BounceRate2s,
            ["avg_view_second"] = e.AvgViewSecond,
        };
    }

    private static long? Long(JsonNode? node) =>
        node is JsonValue value
            ? value.TryGetValue<long>(out var number) ? number
            : value.TryGetValue<string>(out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
            : null;
}
