using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.SearchKeyword;

/// <summary>
/// <c>fetch_item_search_keyword</c>, both shapes. Documented: <c>keywords[] {keyword, count, percentage}</c> (percent)
/// and <c>total_count</c>; these are the words users searched to find the work, so they land in list <c>show_from</c>.
/// Real (RESEARCH §3.3): <c>show_from[]</c> and <c>inspire_search[]</c>, <c>{keyword, percent}</c>. Whether the real
/// <c>percent</c> is a fraction or a percentage is disputed: a list with any value above 1 is read as percent.
/// </summary>
internal sealed record SearchKeywordReport(IReadOnlyList<SearchWord> Words, long? TotalCount)
{
    public const string ShowFrom = "show_from";
    public const string InspireSearch = "inspire_search";

    public static SearchKeywordReport? Parse(JsonElement data, PayloadProblems problems)
    {
        if (!AnalyticsJson.Has(data, "keywords", ShowFrom, InspireSearch, "total_count"))
        {
            return null;
        }

        // Each shape comes whole: one of its lists without the other is a changed answer.
        AnalyticsJson.ExpectShape(data, problems, "fetch_item_search_keyword", "keywords", "total_count");
        AnalyticsJson.ExpectShape(data, problems, "fetch_item_search_keyword", ShowFrom, InspireSearch);
        var words = new List<SearchWord>();
        foreach (var entry in AnalyticsJson.Objects(JsonRead.Property(data, "keywords"), "keywords", problems))
        {
            if (Keyword(entry, problems) is { } keyword)
            {
                problems.ExpectEach(entry, "a keywords entry", "count", "percentage");
                words.Add(new SearchWord(ShowFrom, keyword, problems.Count(entry, "count"), AnalyticsJson.Percentage(entry, problems, "percentage")));
            }
        }

        words.AddRange(Shares(data, ShowFrom, problems));
        words.AddRange(Shares(data, InspireSearch, problems));
        return new SearchKeywordReport(words, problems.Count(data, "total_count"));
    }

    private static IEnumerable<SearchWord> Shares(JsonElement data, string list, PayloadProblems problems)
    {
        var entries = AnalyticsJson.Objects(JsonRead.Property(data, list), list, problems)
            .Select(e => (Keyword: Keyword(e, problems), Share: problems.Expect(e, $"an entry of '{list}'", "percent", "percentage", "value") ? problems.Decimal(e, "percent", "percentage", "value") : null))
            .Where(e => e.Keyword is not null)
            .ToList();
        var inPercent = entries.Any(e => e.Share > 1);
        return entries.Select(e => new SearchWord(list, e.Keyword!, null, inPercent ? e.Share / 100 : e.Share));
    }

    private static string? Keyword(JsonElement entry, PayloadProblems problems)
    {
        var keyword = problems.Key(entry, "keyword", "keywords", "word");
        if (string.IsNullOrEmpty(keyword))
        {
            problems.Add("a search word entry has no keyword; it was skipped");
            return null;
        }

        return keyword;
    }
}

/// <summary>A search word in one list, with its searches (documented only) and its share (0–1).</summary>
internal sealed record SearchWord(string List, string Keyword, long? SearchCount, decimal? Share);
