using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;

/// <summary><c>fetch_item_audience_portrait</c> → <c>douyin.item_audience_portrait</c>, one row per work × day × dimension × bucket.</summary>
internal sealed class AudiencePortraitAnalysis : IWorkEndpoint
{
    public string Endpoint => UpstreamEndpoints.ItemAudiencePortrait;

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (PortraitReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var rows = report.Buckets.Select(b => new PortraitRow(snapshot, b)).ToList();
        return new ItemDayRows(rows.Count, (c, t, ct) => DayTables.ReplaceAsync(c, t, snapshot, AudiencePortraitSql.Table, AudiencePortraitSql.Rows, rows, ct));
    }
}
