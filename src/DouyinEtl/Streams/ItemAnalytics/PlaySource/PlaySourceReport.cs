using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.PlaySource;

/// <summary>
/// <c>fetch_item_play_source</c>: <c>play_source[] {app_id, key, value, history_difference}</c>. The documented example
/// repeats <c>value</c> in <c>history_difference</c>; really it is the change against 7 days earlier and may be
/// negative (RESEARCH §3.3). Both are stored as served.
/// </summary>
internal sealed record PlaySourceReport(IReadOnlyList<PlaySourceShare> Sources)
{
    public static PlaySourceReport? Parse(JsonElement data, PayloadProblems problems)
    {
        if (!AnalyticsJson.Has(data, "play_source"))
        {
            return null;
        }

        var sources = new List<PlaySourceShare>();
        foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, "play_source"), "play_source", problems))
        {
            if (problems.Key(entry, "key") is not { Length: > 0 } key)
            {
                problems.Add("a play_source entry has no key; it was skipped");
                continue;
            }

            problems.ExpectEach(entry, "a play_source entry", "value", "app_id", "history_difference");
            sources.Add(new PlaySourceShare(
                AppId: problems.Int(entry, "app_id") ?? 0,
                Source: key,
                Ratio: problems.Decimal(entry, "value"),
                HistoryDifference: problems.Decimal(entry, "history_difference")));
        }

        return new PlaySourceReport(sources);
    }
}

/// <summary>One source's share of the work's plays (0–1) and its 7-day change.</summary>
internal sealed record PlaySourceShare(int AppId, string Source, decimal? Ratio, decimal? HistoryDifference);
