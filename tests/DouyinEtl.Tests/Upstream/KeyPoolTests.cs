using System.Text.Json;
using DouyinEtl.Cli;
using DouyinEtl.Runs;
using DouyinEtl.Tests.Streams.ItemList;

namespace DouyinEtl.Tests.Upstream;

/// <summary>
/// A pool of two keys (<c>TikHub:ApiKeys</c>) against a sandbox that limits each key on its own: the calls go over
/// both within each key's limits, each key's calls are counted per run and shown by status; a key TikHub refuses is
/// taken out with one problem and the run lands everything on the other.
/// </summary>
public sealed class KeyPoolTests
{
    private const string KeyA = "thk_pool_a_0123456789abcdef0123";
    private const string KeyB = "thk_pool_b_0123456789abcdef0123";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Run_WithTwoKeys_SpreadsItsCallsOverBoth_WithinEachKeysLimits()
    {
        await using var harness = await StartAsync(refused: []);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        var a = harness.Sandbox.Calls.ForKey(KeyA);
        var b = harness.Sandbox.Calls.ForKey(KeyB);
        Assert.Equal(0, harness.Sandbox.Calls.TotalOverLimit);
        Assert.True(a.BilledCount >= summary.Counters.BilledCalls / 4, $"key a served {a.BilledCount} of {summary.Counters.BilledCalls}");
        Assert.True(b.BilledCount >= summary.Counters.BilledCalls / 4, $"key b served {b.BilledCount} of {summary.Counters.BilledCalls}");

        // Per run and key in etl.run_key, as the sandbox counted them; never the key itself.
        var perKey = await harness.QueryAsync<(string KeyId, long Calls, long Billed)>("SELECT key_id, calls, billed_calls FROM etl.run_key WHERE run_id = @RunId ORDER BY key_id", new { summary.RunId });
        Assert.Equal([("pool-a", a.RequestedAt.Count, a.BilledCount), ("pool-b", b.RequestedAt.Count, b.BilledCount)], perKey.Select(k => (k.KeyId, k.Calls, k.Billed)));
        Assert.Equal(summary.Counters.Calls, perKey.Sum(k => k.Calls));

        var report = await DouyinEtl.Tests.Cli.StatusTests.LoadAsync(harness);
        Assert.Equal([("pool-a", a.BilledCount), ("pool-b", b.BilledCount)], report.Keys.Select(k => (k.KeyId, k.BilledCalls24h)));
        var text = new StringWriter();
        StatusCommand.Write(report, text);
        Assert.Contains("pool-a", text.ToString(), StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(report, Web);
        Assert.Contains("\"keyId\":\"pool-b\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, text + json, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB, text + json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenTikHubRefusesOneKey_TakesItOutWithOneProblem_AndLandsEverythingOnTheOther()
    {
        await using var harness = await StartAsync(refused: [KeyA]);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, summary.Counters.UnitsFailed);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        var problem = Assert.Single(await harness.QueryAsync<(string Kind, string Message)>("SELECT kind, message FROM etl.problem WHERE run_id = @RunId", new { summary.RunId }));
        Assert.Equal("key_refused", problem.Kind);
        Assert.StartsWith("TikHub refused key pool-a (401", problem.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Sandbox.Calls.ForKey(KeyA).BilledCount);
        Assert.Equal(harness.Sandbox.Calls.TotalBilled, harness.Sandbox.Calls.ForKey(KeyB).BilledCount);
        Assert.Equal(harness.Sandbox.Calls.TotalBilled, await harness.ScalarAsync<long>("SELECT billed_calls FROM etl.run_key WHERE key_id = 'pool-b'"));

        // Taken out for the rest of the run: no request after the first refusals (one per unit then in flight at most).
        Assert.InRange(harness.Sandbox.Calls.ForKey(KeyA).RequestedAt.Count, 1, 4);
    }

    [Fact]
    public async Task Run_WhenTikHubRefusesEveryKey_StopsAsWithOneRefusedKey()
    {
        await using var harness = await StartAsync(refused: [KeyA, KeyB]);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Contains("401", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, harness.Sandbox.Calls.TotalBilled);
    }

    private static Task<Harness> StartAsync(string[] refused) => Harness.StartAsync(
        s =>
        {
            (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(20));
            (s.RequestsPerSecondPerKey, s.RequestsPerSecondPerEndpoint) = (4, 4);
            s.ApiKeys = [KeyA, KeyB];
            s.RefusedApiKeys = [.. refused];
        },
        new Dictionary<string, string?>
        {
            ["TikHub:ApiKey"] = null,
            ["TikHub:ApiKeys:0:Name"] = "pool-a",
            ["TikHub:ApiKeys:0:Key"] = KeyA,
            ["TikHub:ApiKeys:0:RequestsPerSecond"] = "4",
            ["TikHub:ApiKeys:1:Name"] = "pool-b",
            ["TikHub:ApiKeys:1:Key"] = KeyB,
            ["TikHub:RequestsPerSecond"] = "4",
            ["TikHub:RequestsPerSecondPerEndpoint"] = "4",
        });
}
