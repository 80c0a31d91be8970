using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.AudienceOthers;

/// <summary>
/// <c>fetch_item_audience_others</c>, both shapes (RESEARCH §6). Documented: <c>audience_distribution.fan_list[] {key, value}</c>
/// ("1" followers, "0" others) → kind <c>fan_share</c>; <c>audience_keyword.keyword_list[] {keyword, value}</c> →
/// <c>interest_keyword</c>. Real: <c>audience_preference.total_data.ratio_data[] {key, value}</c> → <c>preference</c>;
/// <c>audience_search_most_keywords[] {keywords, query_cnt_7d}</c> → <c>search_keyword</c>.
/// </summary>
internal sealed record AudienceOthersReport(IReadOnlyList<AudienceEntry> Entries)
{
    public static AudienceOthersReport? Parse(JsonElement data, PayloadProblems problems)
    {
        if (!AnalyticsJson.Has(data, "audience_distribution", "audience_keyword", "audience_preference", "audience_search_most_keywords"))
        {
            return null;
        }

        AnalyticsJson.ExpectShape(data, problems, "fetch_item_audience_others", "audience_distribution", "audience_keyword");
        AnalyticsJson.ExpectShape(data, problems, "fetch_item_audience_others", "audience_preference", "audience_search_most_keywords");
        problems.ExpectPath(data, "fetch_item_audience_others", "audience_distribution", "fan_list");
        problems.ExpectPath(data, "fetch_item_audience_others", "audience_keyword", "keyword_list");
        problems.ExpectPath(data, "fetch_item_audience_others", "audience_preference", "total_data", "ratio_data");
        var entries = new List<AudienceEntry>();
        entries.AddRange(AnalyticsJson.Pairs(problems.Path(data, "audience_distribution", "fan_list"), "fan_list", problems)
            .Select(p => new AudienceEntry("fan_share", p.Key, p.Value, null)));
        foreach (var entry in AnalyticsJson.Objects(problems.Path(data, "audience_keyword", "keyword_list"), "keyword_list", problems))
        {
            if (Word(entry, problems, "keyword", "key") is { } keyword)
            {
                problems.Expect(entry, "a keyword_list entry", "value", "ratio");
                entries.Add(new AudienceEntry("interest_keyword", keyword, problems.Decimal(entry, "value", "ratio"), null));
            }
        }

        entries.AddRange(AnalyticsJson.Pairs(problems.Path(data, "audience_preference", "total_data", "ratio_data"), "ratio_data", problems)
            .Select(p => new AudienceEntry("preference", p.Key, p.Value, null)));
        foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, "audience_search_most_keywords"), "audience_search_most_keywords", problems))
        {
            if (Word(entry, problems, "keywords", "keyword") is { } keyword)
            {
                problems.Expect(entry, "an audience_search_most_keywords entry", "query_cnt_7d");
                entries.Add(new AudienceEntry("search_keyword", keyword, null, problems.Count(entry, "query_cnt_7d")));
            }
        }

        return new AudienceOthersReport(entries);
    }

    private static string? Word(JsonElement entry, PayloadProblems problems, params ReadOnlySpan<string> names)
    {
        var word = problems.Key(entry, names);
        if (string.IsNullOrEmpty(word))
        {
            problems.Add($"an audience word entry has no '{names[0]}'; it was skipped");
            return null;
        }

        return word;
    }
}

/// <summary>One row of audience data: its kind, key (word, category, or "1"/"0" for fans), share and 7-day search count.</summary>
internal sealed record AudienceEntry(string Kind, string Key, decimal? Ratio, long? QueryCount7d);
