using System.Globalization;
using System.Text.Json;

namespace DouyinEtl.Json;

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
