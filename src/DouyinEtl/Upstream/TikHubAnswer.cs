using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Warehouse;

namespace DouyinEtl.Upstream;

/// <summary>What an attempt's answer means for the retry: kept and read, tried again, given up, or the key refused.</summary>
internal enum AnswerKind
{
    Success,
    Transient,
    Fatal,
    Denied,
}

/// <summary>The parts of an HTTP answer the classification reads: its status line, two headers and the whole body.</summary>
internal sealed record HttpAnswer(int Status, string? ReasonPhrase, string? ContentType, RetryConditionHeaderValue? RetryAfter, byte[] Body)
{
    public static HttpAnswer From(HttpResponseMessage response, byte[] body) =>
        new((int)response.StatusCode, response.ReasonPhrase, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter, body);
}

/// <summary>
/// One attempt's answer, classified: what the retry does with it and what is landed in <c>raw.api_call</c>. Built by
/// <see cref="Classify"/> from the status, headers and bytes alone (no I/O), or by <see cref="NoAnswer"/> when none came.
/// Every byte kept here went through the scrubber first.
/// </summary>
internal sealed record TikHubAnswer(
    AnswerKind Kind,
    int? HttpStatus,
    string Outcome,
    string Reason,
    TimeSpan? RetryAfter = null,
    string? ContentType = null,
    string? PayloadJson = null,
    byte[]? RawBody = null,
    JsonElement Data = default,
    byte[]? File = null,
    string? RequestId = null,
    int? InnerCode = null,
    int UnstorableEscapes = 0)
{
    /// <summary>The longest Retry-After honoured: an absurd one would stall the whole run.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(600);

    /// <summary>The pause after a 429 that names none.</summary>
    private static readonly TimeSpan DefaultThrottlePause = TimeSpan.FromSeconds(1);

    private const int MaxErrorText = 300;

    /// <summary>
    /// Sorts an answer: a 200 is TikHub's envelope (or, for a download, a whole zip), and anything else there is a
    /// garbled answer worth another try; 429, 408, 5xx and TikHub's "Please retry" 400 pass with time; 401/403 refuse
    /// the key; every other status (400, 404, 422 …) is the request's own fault and is never repeated.
    /// </summary>
    public static TikHubAnswer Classify(HttpAnswer http, bool expectsFile, DateTimeOffset now, SecretScrubber scrubber)
    {
        var status = http.Status;
        var contentType = http.ContentType;
        var body = http.Body;
        var retryAfter = RetryAfterDelay(http.RetryAfter, now);
        switch ((HttpStatusCode)status)
        {
            case HttpStatusCode.OK:
                if (expectsFile && LooksLikeZip(body))
                {
                    // A file cut off in transit is a garbled 200 like any other: retried, its bytes kept.
                    return HasZipEnd(body)
                        ? Download(status, contentType, body)
                        : Transient(status, "200 with a cut-off file (no zip end record)", null, contentType, scrubber.Scrub(body));
                }

                return ParseEnvelope(status, contentType, body, scrubber);
            case HttpStatusCode.TooManyRequests:
                return Transient(status, "429 Too Many Requests", retryAfter ?? DefaultThrottlePause, contentType, scrubber.Scrub(body));
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return new(AnswerKind.Denied, status, "denied", ErrorText(body, scrubber), ContentType: contentType, RawBody: scrubber.Scrub(body));
            case HttpStatusCode.BadRequest when Encoding.UTF8.GetString(body).Contains("Please retry", StringComparison.OrdinalIgnoreCase):
                return Transient(status, "400 'Please retry' (TikHub's transient failure)", retryAfter, contentType, scrubber.Scrub(body));
            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                return Transient(status, $"{status} {http.ReasonPhrase}", retryAfter, contentType, scrubber.Scrub(body));
            default:
                return new(AnswerKind.Fatal, status, "rejected", $"{status}: {ErrorText(body, scrubber)}", ContentType: contentType, RawBody: scrubber.Scrub(body));
        }
    }

    /// <summary>No answer at all (a timeout, a network error): always worth another try.</summary>
    public static TikHubAnswer NoAnswer(string reason) => Transient(null, reason);

    /// <summary>The creator platform's status: <c>status_code</c> for creator APIs, <c>code</c> for the <c>/dp/</c> ones.</summary>
    public static (int Code, string? Message) ReadInnerCode(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return (0, null);
        }

        var code = JsonRead.Int32(data, "status_code") ?? JsonRead.Int32(data, "code") ?? 0;
        var message = JsonRead.String(data, "status_msg") ?? JsonRead.String(data, "message") ?? JsonRead.String(data, "msg");
        return (code, string.IsNullOrEmpty(message) ? null : message);
    }

    private static TikHubAnswer Download(int status, string? contentType, byte[] body) =>
        new(AnswerKind.Success, status, "ok", "file", ContentType: contentType, RawBody: body, File: body);

    private static TikHubAnswer Transient(int? status, string reason, TimeSpan? retryAfter = null, string? contentType = null, byte[]? body = null) =>
        new(AnswerKind.Transient, status, status is null ? "no_response" : "retryable_error", reason, retryAfter, contentType, RawBody: body);

    private static TikHubAnswer ParseEnvelope(int status, string? contentType, byte[] body, SecretScrubber scrubber)
    {
        // The echoed cookie is masked by the answer's structure, leaving every byte of its data as served.
        var masked = scrubber.Scrub(body);
        JsonObject? envelope;
        var unstorable = 0;
        try
        {
            // Escapes of U+0000 or of half a surrogate pair cannot be read as strings nor stored as jsonb: they are
            // read as U+FFFD, and the answer's exact bytes are kept beside the envelope.
            envelope = masked.AsSpan().IndexOf("\\u"u8) >= 0
                ? JsonNode.Parse(Text.StorableJson(Encoding.UTF8.GetString(masked), out unstorable)) as JsonObject
                : JsonNode.Parse(masked) as JsonObject;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope is null || !envelope.ContainsKey("data"))
        {
            var what = contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                ? $"a {contentType} body instead of JSON"
                : "a body that is not TikHub's JSON envelope";
            return Transient(status, $"200 with {what}", null, contentType, masked);
        }

        var json = envelope.ToJsonString();
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data").Clone();
        var requestId = envelope["request_id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;
        var innerCode = ReadInnerCode(data).Code;
        return new(AnswerKind.Success, status, innerCode == 0 ? "ok" : "inner_error", innerCode == 0 ? "ok" : $"inner status {innerCode}",
            ContentType: contentType, PayloadJson: json, RawBody: unstorable > 0 ? masked : null, Data: data, RequestId: requestId,
            InnerCode: innerCode, UnstorableEscapes: unstorable);
    }

    /// <summary>TikHub's own words for a refusal: <c>detail.message</c>, or the 422 list as "loc msg; …"; else the body's start.</summary>
    private static string ErrorText(byte[] body, SecretScrubber scrubber)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            var detail = JsonNode.Parse(text)?["detail"];
            text = detail switch
            {
                JsonObject obj => (obj["message"] ?? obj["message_zh"])?.ToString() ?? obj.ToJsonString(),
                JsonArray list => string.Join("; ", list.Select(e => $"{e?["loc"]?.ToJsonString()} {e?["msg"]}")),
                _ => text,
            };
        }
        catch (JsonException)
        {
            // Not JSON: report the start of it as is.
        }

        text = scrubber.Scrub(text);
        return text.Length > MaxErrorText ? text[..MaxErrorText] + "…" : text;
    }

    private static TimeSpan? RetryAfterDelay(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return delay is { } d ? TimeSpan.FromSeconds(Math.Clamp(d.TotalSeconds, 0, MaxRetryAfter.TotalSeconds)) : null;
    }

    private static bool LooksLikeZip(byte[] body) => body.Length >= 4 && body[0] == 'P' && body[1] == 'K' && body[2] == 3 && body[3] == 4;

    /// <summary>A whole zip ends with its end-of-central-directory record (PK 5 6), at most 22 + 65535 comment bytes from the end.</summary>
    private static bool HasZipEnd(byte[] body)
    {
        for (var i = body.Length - 22; i >= Math.Max(0, body.Length - 22 - ushort.MaxValue); i--)
        {
            if (body[i] == 'P' && body[i + 1] == 'K' && body[i + 2] == 5 && body[i + 3] == 6)
            {
                return true;
            }
        }

        return false;
    }
}
