using DouyinEtl.Json;
using DouyinEtl.Streams.ItemAnalytics.ItemOverview;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>
/// What one answer means for the works it was asked about: each work's status and row count (<see cref="UnitOutcome"/>
/// without its next due time, which is the refresh policy's business), how to write its rows, and why a billed answer
/// could not be used, if so. Read the same way by the live fan-out and by the replay, so both write the same rows.
/// </summary>
internal sealed record AnalyticsAnswer(
    IReadOnlyList<UnitOutcome> Works,
    Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>>? WriteAsync,
    string? Failure)
{
    /// <summary>A single-work endpoint's answer.</summary>
    public static AnalyticsAnswer ForItem(WorkEndpoint analysis, string itemId, string accountId, UpstreamResponse response, PayloadProblems problems)
    {
        switch (response.Status)
        {
            case InnerStatus.NoDataYet:
                return new([new UnitOutcome(itemId, RefreshStatus.NoDataYet, 0, null)], null, null);
            case InnerStatus.Ok:
                break;
            default:
                return Failed([itemId], $"inner status {response.InnerCode}: {response.InnerMessage}");
        }

        ItemDayRows? rows;
        try
        {
            rows = analysis.Read(ItemSnapshot.Of(itemId, accountId, response.RequestedAt, response.CallId), response.Data, problems);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A reader that trips over a shape it never saw must not make the work cost a call on every run.
            return Failed([itemId], $"the answer could not be read ({ex.GetType().Name}: {ex.Message}); kept raw");
        }

        return rows is null
            ? Failed([itemId], "the answer holds nothing this endpoint can read; kept raw")
            : new([new UnitOutcome(itemId, RefreshStatus.Ok, rows.Count, null)], rows.WriteAsync, null);
    }

    /// <summary>
    /// A batched <c>fetch_item_overview_data</c> answer for <paramref name="itemIds"/> asked for <paramref name="sections"/>
    /// (its <c>fields</c>): works missing from it fail alone, the others land.
    /// </summary>
    public static AnalyticsAnswer ForOverview(IReadOnlyList<string> itemIds, IReadOnlyCollection<string> sections, string accountId, UpstreamResponse response, PayloadProblems problems)
    {
        switch (response.Status)
        {
            case InnerStatus.NoDataYet:
                return new([.. itemIds.Select(id => new UnitOutcome(id, RefreshStatus.NoDataYet, 0, null))], null, null);
            case InnerStatus.Ok:
                break;
            default:
                return Failed(itemIds, $"inner status {response.InnerCode}: {response.InnerMessage}");
        }

        if (OverviewAnswer.Parse(response.Data, sections, problems) is not { } answer)
        {
            return Failed(itemIds, "the answer has no items list; kept raw");
        }

        var served = answer.Items.GroupBy(i => i.ItemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = itemIds
            .Where(served.ContainsKey)
            .Select(id => new OverviewRow(ItemSnapshot.Of(id, accountId, response.RequestedAt, response.CallId), served[id]))
            .ToList();
        var works = itemIds
            .Select(id => served.ContainsKey(id) ? new UnitOutcome(id, RefreshStatus.Ok, 1, null) : new UnitOutcome(id, RefreshStatus.Failed, 0, null))
            .ToList();
        var missing = itemIds.Where(id => !served.ContainsKey(id)).ToList();
        var failure = missing.Count == 0
            ? null
            : $"{missing.Count} of {itemIds.Count} works missing from the answer (deleted, or not this account's?): {string.Join(", ", missing.Take(5))}; the others landed, these are asked again after a back-off";
        return new(works, (c, t, ct) => ItemOverviewSql.Rows.ExecuteAsync(c, t, rows, ct), failure);
    }

    private static AnalyticsAnswer Failed(IEnumerable<string> itemIds, string reason) =>
        new([.. itemIds.Select(id => new UnitOutcome(id, RefreshStatus.Failed, 0, null))], null, reason);
}
