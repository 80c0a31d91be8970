using System.Text.Json.Nodes;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>Checks a request body the way TikHub's FastAPI models do and collects pydantic-style errors for a 422.</summary>
public sealed class RequestValidator(JsonObject body)
{
    private readonly JsonArray _errors = [];

    public bool IsValid => _errors.Count == 0;

    public JsonArray Errors => _errors;

    public string? RequiredString(string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            Add(name, "Field required", "missing");
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        Add(name, "Input should be a valid string", "string_type");
        return null;
    }

    public long? RequiredInteger(string name, long? min = null, long? max = null)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            Add(name, "Field required", "missing");
            return null;
        }

        return Integer(name, node, min, max);
    }

    public long? OptionalInteger(string name, long? defaultValue, long? min = null, long? max = null)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return defaultValue;
        }

        return Integer(name, node, min, max);
    }

    public bool? OptionalBoolean(string name, bool defaultValue)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
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

    public string? OptionalString(string name, string? defaultValue)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return defaultValue;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        Add(name, "Input should be a valid string", "string_type");
        return null;
    }

    public List<long>? OptionalIntegerList(string name, IReadOnlyList<long> defaultValue)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return [.. defaultValue];
        }

        if (node is not JsonArray array)
        {
            Add(name, "Input should be a valid list", "list_type");
            return null;
        }

        var result = new List<long>();
        foreach (var element in array)
        {
            if (element is JsonValue v && v.TryGetValue<long>(out var number))
            {
                result.Add(number);
            }
            else
            {
                Add(name, "Input should be a valid integer", "int_type");
                return null;
            }
        }

        return result;
    }

    public List<string>? RequiredStringList(string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            Add(name, "Field required", "missing");
            return null;
        }

        if (node is not JsonArray array)
        {
            Add(name, "Input should be a valid list", "list_type");
            return null;
        }

        var result = new List<string>();
        foreach (var element in array)
        {
            if (element is JsonValue v && v.TryGetValue<string>(out var text))
            {
                result.Add(text);
            }
            else
            {
                Add(name, "Input should be a valid string", "string_type");
                return null;
            }
        }

        return result;
    }

    public void Fail(string name, string message, string type) => Add(name, message, type);

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
