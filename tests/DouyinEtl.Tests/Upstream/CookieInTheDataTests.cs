using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Reliability;
using DouyinEtl.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Tests.Upstream;

/// <summary>
/// The echoed cookie is masked by the answer's structure, so data that happens to contain the cookie's text — a
/// title, a count, a rate — lands exactly as served, and <c>raw.api_call</c> keeps the answer as served but the echo.
/// A handler between the worker and the sandbox keeps a record of every answer as the worker received it.
/// </summary>
public sealed class CookieInTheDataTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task FullSync_WithCookiesThatAreInTitlesAndNumbers_LandsEveryValueUnchanged()
    {
        await using var harness = await Harness.StartAsync(FullSyncFaultTests.SmallWorld);
        var accounts = harness.Sandbox.World.Accounts;

        // What the worker sends as cookies, below start-up validation (which refuses them): text in nearly every answer.
        string[] sent = ["1", "的"];
        var wire = new Wire(accounts.Select((a, i) => (sent[i], a.Cookie)));
        harness.Services = services =>
        {
            services.AddSingleton(sp => new AccountRegistry(
                Options.Create(accounts.Select((a, i) => new AccountOptions { Id = a.Id, Name = a.Name, Cookie = sent[i] }).ToList()),
                sp.GetRequiredService<ManagedAccountStore>(),
                sp.GetRequiredService<AccountKeyRing>()));
            services.AddHttpClient<TikHubClient>().AddHttpMessageHandler(() => new WireHandler(wire));
        };

        var summaries = await FullSync.RunAsync(harness);

        Assert.All(summaries, s => Assert.Equal(RunOutcome.Succeeded, s.Outcome));
        Assert.Contains(wire.Served.Values, a => a.Contains("\"view_count\":\"1", StringComparison.Ordinal));
        Assert.Contains(wire.Served.Values, a => a.Contains('的', StringComparison.Ordinal));
        Assert.Empty(await FullSync.DifferencesFromTruthAsync(harness, PayloadVariant.RealWorld));
        await AssertLandedAsServedButTheEchoAsync(harness, wire);
    }

    [Fact]
    public async Task Run_WithTheSessionIdInEveryTitle_KeepsTheTitlesAndStoresNoCookie()
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.ItemsPerAccount, s.ApiKey) = (2, 60, SecretScan.NewApiKey()));
        var accounts = harness.Sandbox.World.Accounts;
        var wire = new Wire(accounts.Select(a => (a.Cookie, a.Cookie)))
        {
            // A valid cookie whose session id is also part of the data: every title carries it.
            Change = (endpoint, data, cookie) =>
            {
                if (endpoint.EndsWith(UpstreamEndpoints.ItemList, StringComparison.Ordinal) && data?["items"] is JsonArray items)
                {
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        item["description"] = $"{item["description"]} {Session(cookie)}";
                    }
                }
            },
        };
        harness.Services = services => services.AddHttpClient<TikHubClient>().AddHttpMessageHandler(() => new WireHandler(wire));

        // Every log line the worker and its HTTP client can write, request headers included.
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync(settings: Trace)).Outcome);

        var truth = harness.Sandbox.World.AllVisibleItems(harness.Now).ToDictionary(i => i.Id);
        var titles = await harness.QueryAsync<(string ItemId, string AccountId, string Title)>("SELECT item_id, account_id, title FROM douyin.item");
        Assert.Equal(truth.Count, titles.Count);
        Assert.All(titles, t => Assert.Equal($"{truth[t.ItemId].Title} {Session(harness.Sandbox.World.FindById(t.AccountId)!.Cookie)}", t.Title));
        await AssertLandedAsServedButTheEchoAsync(harness, wire);

        // Every value of each cookie but the session id (which the data holds) and the key: nowhere.
        var scan = new SecretScan(accounts.Select(a => string.Join("; ", a.Cookie.Split("; ").Where(p => !p.Contains(Session(a.Cookie), StringComparison.Ordinal)))), [harness.Sandbox.Options.ApiKey]);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Authorization", StringComparison.Ordinal));
        Assert.False(scan.Leaks(harness.Logs.All), "a log line holds a credential");
        Assert.Empty((await scan.ScanDatabaseAsync(harness.ConnectionString, "raw", "etl", "douyin")).Leaking);
        foreach (var account in accounts)
        {
            Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE strpos(payload::text, @cookie) > 0 OR strpos(request::text, @cookie) > 0", new { cookie = account.Cookie }));
        }
    }

    private static readonly Dictionary<string, string?> Trace = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
        ["Logging:LogLevel:Polly"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
    };

    private static string Session(string cookie) => cookie.Split("; ")[0]["sessionid=".Length..];

    /// <summary>Each landed envelope equals the answer the worker received, its <c>params.cookie</c> masked and nothing else.</summary>
    private static async Task AssertLandedAsServedButTheEchoAsync(Harness harness, Wire wire)
    {
        var landed = await harness.QueryAsync<(string RequestId, string Payload)>("SELECT request_id, payload::text FROM raw.api_call WHERE payload IS NOT NULL");
        Assert.NotEmpty(landed);
        foreach (var (requestId, payload) in landed)
        {
            var expected = JsonNode.Parse(wire.Served[requestId])!;
            expected["params"]!["cookie"] = SecretScrubber.Mask;
            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(payload)), $"raw.api_call of {requestId} differs from the answer served:\n{payload}\n{expected.ToJsonString(Relaxed)}");
        }
    }

    /// <summary>The cookies the worker sends and the sandbox knows, an optional change to each answer's data, and every answer as received.</summary>
    private sealed class Wire(IEnumerable<(string Sent, string Real)> cookies)
    {
        public Dictionary<string, string> RealBySent { get; } = cookies.ToDictionary(c => c.Sent, c => c.Real, StringComparer.Ordinal);

        public Action<string, JsonObject?, string>? Change { get; init; }

        public ConcurrentDictionary<string, string> Served { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Swaps the worker's cookie for the sandbox's on the way out, and back in the echoed params on the way in.</summary>
    private sealed class WireHandler(Wire wire) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            var sent = body["cookie"]!.GetValue<string>();
            var real = wire.RealBySent[sent];
            body["cookie"] = real;
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Content.Headers.ContentType?.MediaType != "application/json"
                || JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is not JsonObject { } envelope
                || envelope["request_id"]?.GetValue<string>() is not { } requestId)
            {
                return response;
            }

            envelope["params"]!["cookie"] = sent;
            wire.Change?.Invoke(request.RequestUri!.AbsolutePath, envelope["data"] as JsonObject, real);
            var served = envelope.ToJsonString(Relaxed);
            wire.Served[requestId] = served;
            response.Content = new StringContent(served, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            return response;
        }
    }
}
