using System.Globalization;
using System.Text.Json;

namespace DouyinEtl.Sync;

/// <summary>
/// Lenient readers for upstream JSON, which names the same field several ways and sends numbers as numbers or as
/// strings ("196", "0.696970", "1,234", "1.2万", "58.5%", "33.00s", "-"). A value that is present but unreadable
/// is reported to <see cref="PayloadProblems"/>, never guessed.
/// </summary>
internal static class JsonRead
{
    public static JsonElement? Property(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                return value;
            }
        }

        return null;
    }

    public static JsonElement? Path(JsonElement obj, params ReadOnlySpan<string> path)
    {
        var current = obj;
        foreach (var name in path)
        {
            if (Property(current, name) is not { } next)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? String(JsonElement obj, params ReadOnlySpan<string> names) =>
        Property(obj, names) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;

    public static int? Int32(JsonElement obj, params ReadOnlySpan<string> names) =>
        Property(obj, names) is { } value && TryInteger(value, out var number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : null;

    /// <summary>Reads an integer that may be written as a number, "123", "1,234", "1.2万", "3.5w" or "1.000000".</summary>
    public static bool TryInteger(JsonElement value, out long number)
    {
        number = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out number))
                {
                    return true;
                }

                if (value.TryGetDecimal(out var fractional) && fractional == decimal.Truncate(fractional))
                {
                    number = (long)fractional;
                    return true;
                }

                return false;
            case JsonValueKind.String:
                return TryParseCount(value.GetString(), out number);
            default:
                return false;
        }
    }

    public static bool TryParseCount(string? text, out long number)
    {
        number = 0;
        var decimalValue = ParseDecimalText(text, allowPercent: false, out var ok);
        if (!ok || decimalValue is null || decimalValue != decimal.Truncate(decimalValue.Value))
        {
            return false;
        }

        number = (long)decimalValue.Value;
        return true;
    }

    public static bool TryDecimal(JsonElement value, out decimal number)
    {
        number = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDecimal(out number);
            case JsonValueKind.String:
                var parsed = ParseDecimalText(value.GetString(), allowPercent: true, out var ok);
                number = parsed ?? 0;
                return ok && parsed is not null;
            default:
                return false;
        }
    }

    /// <summary>True for the creator center's "no value" markers: "", "-", "--", "N/A", "null".</summary>
    public static bool IsPlaceholder(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim() is "-" or "--" or "—" or "N/A" or "n/a" or "null" or "NaN";

    public static bool IsPlaceholder(JsonElement value) =>
        value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
        || (value.ValueKind == JsonValueKind.String && IsPlaceholder(value.GetString()));

    /// <summary>
    /// Parses "1,234", "1.2万", "3.5w", "2亿", "58.5%" (→ 0.585), "33.00s"/"33秒" (→ 33). Returns null with ok=true for placeholders.
    /// </summary>
    public static decimal? ParseDecimalText(string? text, bool allowPercent, out bool ok)
    {
        ok = true;
        if (IsPlaceholder(text))
        {
            return null;
        }

        var s = text!.Trim().Replace(",", "", StringComparison.Ordinal).Replace("，", "", StringComparison.Ordinal);
        decimal multiplier = 1;
        if (s.EndsWith('%'))
        {
            if (!allowPercent)
            {
                ok = false;
                return null;
            }

            s = s[..^1];
            multiplier = 0.01m;
        }
        else if (s.EndsWith('万') || s.EndsWith('w') || s.EndsWith('W'))
        {
            s = s[..^1];
            multiplier = 10_000m;
        }
        else if (s.EndsWith('亿'))
        {
            s = s[..^1];
            multiplier = 100_000_000m;
        }
        else if (s.EndsWith('秒'))
        {
            s = s[..^1];
        }
        else if (s.EndsWith('s') && s.Length > 1 && char.IsDigit(s[^2]))
        {
            s = s[..^1];
        }

        if (decimal.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value * multiplier;
        }

        ok = false;
        return null;
    }
}

