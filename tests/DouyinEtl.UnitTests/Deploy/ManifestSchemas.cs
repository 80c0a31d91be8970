using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DouyinEtl.UnitTests.Deploy;

/// <summary>
/// Reads YAML manifests as JSON (YAML core schema: plain scalars become numbers, booleans and nulls; merge keys are
/// resolved) and validates them with NJsonSchema against the schemas vendored in <c>Deploy/Schemas</c> (see its README).
/// </summary>
internal static partial class ManifestSchemas
{
    private static readonly Lazy<Task<(JsonSchema Schema, Dictionary<string, string> ByKind)>> Kubernetes = new(LoadKubernetesAsync);
    private static readonly Lazy<Task<JsonSchema>> Compose = new(() => JsonSchema.FromJsonAsync(File.ReadAllText(SchemaPath("compose-spec.json"))));

    /// <summary>Every document of a YAML file, as JSON.</summary>
    public static IReadOnlyList<JsonNode?> ReadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode))];
    }

    /// <summary>Validates one Kubernetes object against the definition its apiVersion and kind name; returns the errors.</summary>
    public static async Task<IReadOnlyList<string>> ValidateKubernetesAsync(JsonNode document)
    {
        var apiVersion = (string?)document["apiVersion"] ?? "";
        var kind = (string?)document["kind"] ?? "";
        var (group, version) = apiVersion.Contains('/', StringComparison.Ordinal) ? (apiVersion.Split('/')[0], apiVersion.Split('/')[1]) : ("", apiVersion);
        var (schema, byKind) = await Kubernetes.Value;
        if (!byKind.TryGetValue($"{group}/{version}/{kind}", out var name))
        {
            return [$"no Kubernetes 1.22 definition for apiVersion '{apiVersion}', kind '{kind}'"];
        }

        return [.. schema.Definitions[name].Validate(document.ToJsonString()).Select(e => e.ToString())];
    }

    public static async Task<IReadOnlyList<string>> ValidateComposeAsync(JsonNode document) =>
        [.. (await Compose.Value).Validate(document.ToJsonString()).Select(e => e.ToString())];

    private static async Task<(JsonSchema, Dictionary<string, string>)> LoadKubernetesAsync()
    {
        await using var gzip = new GZipStream(File.OpenRead(SchemaPath("kubernetes-1.22-swagger.json.gz")), CompressionMode.Decompress);
        var swagger = (await JsonNode.ParseAsync(gzip))!.AsObject();
        var definitions = swagger["definitions"]!.AsObject();

        // As the API server reads them: either spelling.
        definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "integer" }) };
        definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }) };

        // The one field we use that is newer than the vendored v1.22 document (beta 1.25, GA 1.27).
        definitions["io.k8s.api.batch.v1.CronJobSpec"]!["properties"]!["timeZone"] = new JsonObject { ["type"] = "string" };

        var byKind = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, definition) in definitions)
        {
            Strict(definition);
            foreach (var gvk in definition?["x-kubernetes-group-version-kind"]?.AsArray() ?? [])
            {
                byKind.TryAdd($"{gvk!["group"]}/{gvk["version"]}/{gvk["kind"]}", name);
            }
        }

        var schema = await JsonSchema.FromJsonAsync(new JsonObject { ["definitions"] = definitions.DeepClone() }.ToJsonString());
        return (schema, byKind);
    }

    /// <summary>Unknown fields are errors (kubectl --validate=strict), at every level.</summary>
    private static void Strict(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            schema.TryAdd("additionalProperties", false);
            foreach (var (_, property) in properties)
            {
                Strict(property);
            }
        }

        Strict(schema["items"]);
        if (schema["additionalProperties"] is JsonObject values)
        {
            Strict(values);
        }
    }

    private static string SchemaPath(string file) => Repository.PathOf("tests", "DouyinEtl.UnitTests", "Deploy", "Schemas", file);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    /// <summary>A mapping, with merge keys (<c>&lt;&lt;: *anchor</c>) resolved: merged entries first, the mapping's own keys win.</summary>
    private static JsonObject Mapping(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children.Where(p => ((YamlScalarNode)p.Key).Value == "<<"))
        {
            foreach (var merged in value is YamlSequenceNode list ? list.Children : [value])
            {
                foreach (var (name, node) in Mapping((YamlMappingNode)merged))
                {
                    result[name] = node?.DeepClone();
                }
            }
        }

        foreach (var (key, value) in map.Children.Where(p => ((YamlScalarNode)p.Key).Value != "<<"))
        {
            result[((YamlScalarNode)key).Value ?? ""] = ToJson(value);
        }

        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (IntegerPattern().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
        }

        return FloatPattern().IsMatch(text) ? JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)) : JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
