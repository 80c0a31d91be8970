using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;

namespace DouyinEtl.Sandbox.Hosting;

public enum MutationKind
{
    FieldRemoved,
    TypeChanged,
    HugeString,
    OddUnicode,
    NestingChanged,
    FileTruncated,
    FileCorrupted,
    FileNotAWorkbook,
    FileOddCells,
}

/// <summary>One answer the sandbox mutated on purpose: where, how, the string it put there (if any), and the exact bytes it served.</summary>
public sealed record PayloadMutation(long Sequence, string Endpoint, string? RequestId, MutationKind Kind, string Path, string Detail, byte[] Served)
{
    /// <summary>For <see cref="MutationKind.HugeString"/> and <see cref="MutationKind.OddUnicode"/>: the new value, lone surrogates included.</summary>
    public string? Text { get; init; }
}

/// <summary>
/// Mutates answers the way an upstream drifts or breaks (<see cref="FaultOptions.MutationRate"/>): one change per
/// answer inside TikHub's <c>data</c> — a field removed, a value of another type, a huge string, odd Unicode (lone
/// surrogates, RTL overrides, zero-width characters, U+0000), a list or object nested differently — or, for the Excel
/// export, a cut-off, corrupted, foreign or oddly filled workbook. Deterministic from its seed; every mutation is kept.
/// </summary>
public sealed class PayloadMutator(int seed)
{
    // Lone surrogates cannot live in a string System.Text.Json writes, so they go in as markers replaced in the text.
    private const string LoneHigh = "~~LONE-D83D~~";
    private const string LoneLow = "~~LONE-DE00~~";

    private static readonly string[] OddTexts =
    [
        "\u202Eevil override\u202C", "zero\u200Bwidth\u200Djoiner\uFEFF", "nul\u0000byte", LoneHigh + " lone high", "lone low " + LoneLow,
        "e\u0301\u0301\u0301 combining", "\u2028line\u2029separators", "non\uFFFFchar\uFFFE", "\u0001\u001F\u007F controls",
        "𝕏🏳️‍🌈👨‍👩‍👧 astral", "'; DROP TABLE douyin.item; --", "\"quoted\" \\ back\\slash",
    ];

    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private readonly List<PayloadMutation> _mutations = [];

    public IReadOnlyList<PayloadMutation> Mutations
    {
        get
        {
            lock (_gate)
            {
                return [.. _mutations];
            }
        }
    }

    /// <summary>Serializes <paramref name="envelope"/> with one mutation inside its <c>data</c>.</summary>
    public string MutateEnvelope(string endpoint, JsonObject envelope, JsonSerializerOptions options)
    {
        lock (_gate)
        {
            var data = envelope["data"]!;
            var (kind, path, detail, value) = MutateJson(data);
            var text = envelope.ToJsonString(options).Replace(LoneHigh, "\\ud83d", StringComparison.Ordinal).Replace(LoneLow, "\\ude00", StringComparison.Ordinal);
            Keep(endpoint, envelope["request_id"]?.GetValue<string>(), kind, path, detail, Encoding.UTF8.GetBytes(text), value?.Replace(LoneHigh, "\ud83d", StringComparison.Ordinal).Replace(LoneLow, "\ude00", StringComparison.Ordinal));
            return text;
        }
    }

    /// <summary>A mutated copy of a workbook's bytes.</summary>
    public byte[] MutateFile(string endpoint, byte[] workbook)
    {
        lock (_gate)
        {
            var kind = (MutationKind)_random.Next((int)MutationKind.FileTruncated, (int)MutationKind.FileOddCells + 1);
            var (bytes, detail) = kind switch
            {
                MutationKind.FileTruncated => Truncated(workbook),
                MutationKind.FileCorrupted => Corrupted(workbook),
                MutationKind.FileNotAWorkbook => (NotAWorkbook(), "a zip holding a text file"),
                _ => OddCells(workbook),
            };
            Keep(endpoint, null, kind, "file", detail, bytes);
            return bytes;
        }
    }

    private void Keep(string endpoint, string? requestId, MutationKind kind, string path, string detail, byte[] served, string? text = null) =>
        _mutations.Add(new PayloadMutation(_mutations.Count + 1, endpoint, requestId, kind, path, detail, served) { Text = text });

    private (MutationKind Kind, string Path, string Detail, string? Text) MutateJson(JsonNode data)
    {
        var nodes = Descendants(data).ToList();
        var strings = nodes.Where(n => n.GetValueKind() == JsonValueKind.String).ToList();
        var containers = nodes.Where(n => n is JsonObject or JsonArray && n.Parent is not null).ToList();
        var roll = _random.NextDouble();
        if (roll < 0.25 && nodes.Any(n => n.Parent is JsonObject))
        {
            var target = Pick(nodes.Where(n => n.Parent is JsonObject).ToList());
            var path = target.GetPath();
            ((JsonObject)target.Parent!).Remove(target.GetPropertyName());
            return (MutationKind.FieldRemoved, path, "removed", null);
        }

        if (roll < 0.40 && strings.Count > 0)
        {
            var target = Pick(strings);
            var huge = HugeString(_random.Next(3) switch { 0 => 3_000, 1 => 30_000, _ => 300_000 });
            return (MutationKind.HugeString, Replace(target, JsonValue.Create(huge)), $"{huge.Length} chars", huge);
        }

        if (roll < 0.60 && strings.Count > 0)
        {
            var target = Pick(strings);
            var odd = OddTexts[_random.Next(OddTexts.Length)];
            var value = _random.Next(2) == 0 ? odd : target.GetValue<string>() + odd;
            return (MutationKind.OddUnicode, Replace(target, JsonValue.Create(value)), Describe(odd), value);
        }

        if (roll < 0.75 && containers.Count > 0)
        {
            var target = Pick(containers);
            JsonNode? replacement = _random.Next(5) switch
            {
                0 => new JsonArray(target.DeepClone()),
                1 => new JsonObject { ["data"] = target.DeepClone() },
                2 => target is JsonObject o ? o.FirstOrDefault().Value?.DeepClone() : (target as JsonArray)!.FirstOrDefault()?.DeepClone(),
                3 => target is JsonObject ? new JsonArray() : new JsonObject(),
                _ => target is JsonArray a ? new JsonObject(a.Select((e, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), e?.DeepClone()))) : new JsonArray(),
            };
            return (MutationKind.NestingChanged, Replace(target, replacement), $"{target.GetValueKind()} → {replacement?.GetValueKind().ToString() ?? "null"}", null);
        }

