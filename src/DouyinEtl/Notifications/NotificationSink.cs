using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DouyinEtl.Notifications;

internal enum SinkType
{
    Webhook,
    Feishu,
    DingTalk,
    WeCom,
    Slack,
}

/// <summary>
/// One configured sink: how a batch of notifications becomes its HTTP request, in the shape its documentation gives, and
/// whether its answer means "accepted". Chat bots answer HTTP 200 for refusals too (a bad signature, a keyword missing, a
/// rate limit), with their own error code in the body, so that code is read. Nothing here logs or returns the URL.
/// </summary>
internal sealed class NotificationSink
{
    public static readonly IReadOnlyList<string> Types = ["webhook", "feishu", "lark", "dingtalk", "wecom", "slack"];

    /// <summary>WeCom refuses markdown over 4096 bytes; every chat message is kept under it.</summary>
    private const int MaxTextBytes = 3800;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly string _url;
    private readonly string? _secret;
    private readonly IReadOnlySet<string> _events;

    public NotificationSink(NotificationSinkOptions options, int index)
    {
        Type = ParseType(options.Type) ?? throw new ArgumentException($"Unknown sink type {options.Type}", nameof(options));
        Name = NameOf(options, index);
        _url = options.Url!.Trim();
        _secret = string.IsNullOrEmpty(options.Secret) ? null : options.Secret.Trim();
        _events = SplitEvents(options.Events).ToHashSet(StringComparer.Ordinal);
    }

    public SinkType Type { get; }

    public string Name { get; }

    /// <summary>
    /// The sink's credentials, for masking what it answers before that is stored or logged: the secret, the URL, and each
    /// long piece of the URL (the token in its path or query), since an error page may echo the request without the host.
    /// </summary>
    public IEnumerable<string> Secrets
    {
        get
        {
            var uri = new Uri(_url);
            var pieces = uri.AbsolutePath.Split('/')
                .Concat(uri.Query.TrimStart('?').Split('&').Select(p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]))
                .Select(Uri.UnescapeDataString)
                .Where(p => p.Length >= 12);
            return new[] { _url, _secret }.OfType<string>().Concat(pieces).Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Length);
        }
    }

    public static SinkType? ParseType(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "webhook" => SinkType.Webhook,
        "feishu" or "lark" => SinkType.Feishu,
        "dingtalk" => SinkType.DingTalk,
        "wecom" => SinkType.WeCom,
        "slack" => SinkType.Slack,
        _ => null,
    };

    public static string NameOf(NotificationSinkOptions options, int index) =>
        string.IsNullOrWhiteSpace(options.Name) ? $"{options.Type.Trim().ToLowerInvariant()}-{index}" : options.Name.Trim();

    public static IEnumerable<string> SplitEvents(string? events) =>
        (events ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string kind) => _events.Count == 0 || _events.Contains(kind);

    /// <summary>The request carrying <paramref name="batch"/>, signed at <paramref name="now"/> where the sink wants a signature.</summary>
    public HttpRequestMessage Request(IReadOnlyList<Notification> batch, DateTimeOffset now)
    {
        var url = _url;
        var headers = new List<(string Name, string Value)>();
        JsonObject body;
        switch (Type)
        {
            case SinkType.Webhook:
                body = new JsonObject
                {
                    ["source"] = "douyin-etl",
                    ["notifications"] = new JsonArray([.. batch.Select(n => (JsonNode)new JsonObject
                    {
                        ["id"] = n.NotificationId,
                        ["kind"] = n.Kind,
                        ["severity"] = n.Severity,
                        ["subject"] = n.Subject,
                        ["account_id"] = n.AccountId,
                        ["job"] = n.Job,
                        ["run_id"] = n.RunId,
                        ["occurred_at"] = DateTime.SpecifyKind(n.CreatedAt, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                        ["title"] = n.Title,
                        ["message"] = n.Message,
                    })]),
                };
                break;
            case SinkType.Feishu:
                body = new JsonObject { ["msg_type"] = "text", ["content"] = new JsonObject { ["text"] = Text(batch, markdown: false) } };
                if (_secret is not null)
                {
                    // Feishu: the HMAC key is "timestamp\nsecret" and the message is empty; timestamp in seconds.
                    var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    body["timestamp"] = timestamp;
                    body["sign"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{_secret}"), Array.Empty<byte>()));
                }

                break;
            case SinkType.DingTalk:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["title"] = Title(batch), ["text"] = Text(batch, markdown: true) } };
                if (_secret is not null)
                {
                    // DingTalk: the HMAC key is the secret and the message "timestamp\nsecret"; timestamp in milliseconds, both in the query.
                    var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                    var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes($"{timestamp}\n{_secret}")));
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
                }

                break;
            case SinkType.WeCom:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = Text(batch, markdown: true) } };
                break;
            default:
                body = new JsonObject { ["text"] = Text(batch, markdown: false) };
                break;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        if (Type == SinkType.Webhook && _secret is not null)
        {
            // Like GitHub's webhooks: HMAC-SHA256 over "timestamp.body", so a receiver can check origin and freshness.
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(bytes).ToArray();
            headers.Add(("X-Douyin-Etl-Timestamp", timestamp));
            headers.Add(("X-Douyin-Etl-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), signed))));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) { Headers = { ContentType = Json } } };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    /// <summary>Why the sink did not accept the message, or null when it did.</summary>
    public string? Refusal(HttpStatusCode status, string body)
    {
        if ((int)status is < 200 or > 299)
        {
            return $"HTTP {(int)status}: {Shorten(body)}";
        }

        if (Type is SinkType.Webhook or SinkType.Slack)
        {
            return null;
        }

        // Feishu answers {"code":0,"msg":"success"} (older bots {"StatusCode":0,…}); DingTalk and WeCom {"errcode":0,"errmsg":"ok"}.
        try
        {
            var answer = JsonNode.Parse(body) as JsonObject;
            var code = (answer?["code"] ?? answer?["StatusCode"] ?? answer?["errcode"])?.GetValue<JsonElement>();
            if (code is { ValueKind: JsonValueKind.Number } number && number.GetInt64() != 0)
            {
                var message = (answer!["msg"] ?? answer["StatusMessage"] ?? answer["errmsg"])?.ToString();
                return $"HTTP {(int)status} with error code {number.GetInt64()}: {Shorten(message ?? "")}";
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return $"HTTP {(int)status} with an answer that is not JSON: {Shorten(body)}";
        }

        return null;
    }

    private static string Title(IReadOnlyList<Notification> batch) =>
        batch.Count == 1 ? $"douyin-etl: {batch[0].Title}" : $"douyin-etl: {batch.Count} notifications";

    /// <summary>The batch as chat text: a header, then per notification its severity, title and message.</summary>
    private static string Text(IReadOnlyList<Notification> batch, bool markdown)
    {
        var text = new StringBuilder();
        text.Append(markdown ? "### " : "").Append(Title(batch)).Append('\n');
        foreach (var notification in batch)
        {
            var line = new StringBuilder();
            line.Append('\n')
                .Append(markdown ? "**" : "").Append('[').Append(notification.Severity).Append("] ").Append(notification.Title).Append(markdown ? "**" : "")
                .Append('\n').Append(notification.Message).Append('\n');
            if (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(line.ToString()) > MaxTextBytes)
            {
                text.Append("\n(more: see etl.notification)");
                break;
            }

            text.Append(line);
        }

        return text.ToString().TrimEnd();
    }

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    public override string ToString() => $"NotificationSink {{ Name = {Name}, Type = {Type} }}";
}