/// <summary>Field-level problems found while normalizing one payload: kept with the run, the row still lands.</summary>
internal sealed class PayloadProblems
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages => _messages;

    public void Add(string message)
    {
        // One bad field repeated across a 100-item page is one problem, not a hundred.
        if (!_messages.Contains(message) && _messages.Count < 50)
        {
            _messages.Add(message);
        }
    }

    public long? Count(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        if (JsonRead.TryInteger(value, out var number))
        {
            return number;
        }

        Add($"'{names[0]}' is not a count: {Describe(value)}");
        return null;
    }

    public decimal? Decimal(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        if (JsonRead.TryDecimal(value, out var number))
        {
            return number;
        }

        Add($"'{names[0]}' is not a number: {Describe(value)}");
        return null;
    }

    public int? Int(JsonElement obj, params ReadOnlySpan<string> names)
    {
        var count = Count(obj, names);
        if (count is null or (>= int.MinValue and <= int.MaxValue))
        {
            return (int?)count;
        }

        Add($"'{names[0]}' is out of range: {count}");
        return null;
    }

    public bool? Boolean(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when value.TryGetInt64(out var n) && n is 0 or 1:
                return n == 1;
            case JsonValueKind.String when value.GetString()?.Trim().ToLowerInvariant() is "1" or "true":
                return true;
            case JsonValueKind.String when value.GetString()?.Trim().ToLowerInvariant() is "0" or "false":
                return false;
            default:
                Add($"'{names[0]}' is not a boolean: {Describe(value)}");
                return null;
        }
    }

    public string? Text(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetRawText();
        }

        Add($"'{names[0]}' is not text: {Describe(value)}");
        return null;
    }

    /// <summary>
    /// False, and reported, when <paramref name="obj"/> has none of <paramref name="names"/>: for fields every shape of
    /// the answer carries, whose absence means the upstream changed (a lenient reader would read it as NULL silently).
    /// </summary>
    public bool Expect(JsonElement obj, string where, params ReadOnlySpan<string> names)
    {
        if (obj.ValueKind != JsonValueKind.Object || JsonRead.Property(obj, names) is not null)
        {
            return true;
        }

        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out _))
            {
                return true;
            }
        }

        Add($"{where} has no '{names[0]}'");
        return false;
    }

    /// <summary><see cref="Expect"/> for each of <paramref name="names"/>, each a field of its own.</summary>
    public void ExpectEach(JsonElement obj, string where, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            Expect(obj, where, name);
        }
    }

    /// <summary>
    /// When <paramref name="obj"/> has the path's first step, reports the first later step that is missing: for sections
    /// every shape nests the same way (<c>audience_preference.total_data.ratio_data</c>).
    /// </summary>
    public void ExpectPath(JsonElement obj, string where, params ReadOnlySpan<string> path)
    {
        var current = obj;
        for (var i = 0; i < path.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (JsonRead.Property(current, path[i]) is not { } next)
            {
                if (i > 0)
                {
                    Add($"{where} has no '{string.Join('.', path[..(i + 1)].ToArray())}'");
                }

                return;
            }

            current = next;
        }
    }

    /// <summary>A nested object (e.g. <c>metrics</c>); one that is there but is not an object is reported instead of read as missing.</summary>
    public JsonElement? Section(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        Add($"'{names[0]}' is not an object: {Describe(value)}");
        return null;
    }

    /// <summary>Like <see cref="JsonRead.Path"/>, but a step that is there and is not an object is reported.</summary>
    public JsonElement? Path(JsonElement obj, params ReadOnlySpan<string> path)
    {
        var current = obj;
        for (var i = 0; i < path.Length; i++)
        {
            if ((i < path.Length - 1 ? Section(current, path[i]) : JsonRead.Property(current, path[i])) is not { } next)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// Text that becomes part of a table's key (a traffic source, keyword, bucket, word, vertical). PostgreSQL cannot
    /// index a value of more than about 2 KB, which would fail the whole unit, so a longer one is reported and read as missing.
    /// </summary>
    public string? Key(JsonElement obj, params ReadOnlySpan<string> names)
    {
        var text = Text(obj, names);
        return text is null || FitsKey(text, names[0]) ? text : null;
    }

    public const int MaxKeyBytes = 1000;

    /// <summary>False (and reported) for text too long to be part of a key.</summary>
    public bool FitsKey(string text, string name)
    {
        if (text.Length * 3 <= MaxKeyBytes || System.Text.Encoding.UTF8.GetByteCount(text) <= MaxKeyBytes)
        {
            return true;
        }

        Add($"'{name}' is too long to be part of a key ({text.Length} characters, more than {MaxKeyBytes} bytes); the entry was skipped");
        return false;
    }

    /// <summary>A Douyin id as its exact digits: ids exceed 2^53, so a JSON number is read from its raw text, never via double.</summary>
    public string? Id(JsonElement obj, params ReadOnlySpan<string> names)
    {
        if (JsonRead.Property(obj, names) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is { Length: > 0 and <= 32 } && text.All(char.IsAsciiDigit))
        {
            return text;
        }

        Add($"'{names[0]}' is not an id: {Describe(value)}");
        return null;
    }

    private static string Describe(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length > 60 ? raw[..60] + "…" : raw;
    }
}
