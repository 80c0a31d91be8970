using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DouyinEtl.Testing;

/// <summary>
/// Five sinks on one <see cref="WebhookReceiver"/>, each answered the way its service answers (written from the services'
/// documentation, not from the worker's code): Feishu and DingTalk check their signatures and refuse a wrong one with
/// their own error code in a 200, as the real bots do; WeCom and DingTalk answer errcode 0; Slack "ok".
/// </summary>
internal sealed class SinkReceivers
{
    public const string WebhookSecret = "whsec-7c1f0b9e4d2a8c3b5e6f";
    public const string FeishuSecret = "fs-secret-2f8e7d6c5b4a3928";
    public const string DingTalkSecret = "SECd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f";

    public SinkReceivers(WebhookReceiver receiver)
    {
        Receiver = receiver;
        AnswerLikeTheServices();
    }

    public WebhookReceiver Receiver { get; }

    /// <summary>The tokens in the sinks' URLs: credentials like the secrets, never to be logged or stored.</summary>
    public string WebhookToken { get; } = "hook-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public string FeishuToken { get; } = Guid.NewGuid().ToString();

    public string DingTalkToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string WeComKey { get; } = Guid.NewGuid().ToString();

    public string SlackToken { get; } = "T0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)) + "/B0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)) + "/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Back to answering as the services do (after a test made them fail).</summary>
    public void AnswerLikeTheServices() => Receiver.Answer = Answer;

    /// <summary>Every credential of the five sinks.</summary>
    public IReadOnlyList<string> Secrets => [WebhookSecret, FeishuSecret, DingTalkSecret, WebhookToken, FeishuToken, DingTalkToken, WeComKey, SlackToken];

    public Dictionary<string, string?> Settings(string? events = null) => new()
    {
        ["Notifications:RetryDelay"] = "00:00:00.010",
        ["Notifications:Timeout"] = "00:00:05",
        ["Notifications:Sinks:0:Type"] = "webhook",
        ["Notifications:Sinks:0:Name"] = "ops-webhook",
        ["Notifications:Sinks:0:Url"] = $"{Receiver.BaseUrl}/webhook/{WebhookToken}",
        ["Notifications:Sinks:0:Secret"] = WebhookSecret,
        ["Notifications:Sinks:0:Events"] = events,
        ["Notifications:Sinks:1:Type"] = "feishu",
        ["Notifications:Sinks:1:Url"] = $"{Receiver.BaseUrl}/feishu/open-apis/bot/v2/hook/{FeishuToken}",
        ["Notifications:Sinks:1:Secret"] = FeishuSecret,
        ["Notifications:Sinks:1:Events"] = events,
        ["Notifications:Sinks:2:Type"] = "dingtalk",
        ["Notifications:Sinks:2:Url"] = $"{Receiver.BaseUrl}/dingtalk/robot/send?access_token={DingTalkToken}",
        ["Notifications:Sinks:2:Secret"] = DingTalkSecret,
        ["Notifications:Sinks:2:Events"] = events,
        ["Notifications:Sinks:3:Type"] = "wecom",
        ["Notifications:Sinks:3:Url"] = $"{Receiver.BaseUrl}/wecom/cgi-bin/webhook/send?key={WeComKey}",
        ["Notifications:Sinks:3:Events"] = events,
        ["Notifications:Sinks:4:Type"] = "slack",
        ["Notifications:Sinks:4:Url"] = $"{Receiver.BaseUrl}/slack/services/{SlackToken}",
        ["Notifications:Sinks:4:Events"] = events,
    };

    /// <summary>The generic webhook's notifications so far, as (kind, title), after checking each request's signature.</summary>
    public List<(string Kind, string Title, string? AccountId)> WebhookNotifications()
    {
        var all = new List<(string, string, string?)>();
        foreach (var request in Receiver.To("/webhook/"))
        {
            var timestamp = request.Headers["X-Douyin-Etl-Timestamp"];
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes(timestamp + "." + request.Body)));
            Assert.Equal(expected, request.Headers["X-Douyin-Etl-Signature"]);
            Assert.Equal("douyin-etl", request.Json["source"]!.GetValue<string>());
            foreach (var n in request.Json["notifications"]!.AsArray())
            {
                all.Add((n!["kind"]!.GetValue<string>(), n["title"]!.GetValue<string>(), n["account_id"]?.GetValue<string>()));
            }
        }

        return all;
    }

    /// <summary>The text each chat sink showed, per request, after checking its documented shape.</summary>
    public Dictionary<string, List<string>> ChatTexts() => new()
    {
        ["feishu"] = [.. Receiver.To("/feishu/").Select(r => { Assert.Equal("text", r.Json["msg_type"]!.GetValue<string>()); return r.Json["content"]!["text"]!.GetValue<string>(); })],
        ["dingtalk"] = [.. Receiver.To("/dingtalk/").Select(r => { Assert.Equal("markdown", r.Json["msgtype"]!.GetValue<string>()); Assert.False(string.IsNullOrEmpty(r.Json["markdown"]!["title"]!.GetValue<string>())); return r.Json["markdown"]!["text"]!.GetValue<string>(); })],
        ["wecom"] = [.. Receiver.To("/wecom/").Select(r => { Assert.Equal("markdown", r.Json["msgtype"]!.GetValue<string>()); return r.Json["markdown"]!["content"]!.GetValue<string>(); })],
        ["slack"] = [.. Receiver.To("/slack/").Select(r => r.Json["text"]!.GetValue<string>())],
    };

    private (int Status, string Body) Answer(ReceivedRequest request)
    {
        var path = request.Path;
        if (path.StartsWith("/feishu/", StringComparison.Ordinal))
        {
            // Feishu: sign = Base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)), timestamp in seconds, both in the body.
            var body = request.Json;
            var timestamp = body["timestamp"]?.GetValue<string>();
            var sign = timestamp is null ? null : Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{FeishuSecret}"), Array.Empty<byte>()));
            return sign is not null && sign == body["sign"]?.GetValue<string>() && path.EndsWith(FeishuToken, StringComparison.Ordinal)
                ? (200, """{"code":0,"data":{},"msg":"success"}""")
                : (200, """{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}""");
        }

        if (path.StartsWith("/dingtalk/", StringComparison.Ordinal))
        {
            // DingTalk: sign = UrlEncode(Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret))), timestamp in ms, in the query.
            var timestamp = request.QueryValue("timestamp");
            var sign = timestamp is null ? null : Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes($"{timestamp}\n{DingTalkSecret}")));
            return sign is not null && sign == request.QueryValue("sign") && request.QueryValue("access_token") == DingTalkToken
                ? (200, """{"errcode":0,"errmsg":"ok"}""")
                : (200, """{"errcode":310000,"errmsg":"sign not match"}""");
        }

        if (path.StartsWith("/wecom/", StringComparison.Ordinal))
        {
            return request.QueryValue("key") == WeComKey ? (200, """{"errcode":0,"errmsg":"ok"}""") : (200, """{"errcode":93000,"errmsg":"invalid webhook url"}""");
        }

        return path.StartsWith("/slack/", StringComparison.Ordinal) ? (200, "ok") : (200, "{}");
    }
}
