using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace DouyinEtl.Tests.Upstream;

/// <summary>
/// Answers holding what neither System.Text.Json nor PostgreSQL can take — an escaped U+0000, half a surrogate pair —
/// as the mutated-payload suite produced them: the bytes are landed exactly, the data is read with U+FFFD, and the
/// replacement is a problem that names the call.
/// </summary>
public sealed class UnstorableAnswerTests
{
    [Fact]
    public async Task Call_AnswerWithAnUnpairedSurrogateAndAnEscapedNul_IsKeptExactlyAndReadWithReplacementCharacters()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        var cookie = harness.Sandbox.World.Accounts[0].Cookie;
        var served = $$$"""{"code":200,"request_id":"r-1","params":{"cookie":"{{{cookie}}}"},"data":{"status_code":0,"title":"half \ud83d pair, nul \u0000 here","emoji":"\ud83d\ude00"}}""";

        var response = await CallAsync(harness, served);

        Assert.Equal("half \uFFFD pair, nul \uFFFD here", response.Data.GetProperty("title").GetString());
        Assert.Equal("😀", response.Data.GetProperty("emoji").GetString());
        var landed = Assert.Single(await harness.QueryAsync<(long CallId, string Outcome, byte[] Body, string Payload)>("SELECT call_id, outcome, body, payload::text FROM raw.api_call"));
        Assert.Equal("ok", landed.Outcome);
        Assert.Equal(served.Replace(cookie, SecretScrubber.Mask, StringComparison.Ordinal), Encoding.UTF8.GetString(landed.Body));
        Assert.Equal("***", JsonNode.Parse(landed.Payload)!["params"]!["cookie"]!.GetValue<string>());
        Assert.Equal(landed.CallId, response.CallId);
        var problem = Assert.Single(await harness.QueryAsync<(string Kind, long CallId)>("SELECT kind, call_id FROM etl.problem"));
        Assert.Equal(("payload_field", landed.CallId), problem);
    }

    [Fact]
    public async Task Unit_FailingAfterItsCallLanded_NamesTheCallInItsProblem()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        using var host = harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var (run, account) = await NewRunAsync(harness, host.Services);

        await run.RunUnitAsync(account, "test", "unit", _ =>
        {
            run.CallLanded(4242);
            throw new InvalidOperationException("the answer could not be written");
        }, CancellationToken.None);

        Assert.Equal(4242, await harness.ScalarAsync<long>("SELECT call_id FROM etl.problem WHERE kind = 'unit_failed'"));
    }

    private static async Task<UpstreamResponse> CallAsync(Harness harness, string body)
    {
        using var host = harness.BuildHost();
        var services = host.Services;
        await services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var (run, account) = await NewRunAsync(harness, services);
        var client = new TikHubClient(
            new HttpClient(new FixedAnswer(body)),
            services.GetRequiredService<IOptions<TikHubOptions>>(),
            services.GetRequiredService<SharedPace>(),
            services.GetRequiredService<RawLanding>(),
            services.GetRequiredService<SecretScrubber>(),
            harness.Clock,
            services.GetRequiredService<ILogger<TikHubClient>>(),
            services.GetRequiredService<EtlMetrics>(),
            services.GetRequiredService<ResiliencePipeline<TikHubClient.Attempt>>());
        return await client.CallAsync(run, new UpstreamRequest(UpstreamEndpoints.AuthorDiagnosis, account, [], "test", "test"), CancellationToken.None);
    }

    private static async Task<(RunContext Run, Account Account)> NewRunAsync(Harness harness, IServiceProvider services)
    {
        var account = (await services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None))[0];
        var ledger = services.GetRequiredService<RunLedger>();
        await using var lease = await ledger.StartAsync("test", "test", [account], RunPeriod.Default, CancellationToken.None);
        return (new RunContext(lease.RunId, "test", harness.Now, [account], RunPeriod.Default, 0, ledger, services.GetRequiredService<ILoggerFactory>().CreateLogger("test")), account);
    }

    private sealed class FixedAnswer(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
