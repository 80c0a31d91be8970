using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.World;
using Npgsql;

namespace DouyinEtl.Demo;

/// <summary>The demo's check of the item-export job: each landed export row against the row the sandbox served and the work it showed.</summary>
internal static class DemoExportCheck
{
    private const string Calls = """
        SELECT call_id, account_id, requested_at, request::text AS request
        FROM raw.api_call WHERE endpoint = 'fetch_item_list_download' AND outcome = 'ok' AND body IS NOT NULL
        """;

    private const string Rows = "SELECT source_call_id, sheet_row, item_id, match_status FROM douyin.item_export_row";

    public static async Task<bool> PrintAsync(NpgsqlDataSource dataSource, SandboxServer sandbox, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var landed = (await connection.QueryAsync<(long CallId, int SheetRow, string? ItemId, string Status)>(new CommandDefinition(Rows, cancellationToken: cancellationToken)))
            .ToLookup(r => r.CallId);
        var served = 0;
        var joined = 0;
        var wrong = 0;
        foreach (var call in await connection.QueryAsync<(long CallId, string AccountId, DateTime RequestedAt, string Request)>(new CommandDefinition(Calls, cancellationToken: cancellationToken)))
        {
            if (!landed.Contains(call.CallId) || sandbox.World.FindById(call.AccountId) is not { } account)
            {
                continue; // a file cut at the cap (asked again in halves) or one that failed
            }

            var sheet = ItemExportSheet.Build(sandbox.World, account, ItemExportEndpoint.Query(JsonNode.Parse(call.Request)!.AsObject()), new DateTimeOffset(call.RequestedAt, TimeSpan.Zero));
            var shows = sheet.Rows.ToDictionary(r => r.SheetRow, r => r.Item.Id);
            served += sheet.Rows.Count;
            foreach (var row in landed[call.CallId].Where(r => r.ItemId is not null))
            {
                if (shows.GetValueOrDefault(row.SheetRow) == row.ItemId)
                {
                    joined++;
                }
                else
                {
                    wrong++;
                }
            }
        }

        var rows = landed.Sum(g => g.Count());
        var ambiguous = landed.SelectMany(g => g).Count(r => r.Status == "ambiguous");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Export: the sandbox served {served:N0} rows → {rows:N0} in douyin.item_export_row: {joined:N0} joined to the work they show, " +
            $"{ambiguous:N0} ambiguous (same-title re-uploads printed to the minute), {rows - joined - wrong - ambiguous:N0} unmatched, {wrong} joined wrongly."));
        return wrong == 0 && served == rows;
    }
}
