using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.AuthorDiagnosis;

/// <summary>One dimension of <c>fetch_author_diagnosis</c>: the account against its history and against similar creators.</summary>
internal sealed record DiagnosisDimension(
    string Dimension,
    decimal? OwnValue,
    long? SimilarCount,
    decimal? AuthorRank,
    decimal? SimilarRank,
    decimal? SimilarValue,
    string Json);

/// <summary>
/// Reads <c>{"code": 0, "data": {"Interact": {"OwnValue": …}, …}}</c> (TikHub's example; the creator page's own body
/// has the same keys with numbers as strings). Any object holding an <c>OwnValue</c> is a dimension, known or not.
/// </summary>
internal static class DiagnosisPayload
{
    public static readonly IReadOnlySet<string> KnownDimensions = new HashSet<string>(StringComparer.Ordinal)
    {
        "Interact", "NewFans", "PlayCnt", "PlayFinishRatio", "PublishActivation",
    };

    private static readonly IReadOnlySet<string> KnownFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "OwnValue", "SimilarCount", "AuthorRank", "SimilarRank", "SimilarValue",
        "own_value", "similar_count", "author_rank", "similar_rank", "similar_value",
    };

    /// <summary>The dimensions served (empty for an account without data yet), or null when <c>data</c> is not an object at all.</summary>
    public static List<DiagnosisDimension>? Parse(JsonElement data, PayloadProblems problems)
    {
        var root = JsonRead.Property(data, "data") is { ValueKind: JsonValueKind.Object } inner ? inner : data;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var dimensions = new List<DiagnosisDimension>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { "data" };

        // The creator page's own body (numbers as strings) gives every dimension all five fields; TikHub's example
        // gives SimilarCount and SimilarValue to Interact only.
        var creatorPage = root.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object && JsonRead.Property(p.Value, "OwnValue", "own_value") is { ValueKind: JsonValueKind.String });
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind != JsonValueKind.Object || JsonRead.Property(value, "OwnValue", "own_value") is null)
            {
                continue;
            }

            seen.Add(property.Name);
            if (!KnownDimensions.Contains(property.Name))
            {
                problems.Add($"fetch_author_diagnosis: unknown dimension '{property.Name}' landed as served (no label yet)");
            }

            problems.ReportUnknown(value, KnownFields, $"fetch_author_diagnosis {property.Name}");
            var where = $"fetch_author_diagnosis {property.Name}";
            problems.Expect(value, where, "AuthorRank", "author_rank");
            problems.Expect(value, where, "SimilarRank", "similar_rank");
            if (creatorPage || property.Name == "Interact")
            {
                problems.Expect(value, where, "SimilarCount", "similar_count");
                problems.Expect(value, where, "SimilarValue", "similar_value");
            }

            dimensions.Add(new DiagnosisDimension(
                property.Name,
                problems.Decimal(value, "OwnValue", "own_value"),
                problems.Count(value, "SimilarCount", "similar_count"),
                problems.Decimal(value, "AuthorRank", "author_rank"),
                problems.Decimal(value, "SimilarRank", "similar_rank"),
                problems.Decimal(value, "SimilarValue", "similar_value"),
                value.GetRawText()));
        }

        problems.ReportUnknown(root, seen, "fetch_author_diagnosis");
        if (dimensions.Count > 0)
        {
            // An account with data gets every dimension; one missing is a changed answer, not a dimension without data.
            foreach (var missing in KnownDimensions.Where(d => !seen.Contains(d)).Order(StringComparer.Ordinal))
            {
                problems.Add($"fetch_author_diagnosis: dimension '{missing}' is missing from an answer that has the others");
            }
        }

        return dimensions;
    }
}
