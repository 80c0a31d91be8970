using System.Text.Json;

namespace DouyinEtl.Json;

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

    public long? Count(JsonElement obj, params ReadOnlySpan<string> names) => Scalar<long>(obj, names, JsonRead.TryInteger, "a count");

    public decimal? Decimal(JsonElement obj, params ReadOnlySpan<string> names) => Scalar<decimal>(obj, names, JsonRead.TryDecimal, "a number");

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

    private delegate bool TryParse<T>(JsonElement value, out T result);

    /// <summary>A value that is there and no placeholder, parsed; one that does not parse is reported and read as missing.</summary>
    private T? Scalar<T>(JsonElement obj, ReadOnlySpan<string> names, TryParse<T> parse, string what)
        where T : struct
    {
        if (JsonRead.Property(obj, names) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        if (parse(value, out var parsed))
        {
            return parsed;
        }

        Add($"'{names[0]}' is not {what}: {Describe(value)}");
        return null;
    }

    private static string Describe(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length > 60 ? raw[..60] + "…" : raw;
    }
}
