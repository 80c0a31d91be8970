using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DouyinEtl.Testing;

/// <summary>One request a <see cref="WebhookReceiver"/> got: path, query, headers and body as sent.</summary>
internal sealed record ReceivedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string? QueryValue(string name) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Query).TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>
/// A local HTTP receiver on 127.0.0.1:0 (Kestrel) standing in for chat bots and webhooks: it keeps every POST and
/// answers what <see cref="Answer"/> says (by default 200 "{}"), so a test sees exactly what each sink was sent.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>How to answer a request: status and body. Set by the test; called on Kestrel's threads.</summary>
    public Func<ReceivedRequest, (int Status, string Body)> Answer { get; set; } = _ => (200, "{}");

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var request = new ReceivedRequest(
                http.Request.Path.Value ?? "",
                http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync());
            receiver._requests.Enqueue(request);
            var (status, body) = receiver.Answer(request);
            http.Response.StatusCode = status;
            http.Response.ContentType = body.StartsWith('{') ? "application/json" : "text/plain";
            await http.Response.WriteAsync(body);
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>The requests to paths starting with <paramref name="prefix"/>.</summary>
    public List<ReceivedRequest> To(string prefix) => [.. _requests.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
