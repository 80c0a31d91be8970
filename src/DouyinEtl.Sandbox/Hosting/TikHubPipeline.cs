using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>
/// The checks every TikHub route goes through, in the order the real service applies them: bearer key, rate limit,
/// body validation (422), injected faults, the creator cookie (inner status 8), then the endpoint itself.
/// </summary>
public sealed class TikHubPipeline(SandboxState state)
{
    public const string RoutePrefix = "/api/v1/douyin/creator_v2/";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Map(IEndpointRouteBuilder routes, string endpoint, Action<RequestValidator> validate, Func<TikHubRequest, SandboxReply> handle) =>
        routes.MapPost(RoutePrefix + endpoint, (HttpContext http) => HandleAsync(http, endpoint, validate, handle));

    private async Task HandleAsync(HttpContext http, string endpoint, Action<RequestValidator> validate, Func<TikHubRequest, SandboxReply> handle)
    {
        var calls = state.Calls.For(endpoint);
        calls.Requested();
        var status = 500;
        var account = new StrongBox<string?>();
        try
        {
            status = await AnswerAsync(http, endpoint, calls, account, validate, handle);
        }
        finally
        {
            // Billed when the whole answer went out: a request the client gave up on before that is not.
            calls.Answered(status);
            state.Calls.AnsweredFor(account.Value, status);
            if (status == 200 && BearerKey(http.Request) is { } key)
            {
                state.Calls.ForKey(key).Billed();
            }
        }
    }

