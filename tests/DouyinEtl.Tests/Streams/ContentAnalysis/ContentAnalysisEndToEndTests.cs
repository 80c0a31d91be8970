using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;

namespace DouyinEtl.Tests.Streams.ContentAnalysis;

public sealed class ContentAnalysisEndToEndTests
{
    private const int HistoryDays = 150;

    private static readonly Dictionary<string, string?> Settings = new() { ["ItemAnalysis:HistoryDays"] = "150" };

    [Theory]
    [InlineData(PayloadVariant.RealWorld, 2)]
    [InlineData(PayloadVariant.Documented, 0)]
    public async Task Run_EitherPayloadShape_TablesEqualSandboxTruth(PayloadVariant variant, int unknownFields)
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.Variant) = (2, variant));

        var summary = await harness.RunAsync("item-analysis", Settings);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var windows = ContentAnalysisTruth.WindowsRead(harness.Now, null, null, HistoryDays);
        await ContentAnalysisTruth.AssertTablesEqualTruthAsync(harness, windows);

        // Undocumented fields (the real-world shape's update_time and rank_change) are kept raw and said once per run.
        Assert.Equal(unknownFields, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'payload_field'"));
        Assert.Equal(summary.Counters.Problems, unknownFields);
    }

    [Fact]
    public async Task Run_EveryCall_SpansAtMost90DaysAndPassesOnTheVerticalsOfTheWindowsFirstCall()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);

        await harness.RunAsync("item-analysis", Settings);

        var calls = await harness.QueryAsync<(string Endpoint, string Unit, string Request, string? Payload)>(
            "SELECT endpoint, account_id || ' ' || scope, request::text, payload::text FROM raw.api_call ORDER BY call_id");
        var verticalsByUnit = new Dictionary<string, JsonNode?>();
        foreach (var call in calls)
        {
            var request = JsonNode.Parse(call.Request)!;
            var first = DateOnly.ParseExact(request["start_date"]!.GetValue<string>(), "yyyyMMdd");
            var last = DateOnly.ParseExact(request["end_date"]!.GetValue<string>(), "yyyyMMdd");
            Assert.InRange(last.DayNumber - first.DayNumber + 1, 1, 90);
            if (call.Endpoint == UpstreamEndpoints.ItemAnalysisInvolvedVertical)
            {
                verticalsByUnit[call.Unit] = JsonNode.Parse(call.Payload!)!["data"]!["primary_verticals"];
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(verticalsByUnit[call.Unit], request["primary_verticals"]), $"{call.Endpoint} of {call.Unit} was not asked with the window's verticals");
                Assert.Equal([1, 2, 3, 4, 5, 8], request["genres"]!.AsArray().Select(g => g!.GetValue<int>()));
            }
        }

        // Per window: the verticals, then (when there are any) the overview and the four rankings.
        var windows = ContentAnalysisTruth.WindowsRead(harness.Now, null, null, HistoryDays);
        var withVerticals = harness.Sandbox.World.Accounts.Sum(a => windows.Count(w =>
            ItemAnalysisWorld.InvolvedVerticals(harness.Sandbox.World, a, w.First, w.Last, harness.Now).Count > 0));
        Assert.Equal(windows.Count * 2, calls.Count(c => c.Endpoint == UpstreamEndpoints.ItemAnalysisInvolvedVertical));
        Assert.Equal(withVerticals, calls.Count(c => c.Endpoint == UpstreamEndpoints.ItemAnalysisOverview));
        Assert.Equal(withVerticals * 4, calls.Count(c => c.Endpoint == UpstreamEndpoints.ItemAnalysisItemPerformance));
    }

    [Fact]
    public async Task Run_Twice_SecondRunPaysNothing()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);
        await harness.RunAsync("item-analysis", Settings);
        var billed = harness.Sandbox.Calls.TotalBilled;

        var second = await harness.RunAsync("item-analysis", Settings);

        Assert.Equal(0, second.Counters.Calls);
        Assert.Equal(billed, harness.Sandbox.Calls.TotalBilled);
    }

    [Fact]
    public async Task Run_StoppedInsideAWindow_ResumesAtTheNextStepWithoutPayingForTheFirstAgain()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        var windows = ContentAnalysisTruth.WindowsRead(harness.Now, null, null, HistoryDays);

        var stopped = await harness.RunAsync("item-analysis", new Dictionary<string, string?>(Settings) { ["Sync:MaxCallsPerRun"] = "3", ["Sync:Concurrency"] = "1" });
        Assert.Equal(RunOutcome.PartlyFailed, stopped.Outcome);
        Assert.Equal(3, harness.Sandbox.Calls.TotalBilled);

        var resumed = await harness.RunAsync("item-analysis", Settings);

        Assert.Equal(RunOutcome.Succeeded, resumed.Outcome);
        await ContentAnalysisTruth.AssertTablesEqualTruthAsync(harness, windows);
        var account = harness.Sandbox.World.Accounts[0];
        var expectedCalls = windows.Sum(w => ItemAnalysisWorld.InvolvedVerticals(harness.Sandbox.World, account, w.First, w.Last, harness.Now).Count == 0 ? 1 : 6);
        Assert.Equal(expectedCalls, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(1, await harness.ScalarAsync<long>(
            "SELECT count(*) FROM raw.api_call WHERE endpoint = @endpoint AND scope = (SELECT scope FROM raw.api_call ORDER BY call_id LIMIT 1)",
            new { endpoint = UpstreamEndpoints.ItemAnalysisInvolvedVertical }));
    }

    [Fact]
    public async Task Run_WindowWithoutWorks_PaysOnlyForItsEmptyVerticals()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);

        // The sandbox's works start in November 2024.
        var window = DayWindow.Aligned(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 1), 90).Single();
        var period = new RunPeriod(window.First, window.Last);

        var summary = await harness.RunAsync("item-analysis", period: period);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(1, summary.Counters.BilledCalls);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_analysis_overview"));
        Assert.Equal(0, (await harness.RunAsync("item-analysis", period: period)).Counters.Calls);
    }

    [Fact]
    public async Task Call_RangeOver90Days_Is400AndIsNotRetried()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        var body = new JsonObject { ["start_date"] = "20260101", ["end_date"] = "20260401" };

        var failure = await Assert.ThrowsAsync<UpstreamFailedException>(() => harness.CallAsync(UpstreamEndpoints.ItemAnalysisInvolvedVertical, body));

        Assert.Equal(400, failure.HttpStatus);
        Assert.Contains("at most 90 days", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Sandbox.Calls.For(UpstreamEndpoints.ItemAnalysisInvolvedVertical).Snapshot().Requests);
        Assert.Equal(0, harness.Sandbox.Calls.TotalBilled);
        var landed = Assert.Single(await harness.QueryAsync<(string Outcome, byte[] Body)>("SELECT outcome, body FROM raw.api_call"));
        Assert.Equal("rejected", landed.Outcome);

        // TikHub's 400 echoes the request, cookie included: what landed has it masked.
        var error = JsonDocument.Parse(landed.Body).RootElement.GetProperty("detail");
        Assert.Equal("***", error.GetProperty("params").GetProperty("cookie").GetString());
        Assert.DoesNotContain(harness.Sandbox.World.Accounts[0].Cookie, System.Text.Encoding.UTF8.GetString(landed.Body), StringComparison.Ordinal);

        // 90 days is fine.
        var ninety = await harness.CallAsync(UpstreamEndpoints.ItemAnalysisInvolvedVertical, new JsonObject { ["start_date"] = "20260101", ["end_date"] = "20260331" });
        Assert.Equal(InnerStatus.Ok, ninety.Status);
    }
}
