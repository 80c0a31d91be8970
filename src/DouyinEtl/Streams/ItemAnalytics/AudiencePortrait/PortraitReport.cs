using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;

/// <summary>
/// <c>fetch_item_audience_portrait</c>: <c>active[] {key, value}</c>, and per dimension either such a list (career,
/// new_user) or <c>{ratio_list, tgi_list}</c> (gender, province, age, city_level). A dimension served empty is "no data"
/// and simply has no buckets. Keys are stored verbatim: TikHub's docs and the real page disagree on what the
/// <c>active</c> keys mean (label table douyin.portrait_bucket_label carries both readings). Dimensions not known today
/// land too, under their own name.
/// </summary>
internal sealed record PortraitReport(IReadOnlyList<PortraitBucket> Buckets)
{
    public static readonly IReadOnlyList<string> KnownDimensions = ["active", "gender", "province", "age", "city_level", "career", "new_user"];

    public static PortraitReport? Parse(JsonElement data, PayloadProblems problems)
    {
        if (!AnalyticsJson.Has(data, [.. KnownDimensions]))
        {
            return null;
        }

        // The dimensions every answer of the creator page carries (RESEARCH §3.3), empty when there is no data: one
        // missing is a changed answer. career and new_user come and go.
        problems.ExpectEach(data, "fetch_item_audience_portrait", "active", "gender", "province", "age", "city_level");
        var buckets = new List<PortraitBucket>();
        foreach (var property in data.EnumerateObject())
        {
            var dimension = property.Name;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Array)
            {
                buckets.AddRange(AnalyticsJson.Pairs(value, dimension, problems).Select(p => new PortraitBucket(dimension, p.Key, p.Value, null)));
            }
            else if (value.ValueKind == JsonValueKind.Object && AnalyticsJson.Has(value, "ratio_list", "tgi_list"))
            {
                problems.Expect(value, $"fetch_item_audience_portrait {dimension}", "ratio_list");
                buckets.AddRange(Merge(dimension, value, problems));
            }
            else if (value.ValueKind != JsonValueKind.Null && KnownDimensions.Contains(dimension))
            {
                problems.Add($"'{dimension}' is neither a list of buckets nor {{ratio_list, tgi_list}}: {value.ValueKind}");
            }
        }

        return new PortraitReport(buckets);
    }

    /// <summary>Ratio and TGI of the same bucket become one row; a bucket in only one list keeps null in the other.</summary>
    private static IEnumerable<PortraitBucket> Merge(string dimension, JsonElement section, PayloadProblems problems)
    {
        var ratios = AnalyticsJson.Pairs(JsonRead.Property(section, "ratio_list"), dimension + ".ratio_list", problems).ToList();
        var tgis = AnalyticsJson.Pairs(JsonRead.Property(section, "tgi_list"), dimension + ".tgi_list", problems).ToList();
        var tgiByKey = tgis.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var ratioKeys = ratios.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        return ratios
            .Select(r => new PortraitBucket(dimension, r.Key, r.Value, tgiByKey.GetValueOrDefault(r.Key)))
            .Concat(tgis.Where(t => !ratioKeys.Contains(t.Key)).Select(t => new PortraitBucket(dimension, t.Key, null, t.Value)));
    }
}

/// <summary>One bucket of one dimension: share of the audience (0–1) and TGI (100 = platform average).</summary>
internal sealed record PortraitBucket(string Dimension, string Bucket, decimal? Ratio, decimal? Tgi);
