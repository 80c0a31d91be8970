using System.Text.Json;

namespace DouyinEtl.Upstream;

/// <summary>How the creator platform's own status inside <c>data</c> reads, once the account-level ones are handled.</summary>
internal enum InnerStatus
{
    Ok,

    /// <summary>10001: too few plays for this analysis yet. Not a failure: try again later.</summary>
    NoDataYet,

    /// <summary>200001: more than 1000 works in the requested window. Split the window.</summary>
    RangeTooLarge,

    /// <summary>Any other non-zero status; kept raw and reported.</summary>
    Error,
}

/// <summary>A successful (HTTP 200, well-formed) answer, already landed raw as <see cref="CallId"/>.</summary>
internal sealed record UpstreamResponse(
    long CallId,
    DateTimeOffset RequestedAt,
    InnerStatus Status,
    int InnerCode,
    string? InnerMessage,
    JsonElement Data,
    byte[]? File);
