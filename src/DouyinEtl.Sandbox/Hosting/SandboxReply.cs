using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>What an endpoint handler sees once auth, rate limit, validation, faults and the cookie have passed.</summary>
public sealed record TikHubRequest(
    JsonObject Body,
    SandboxAccount Account,
    PayloadVariant Variant,
    DateTimeOffset Now,
    SandboxWorld World,
    EndpointCalls Calls);

public abstract record SandboxReply;

/// <summary>The creator platform's body, wrapped by the pipeline in TikHub's success envelope.</summary>
public sealed record DataReply(JsonNode Data) : SandboxReply;

/// <summary>A file body (the Excel export) sent as is.</summary>
public sealed record FileReply(byte[] Content, string ContentType, string FileName) : SandboxReply;

/// <summary>A non-2xx answer with a FastAPI-style body.</summary>
public sealed record ErrorReply(int Status, JsonNode Body) : SandboxReply;
