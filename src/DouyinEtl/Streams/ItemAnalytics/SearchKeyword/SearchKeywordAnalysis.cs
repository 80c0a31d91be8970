using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Upstream;

namespace DouyinEtl.Streams.ItemAnalytics.SearchKeyword;

/// <summary><c>fetch_item_search_keyword</c> → <c>douyin.item_search_keyword</c> (+ <c>_total</c> when served).</summary>
internal sealed class SearchKeywordAnalysis : IWorkEndpoint
{
    public string Endpoint => UpstreamEndpoints.ItemSearchKeyword;

    public ItemDayRows? Read(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems)
    {
        if (SearchKeywordReport.Parse(data, problems) is not { } report)
        {
            return null;
        }

        var words = report.Words.Select(w => new SearchKeywordRow(snapshot, w)).ToList();
        List<SearchTotalRow> totals = report.TotalCount is { } total ? [new SearchTotalRow(snapshot, total)] : [];
        return new ItemDayRows(words.Count + totals.Count, async (c, t, ct) =>
            await DayTables.ReplaceAsync(c, t, snapshot, SearchKeywordSql.WordTable, SearchKeywordSql.Words, words, ct)
            + await DayTables.ReplaceAsync(c, t, snapshot, SearchKeywordSql.TotalTable, SearchKeywordSql.Totals, totals, ct));
    }
}
