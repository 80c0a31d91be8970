using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.AudienceOthers;

/// <summary><c>fetch_item_audience_others</c> → <c>douyin.item_audience_others</c>, one row per work × day × kind × key.</summary>
internal sealed class AudienceOthersAnalysis : IWorkEndpoint
{
    public string Endpoint => UpstreamEndpoints.ItemAudienceOthers;

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (AudienceOthersReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var rows = report.Entries.Select(e => new AudienceOthersRow(snapshot, e)).ToList();
        return new ItemDayRows(rows.Count, (c, t, ct) => DayTables.ReplaceAsync(c, t, snapshot, AudienceOthersSql.Table, AudienceOthersSql.Rows, rows, ct));
    }
}
