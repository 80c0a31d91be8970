using System.Globalization;
using System.Text.Json.Nodes;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>Values of a request body that passed validation: integers may come as JSON numbers or numeric strings.</summary>
public static class RequestBody
{
    public static long? Long(JsonObject body, string name) =>
        body[name] is JsonValue value
            ? value.TryGetValue<long>(out var number) ? number
            : value.TryGetValue<string>(out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
            : null;
}
