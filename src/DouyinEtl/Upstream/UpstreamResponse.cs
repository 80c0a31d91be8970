using System.Text.Json;

namespace DouyinEtl.Upstream;

/// <summary>A successful (HTTP 200, well-formed) answer, already landed raw as <see cref="CallId"/>.</summary>
internal sealed record UpstreamResponse(
    long CallId,
    DateTimeOffset RequestedAt,
    InnerStatus Status,
    int InnerCode,
    string? InnerMessage,
    JsonElement Data,
    byte[]? File);