    private async Task<int> AnswerAsync(HttpContext http, string endpoint, EndpointCalls calls, StrongBox<string?> served, Action<RequestValidator> validate, Func<TikHubRequest, SandboxReply> handle)
    {
        var options = state.Options;
        var cancellation = http.RequestAborted;
        if (options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(options.Latency, cancellation);
        }

        var router = RoutePrefix + endpoint;
        var apiKey = BearerKey(http.Request);
        var known = apiKey is not null && (string.Equals(apiKey, options.ApiKey, StringComparison.Ordinal) || options.ApiKeys.Contains(apiKey, StringComparer.Ordinal));
        if (known)
        {
            state.Calls.ForKey(apiKey!).Requested(state.HostTimestamp());
        }

        if (!known || options.RefusedApiKeys.Contains(apiKey!, StringComparer.Ordinal))
        {
            return await WriteErrorAsync(http, 401, Detail(401, "Invalid or missing API key. Please check your Authorization header.", "API Key无效或缺失", router));
        }

        var wait = state.RateLimiter.TryAcquire(apiKey!, endpoint, options.RequestsPerSecondPerKey, options.RequestsPerSecondPerEndpoint);
        if (wait is not null)
        {
            state.Calls.ForKey(apiKey!).OverLimit();
            return await WriteThrottledAsync(http, (int)Math.Ceiling(Math.Max(wait.Value.TotalSeconds, 1)), router);
        }

        if (state.TakeThrottleNext() is { } retryAfter)
        {
            state.Calls.ForKey(apiKey!).Throttled(state.HostTimestamp());
            return await WriteThrottledAsync(http, retryAfter, router);
        }

        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellation) as JsonObject
                   ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            var errors = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body"), ["msg"] = "JSON decode error", ["type"] = "json_invalid" });
            return await WriteErrorAsync(http, 422, new JsonObject { ["detail"] = errors });
        }

        var validator = new RequestValidator(body);
        validator.RequiredString("cookie");
        validate(validator);
        if (!validator.IsValid)
        {
            return await WriteErrorAsync(http, 422, new JsonObject { ["detail"] = validator.Errors.DeepClone() });
        }

        var fault = state.NextFault();
        switch (fault)
        {
            case Fault.ServerError:
                return await WriteErrorAsync(http, 500, new JsonObject { ["code"] = 500, ["message_zh"] = "请求失败，请重试", ["request_id"] = Guid.NewGuid().ToString() });
            case Fault.TooManyRequests:
                return await WriteThrottledAsync(http, options.Faults.RetryAfterSeconds, router);
            case Fault.PleaseRetry:
                return await WriteErrorAsync(http, 400, Detail(400, "Request failed. Please retry. Check the docs below to verify your parameters, test with the default demo parameters, and send the response JSON to support. You won't be charged for this request.", "请求失败，请重试。本次请求不会被扣费。", router));
            case Fault.Hang:
                await Task.Delay(options.Faults.HangDuration, cancellation);
                return await WriteErrorAsync(http, 504, Detail(504, "Gateway timeout", "网关超时", router));
            case Fault.None:
            case Fault.MalformedJson:
            case Fault.HtmlBody:
            case Fault.Mutated:
                break;
        }

        var cookie = body["cookie"]!.GetValue<string>();
        var account = state.World.FindByCookie(cookie);
        var now = state.Clock.GetUtcNow();
        SandboxReply reply = account is null || options.ExpiredAccounts.Contains(account.Id)
            ? new DataReply(new JsonObject { ["status_code"] = 8, ["status_msg"] = "用户未登录" })
            : options.NoPermissionAccounts.Contains(account.Id)
                ? new DataReply(new JsonObject { ["status_code"] = 7, ["status_msg"] = "当前账号暂无数据中心权限" })
                : handle(new TikHubRequest(body, account, state.PickVariant(endpoint, body), now, state.World, calls));
        served.Value = account?.Id;

        switch (reply)
        {
            case ErrorReply error:
                return await WriteErrorAsync(http, error.Status, error.Body);
            case FileReply file when fault == Fault.None:
                http.Response.StatusCode = 200;
                http.Response.ContentType = file.ContentType;
                http.Response.Headers.ContentDisposition =
                    $"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{Uri.EscapeDataString(file.FileName)}";
                await http.Response.Body.WriteAsync(file.Content, cancellation);
                return 200;
            case FileReply file when fault == Fault.Mutated:
                http.Response.StatusCode = 200;
                http.Response.ContentType = file.ContentType;
                await http.Response.Body.WriteAsync(state.Mutator.MutateFile(endpoint, file.Content), cancellation);
                return 200;
            case FileReply file:
                // A corrupt download: the first half of the workbook.
                http.Response.StatusCode = 200;
                http.Response.ContentType = file.ContentType;
                await http.Response.Body.WriteAsync(file.Content.AsMemory(0, file.Content.Length / 2), cancellation);
                return 200;
            case DataReply data:
                var envelope = Envelope(router, body, data.Data, now);
                http.Response.StatusCode = 200;
                if (fault == Fault.HtmlBody)
                {
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", cancellation);
                    return 200;
                }

                var json = fault == Fault.Mutated ? state.Mutator.MutateEnvelope(endpoint, envelope, Compact) : envelope.ToJsonString(Compact);
                if (fault == Fault.MalformedJson)
                {
                    json = json[..(json.Length * 2 / 3)];
                }

                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json, Encoding.UTF8, cancellation);
                return 200;
            default:
                throw new InvalidOperationException("unknown reply " + reply.GetType().Name);
        }
    }

    private JsonObject Envelope(string router, JsonObject requestBody, JsonNode data, DateTimeOffset now)
    {
        var requestId = Guid.NewGuid().ToString();
        var losAngeles = now.ToOffset(TimeSpan.FromHours(-8));
        return new JsonObject
        {
            ["code"] = 200,
            ["request_id"] = requestId,
            ["message"] = "Request successful. This request will incur a charge.",
            ["message_zh"] = "请求成功，本次请求将被计费。",
            ["support"] = "Discord: https://discord.gg/aMEAS8Xsvz",
            ["time"] = losAngeles.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["time_stamp"] = now.ToUnixTimeSeconds(),
            ["time_zone"] = "America/Los_Angeles",
            ["docs"] = "https://api.tikhub.io/#/Douyin-Creator-V2-API",
            ["cache_message"] = "This request will be cached. You can access the cached result directly using the URL below, valid for 24 hours. Accessing the cache will not incur additional charges.",
            ["cache_message_zh"] = "本次请求将被缓存，你可以使用下面的 URL 直接访问缓存结果，有效期为 24 小时，访问缓存不会产生额外费用。",
            ["cache_url"] = $"https://cache.tikhub.io/api/v1/cache/public/{requestId}?sign=sandbox",
            ["router"] = router,
            // The real service echoes the request parameters, cookie included: the worker must strip it.
            ["params"] = requestBody.DeepClone(),
            ["data"] = data.DeepClone(),
        };
    }

    private static JsonObject Detail(int code, string message, string messageZh, string router) => new()
    {
        ["detail"] = new JsonObject
        {
            ["code"] = code,
            ["request_id"] = Guid.NewGuid().ToString(),
            ["message"] = message,
            ["message_zh"] = messageZh,
            ["support"] = "Discord: https://discord.gg/aMEAS8Xsvz",
            ["router"] = router,
        },
    };

    private static async Task<int> WriteThrottledAsync(HttpContext http, int retryAfterSeconds, string router)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await WriteErrorAsync(http, 429, Detail(429, "Too many requests, please slow down.", "请求过于频繁，请稍后再试。", router));
    }

    private static async Task<int> WriteErrorAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(Compact), Encoding.UTF8, http.RequestAborted);
        return status;
    }

    private static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
