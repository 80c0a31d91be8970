using System.Text.Json.Nodes;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>Checks a request body the way TikHub's FastAPI models do and collects pydantic-style errors for a 422.</summary>
public sealed class RequestValidator(JsonObject body)
{
    private readonly JsonArray _errors = [];

    public bool IsValid => _errors.Count == 0;

    public JsonArray Errors => _errors;

    public string? RequiredString(string name) => Required(name) is { } node ? Text(name, node) : null;

    public long? RequiredInteger(string name, long? min = null, long? max = null) =>
        Required(name) is { } node ? Integer(name, node, min, max) : null;

    public long? OptionalInteger(string name, long? defaultValue, long? min = null, long? max = null) =>
        Optional(name) is { } node ? Integer(name, node, min, max) : defaultValue;

    public bool? OptionalBoolean(string name, bool defaultValue)
    {
        if (Optional(name) is not { } node)
        {
            return defaultValue;
        }

        if (node is JsonValue value && value.TryGetValue<bool>(out var flag))
        {
            return flag;
        }

        Add(name, "Input should be a valid boolean", "bool_type");
        return null;
    }

    public string? OptionalString(string name, string? defaultValue) => Optional(name) is { } node ? Text(name, node) : defaultValue;

    public List<long>? OptionalIntegerList(string name, IReadOnlyList<long> defaultValue) =>
        Optional(name) is { } node ? List<long>(name, node, "Input should be a valid integer", "int_type") : new List<long>(defaultValue);

    public List<string>? RequiredStringList(string name) =>
        Required(name) is { } node ? List<string>(name, node, "Input should be a valid string", "string_type") : null;

    public void Fail(string name, string message, string type) => Add(name, message, type);

    /// <summary>The field's value; a missing or null one is pydantic's "Field required".</summary>
    private JsonNode? Required(string name)
    {
        if (Optional(name) is { } node)
        {
            return node;
        }

        Add(name, "Field required", "missing");
        return null;
    }

    /// <summary>The field's value, or null when it is missing or null (the model's default applies).</summary>
    private JsonNode? Optional(string name) => body.TryGetPropertyValue(name, out var node) ? node : null;

    private string? Text(string name, JsonNode node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        Add(name, "Input should be a valid string", "string_type");
        return null;
    }

    /// <summary>A list whose every element is a <typeparamref name="T"/>; the first that is not fails the field.</summary>
    private List<T>? List<T>(string name, JsonNode node, string elementMessage, string elementType)
    {
        if (node is not JsonArray array)
        {
            Add(name, "Input should be a valid list", "list_type");
            return null;
        }

        var result = new List<T>();
        foreach (var element in array)
        {
            if (element is not JsonValue value || !value.TryGetValue<T>(out var item))
            {
                Add(name, elementMessage, elementType);
                return null;
            }

            result.Add(item);
        }

        return result;
    }

    private long? Integer(string name, JsonNode node, long? min, long? max)
    {
        long number;
        if (node is JsonValue value && value.TryGetValue<long>(out var parsed))
        {
            number = parsed;
        }
        else if (node is JsonValue text && text.TryGetValue<string>(out var s) && long.TryParse(s, out var fromText))
        {
            // pydantic's lax mode accepts "123" for an int field.
            number = fromText;
        }
        else
        {
            Add(name, "Input should be a valid integer", "int_parsing");
            return null;
        }

        if (min is not null && number < min)
        {
            Add(name, $"Input should be greater than or equal to {min}", "greater_than_equal");
            return null;
        }

        if (max is not null && number > max)
        {
            Add(name, $"Input should be less than or equal to {max}", "less_than_equal");
            return null;
        }

        return number;
    }

    private void Add(string name, string message, string type) =>
        _errors.Add(new JsonObject
        {
            ["loc"] = new JsonArray("body", name),
            ["msg"] = message,
            ["type"] = type,
        });
}
