using System.Globalization;
using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>Shapes the analytics endpoints share: lists of objects, <c>{key, value}</c> pairs, time keys.</summary>
internal static class AnalyticsJson
{
    /// <summary>
    /// True when <paramref name="data"/> carries any of <paramref name="names"/>, even empty or null: the answer has this
    /// endpoint's shape. An answer with none of them is not one we can read (it is kept raw and reported).
    /// </summary>
    public static bool Has(JsonElement data, params ReadOnlySpan<string> names)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var name in names)
        {
            if (data.TryGetProperty(name, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>When <paramref name="data"/> has any of one shape's <paramref name="sections"/>, reports those it lacks.</summary>
    public static void ExpectShape(JsonElement data, PayloadProblems problems, string endpoint, params ReadOnlySpan<string> sections)
    {
        if (Has(data, sections))
        {
            problems.ExpectEach(data, endpoint, sections);
        }
    }

    /// <summary>The objects of a list; a missing or null list is empty, anything else in it is reported and skipped.</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement? list, string name, PayloadProblems problems)
    {
        if (list is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"'{name}' is not a list");
            yield break;
        }

        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object)
            {
                yield return entry;
            }
            else
            {
                problems.Add($"an entry of '{name}' is not an object");
            }
        }
    }

    /// <summary>The <c>{key, value}</c> pairs of a list; entries without a key are reported and skipped.</summary>
    public static IEnumerable<(string Key, decimal? Value)> Pairs(JsonElement? list, string name, PayloadProblems problems)
    {
        foreach (var entry in Objects(list, name, problems))
        {
            if (problems.Key(entry, "key", "name") is { Length: > 0 } key)
            {
                problems.Expect(entry, $"an entry of '{name}'", "value", "ratio");
                yield return (key, problems.Decimal(entry, "value", "ratio"));
            }
            else
            {
                problems.Add($"an entry of '{name}' has no key; it was skipped");
            }
        }
    }

    /// <summary>A documented percentage as a fraction ("35.5" → 0.355); a "35.5%" string is already read as a fraction.</summary>
    public static decimal? Percentage(JsonElement entry, PayloadProblems problems, string name)
    {
        var value = problems.Decimal(entry, name);
        var isPercentText = JsonRead.Property(entry, name) is { ValueKind: JsonValueKind.String } text && text.GetString()!.TrimEnd().EndsWith('%');
        return isPercentText ? value : value / 100;
    }

    /// <summary>A position in a video: "mm:ss" (minutes may pass 59), "h:mm:ss", or plain seconds as a number or text.</summary>
    public static int? Seconds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().Split(':');
        if (parts.Length > 3 || parts.Any(p => p.Length is 0 or > 9 || !p.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var seconds = 0L;
        foreach (var part in parts)
        {
            seconds = (seconds * 60) + long.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        var lastIsUnderAMinute = parts.Length == 1 || int.Parse(parts[^1], CultureInfo.InvariantCulture) < 60;
        var middleIsUnderAnHour = parts.Length < 3 || int.Parse(parts[1], CultureInfo.InvariantCulture) < 60;
        return lastIsUnderAMinute && middleIsUnderAnHour && seconds <= int.MaxValue ? (int)seconds : null;
    }

    /// <summary>Reads a time key (see <see cref="Seconds(string)"/>), reporting one that is not a time.</summary>
    public static int? Seconds(JsonElement entry, PayloadProblems problems, params ReadOnlySpan<string> names)
    {
        var text = JsonRead.Property(entry, names) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
        var seconds = Seconds(text);
        if (seconds is null)
        {
            problems.Add($"'{names[0]}' is not a time (mm:ss, h:mm:ss or seconds): {text ?? "missing"}; the point was skipped");
        }

        return seconds;
    }
}
