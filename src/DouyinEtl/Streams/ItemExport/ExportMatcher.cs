using System.Text;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>A work as <c>douyin.item</c> knows it: what an export row is joined on.</summary>
internal sealed record KnownItem(string ItemId, string? Title, DateTimeOffset PublishTime);

internal enum MatchStatus
{
    Matched,
    Ambiguous,
    Unmatched,
}

internal sealed record ExportMatch(MatchStatus Status, string? ItemId, IReadOnlyList<string> Candidates, string Detail)
{
    public static ExportMatch Unmatched(string detail) => new(MatchStatus.Unmatched, null, [], detail);
}

/// <summary>
/// Joins export rows to works by title and publish time (the file has no id). A row matches the works of the same
/// title published within its printed time (that second, or that minute when the seconds are missing). One work:
/// matched. Several (re-uploads under one title in one minute): ambiguous, unless the other rows of the same file have
/// already claimed all but one — a work appears once in an export. None: unmatched, e.g. not listed by item-list yet.
/// A row without a title (a work without a caption) matches by publish time alone, among the account's works that
/// have no caption either (or whose title item-list did not give): a work with a caption shows it in the export.
/// </summary>
internal static class ExportMatcher
{
    public static List<ExportMatch> Match(IReadOnlyList<ExportRow> rows, IReadOnlyList<KnownItem> items)
    {
        var byTitle = items
            .Where(i => i.Title is not null)
            .GroupBy(i => TitleKey(i.Title!), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var uncaptioned = items.Where(i => i.Title is null || TitleKey(i.Title).Length == 0).ToList();

        var matches = rows.Select(row => MatchOne(row, byTitle, uncaptioned)).ToList();

        // Two rows resolving to one work means the title + time key is not telling them apart: trust neither, and
        // give that work to no other row either.
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in matches.Select((m, index) => (m, index)).Where(x => x.m.Status == MatchStatus.Matched).GroupBy(x => x.m.ItemId!).Where(g => g.Count() > 1))
        {
            claimed.Add(group.Key);
            foreach (var (_, index) in group)
            {
                matches[index] = new ExportMatch(MatchStatus.Ambiguous, null, [group.Key], $"{group.Count()} rows of the export have this title and publish time");
            }
        }

        claimed.UnionWith(matches.Where(m => m.Status == MatchStatus.Matched).Select(m => m.ItemId!));
        bool changed;
        do
        {
            changed = false;
            for (var index = 0; index < matches.Count; index++)
            {
                var match = matches[index];
                if (match.Status != MatchStatus.Ambiguous || match.Candidates.Count < 2)
                {
                    continue;
                }

                var left = match.Candidates.Where(c => !claimed.Contains(c)).ToList();
                if (left.Count == 1)
                {
                    var key = string.IsNullOrWhiteSpace(rows[index].Title) ? "no title, publish" : "title + publish";
                    matches[index] = new ExportMatch(MatchStatus.Matched, left[0], match.Candidates,
                        $"{key} {Unit(rows[index].PublishTimePrecision)}; the other {match.Candidates.Count - 1} work(s) with this title and time are other rows of the export");
                    claimed.Add(left[0]);
                    changed = true;
                }
            }
        }
        while (changed);

        return matches;
    }

    /// <summary>
    /// The title as compared: Unicode NFC, runs of whitespace (line ends included, which xlsx stores as LF) as one
    /// space, trimmed; U+0000 and its storage stand-in U+FFFD dropped. Everything else, emoji and zero-width joiners too, must be equal.
    /// </summary>
    public static string TitleKey(string title)
    {
        var builder = new StringBuilder(title.Length);
        var pendingSpace = false;
        foreach (var c in title.Normalize(NormalizationForm.FormC))
        {
            if (c is '\0' or '\uFFFD')
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static ExportMatch MatchOne(ExportRow row, Dictionary<string, List<KnownItem>> byTitle, List<KnownItem> uncaptioned)
    {
        if (row.PublishTime is not { } printed)
        {
            return ExportMatch.Unmatched(string.IsNullOrWhiteSpace(row.Title)
                ? "the row has no title and its publish time is missing or unreadable"
                : "the row's publish time is missing or unreadable");
        }

        var unit = Unit(row.PublishTimePrecision);
        var until = printed + row.PublishTimePrecision.Width();
        List<string> PublishedThen(IEnumerable<KnownItem> works) =>
            [.. works.Where(i => i.PublishTime >= printed && i.PublishTime < until).Select(i => i.ItemId).Order(StringComparer.Ordinal)];

        if (string.IsNullOrWhiteSpace(row.Title))
        {
            var sameTime = PublishedThen(uncaptioned);
            return sameTime.Count switch
            {
                0 => ExportMatch.Unmatched($"the row has no title, and no known work without a caption was published in that {unit}"),
                1 => new ExportMatch(MatchStatus.Matched, sameTime[0], sameTime, $"no title: the account's only work without a caption published in that {unit}"),
                _ => new ExportMatch(MatchStatus.Ambiguous, null, sameTime, $"the row has no title, and {sameTime.Count} works without a caption were published in that {unit}"),
            };
        }

        if (!byTitle.TryGetValue(TitleKey(row.Title), out var sameTitle))
        {
            return ExportMatch.Unmatched("no known work has this title (item-list may not have seen it yet)");
        }

        var candidates = PublishedThen(sameTitle);
        return candidates.Count switch
        {
            0 => ExportMatch.Unmatched($"{sameTitle.Count} known work(s) have this title, none published in that {unit}"),
            1 => new ExportMatch(MatchStatus.Matched, candidates[0], candidates, $"title + publish {unit}"),
            _ => new ExportMatch(MatchStatus.Ambiguous, null, candidates, $"{candidates.Count} works have this title and were published in that {unit}"),
        };
    }

    private static string Unit(TimePrecision precision) => precision.ToString().ToLowerInvariant();
}
