using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.PlaySource;

/// <summary><c>fetch_item_play_source</c> → <c>douyin.item_play_source</c>, one row per work × day × app × source.</summary>
internal sealed class PlaySourceAnalysis : IWorkEndpoint
{
    public string Endpoint => UpstreamEndpoints.ItemPlaySource;

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (PlaySourceReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var rows = report.Sources.Select(s => new PlaySourceRow(snapshot, s)).ToList();
        return new ItemDayRows(rows.Count, (c, t, ct) => DayTables.ReplaceAsync(c, t, snapshot, PlaySourceSql.Table, PlaySourceSql.Rows, rows, ct));
    }
}
