using System.Text.Json;

namespace DouyinEtl.Json;

/// <summary>
/// For payloads whose shape nobody has documented: a field the normalizer does not know is kept (raw.api_call and the
/// row's jsonb) and reported once per payload as a <c>payload_field</c> problem, so it can be given a column later.
/// </summary>
internal static class UnknownFields
{
    /// <summary>Boilerplate the creator platform adds to every answer: never worth a problem.</summary>
    private static readonly HashSet<string> Envelope = new(StringComparer.Ordinal) { "status_code", "status_msg", "code", "msg", "message", "extra", "log_pb" };

    public static void ReportUnknown(this PayloadProblems problems, JsonElement obj, IReadOnlySet<string> known, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name) && !Envelope.Contains(property.Name))
            {
                problems.Add($"{where}: unknown field '{property.Name}' kept raw, not normalized");
            }
        }
    }
}
