using System.Text.RegularExpressions;

namespace DouyinEtl.Warehouse;

/// <summary>PostgreSQL text and jsonb cannot hold U+0000 (nor jsonb an unpaired surrogate); everything else is stored exactly as served.</summary>
internal static partial class Text
{
    public static string? Storable(string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    public static string StorableJson(string json) => StorableJson(json, out _);

    /// <summary>
    /// JSON text with every <c>\u0000</c> escape and every unpaired surrogate escape (<c>\ud83d</c> alone) replaced by
    /// <c>\ufffd</c>: System.Text.Json refuses to read such strings and PostgreSQL refuses to store them.
    /// </summary>
    public static string StorableJson(string json, out int replaced)
    {
        replaced = 0;
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        var count = 0;
        var result = UnstorableEscape().Replace(json, match =>
        {
            var index = match.Index;
            var backslashes = 0;
            while (index - backslashes > 0 && json[index - backslashes - 1] == '\\')
            {
                backslashes++;
            }

            // Odd: the backslash is itself escaped, so this is text, not an escape. A low surrogate right after a
            // high one is the second half of a pair.
            var isLow = match.Value[2] is 'd' or 'D' && match.Value[3] is (>= 'c' and <= 'f') or (>= 'C' and <= 'F');
            var pairedLow = isLow && index >= 6 && HighSurrogateEscape().IsMatch(json.AsSpan(index - 6, 6));
            if (backslashes % 2 == 1 || pairedLow)
            {
                return match.Value;
            }

            count++;
            return "\\ufffd";
        });
        replaced = count;
        return result;
    }

    [GeneratedRegex(@"\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|[dD][c-fC-F][0-9a-fA-F]{2})", RegexOptions.CultureInvariant)]
    private static partial Regex UnstorableEscape();

    [GeneratedRegex(@"^\\u[dD][89abAB][0-9a-fA-F]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex HighSurrogateEscape();
}