        if (nodes.Count == 0)
        {
            var path = data.GetPath();
            data.ReplaceWith(JsonValue.Create("not an object"));
            return (MutationKind.TypeChanged, path, "data → string", null);
        }

        var changed = Pick(nodes);
        JsonNode? other = changed.GetValueKind() switch
        {
            JsonValueKind.Number => _random.Next(3) switch { 0 => JsonValue.Create("12.5万x"), 1 => JsonValue.Create(true), _ => new JsonObject() },
            JsonValueKind.String => _random.Next(3) switch { 0 => JsonValue.Create(1e300), 1 => JsonValue.Create(false), _ => new JsonArray() },
            JsonValueKind.True or JsonValueKind.False => JsonValue.Create("yes"),
            JsonValueKind.Object => JsonValue.Create("[object Object]"),
            JsonValueKind.Array => JsonValue.Create(0),
            _ => JsonValue.Create(-1),
        };
        // A scalar put in: its text is what a reader taking "numbers as text" would store.
        var text = other is JsonValue scalar ? scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString() : null;
        return (MutationKind.TypeChanged, Replace(changed, other), $"{changed.GetValueKind()} → {other?.GetValueKind().ToString() ?? "null"}", text);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var grandchild in Descendants(child))
            {
                yield return grandchild;
            }
        }
    }

    private static string Replace(JsonNode target, JsonNode? replacement)
    {
        var path = target.GetPath();
        target.ReplaceWith(replacement);
        return path;
    }

    private T Pick<T>(IReadOnlyList<T> list) => list[_random.Next(list.Count)];

    private string HugeString(int length)
    {
        string[] pieces = ["abc", "0123", " ", "抖音", "创作者", "🔥", "😂", "\\", "\""];
        var builder = new StringBuilder(length + 4);
        while (builder.Length < length)
        {
            builder.Append(pieces[_random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }

    private static string Describe(string odd) =>
        string.Concat(odd.Take(24).Select(c => c < ' ' || char.IsSurrogate(c) || c is '\u200B' or '\u200D' or '\u202E' or '\uFEFF' ? $"\\u{(int)c:X4}" : c.ToString()))
            .Replace(LoneHigh, "\\uD83D", StringComparison.Ordinal).Replace(LoneLow, "\\uDE00", StringComparison.Ordinal);

    private (byte[], string) Truncated(byte[] workbook)
    {
        var length = (int)(workbook.Length * _random.NextDouble());
        return (workbook[..length], $"first {length} of {workbook.Length} bytes");
    }

    private (byte[], string) Corrupted(byte[] workbook)
    {
        var bytes = (byte[])workbook.Clone();
        var flips = _random.Next(1, 20);
        for (var i = 0; i < flips; i++)
        {
            // Inside the compressed entries: the zip's local header and central directory stay intact.
            bytes[_random.Next(64, Math.Max(65, bytes.Length * 2 / 3))] ^= (byte)_random.Next(1, 256);
        }

        return (bytes, $"{flips} bytes flipped");
    }

    private static byte[] NotAWorkbook()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            entry.Write("not a workbook");
        }

        return stream.ToArray();
    }

    private (byte[], string) OddCells(byte[] workbook)
    {
        using var workbookIn = new XLWorkbook(new MemoryStream(workbook));
        var sheet = workbookIn.Worksheet(1);
        var lastRow = Math.Max(2, sheet.LastRowUsed()?.RowNumber() ?? 2);
        var lastColumn = Math.Max(1, sheet.LastColumnUsed()?.ColumnNumber() ?? 1);
        var row = _random.Next(2, lastRow + 1);
        var column = _random.Next(1, lastColumn + 1);
        string detail;
        switch (_random.Next(6))
        {
            case 0:
                sheet.Cell(row, column).SetValue(HugeString(30_000));
                detail = $"R{row}C{column}: 30000 chars";
                break;
            case 1:
                sheet.Cell(row, column).SetValue("\u202E反转\u202C 零宽\u200B 🏳️‍🌈 e\u0301");
                detail = $"R{row}C{column}: odd Unicode";
                break;
            case 2:
                sheet.Cell(row, column).SetValue(_random.Next(2) == 0 ? "abc" : "1e400");
                detail = $"R{row}C{column}: text where a value belongs";
                break;
            case 3:
                sheet.Cell(1, column).SetValue("");
                detail = $"header C{column} emptied";
                break;
            case 4:
                workbookIn.AddWorksheet("说明", 1).Cell(1, 1).SetValue("导出说明");
                detail = "an extra sheet before the data";
                break;
            default:
                sheet.Rows(2, lastRow).Delete();
                detail = "header only";
                break;
        }

        using var stream = new MemoryStream();
        workbookIn.SaveAs(stream);
        return (stream.ToArray(), detail);
    }
}
