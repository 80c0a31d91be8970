namespace DouyinEtl.Warehouse;

/// <summary>PostgreSQL text and jsonb cannot hold U+0000; everything else is stored exactly as served.</summary>
internal static class Text
{
    public static string? Storable(string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    public static string StorableJson(string json) =>
        json.Contains("\\u0000", StringComparison.Ordinal) ? json.Replace("\\u0000", "\\uFFFD", StringComparison.Ordinal) : json;
}
