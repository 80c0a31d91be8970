using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Streams.ItemList;

public sealed class ItemListEndToEndTests
{
    [Fact]
    public async Task Run_RealWorldPayloads_WarehouseEqualsSandboxTruth()
    {
        await using var harness = await Harness.StartAsync(s => s.Variant = PayloadVariant.RealWorld);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
        Assert.Equal(harness.Sandbox.Calls.TotalBilled, summary.Counters.BilledCalls);
        Assert.Equal(summary.Counters.Calls, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call"));
    }

    [Fact]
    public async Task Run_DocumentedPayloads_LandTheSameRowsAsRealWorldOnes()
    {
        await using var documented = await Harness.StartAsync(s => s.Variant = PayloadVariant.Documented);
        await using var realWorld = await Harness.StartAsync(s => s.Variant = PayloadVariant.RealWorld);

        Assert.Equal(RunOutcome.Succeeded, (await documented.RunAsync()).Outcome);
        Assert.Equal(RunOutcome.Succeeded, (await realWorld.RunAsync()).Outcome);

        await WarehouseTruth.AssertItemsEqualTruthAsync(documented);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(documented, expectRates: false);
        var documentedItems = await documented.QueryAsync<ItemInWarehouse>(WarehouseTruth.ItemsSql);
        var realWorldItems = await realWorld.QueryAsync<ItemInWarehouse>(WarehouseTruth.ItemsSql);
        Assert.Equal(
            realWorldItems.Select(i => i with { DurationMs = null, CoverUrl = null }),
            documentedItems);
        const string counts = "SELECT item_id, captured_hour, view_count, like_count, comment_count, share_count, favorite_count FROM douyin.item_metric_snapshot ORDER BY 1, 2";
        Assert.Equal(await realWorld.QueryAsync<(string, DateTime, long, long, long, long, long)>(counts), await documented.QueryAsync<(string, DateTime, long, long, long, long, long)>(counts));
    }

    [Fact]
    public async Task Run_Twice_SecondRunPaysNothingAndDuplicatesNothing()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var itemsBefore = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item");
        var snapshotsBefore = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        var second = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, second.Outcome);
        Assert.Equal(0, second.Counters.Calls);
        Assert.Equal(billedBefore, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(itemsBefore, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item"));
        Assert.Equal(snapshotsBefore, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot"));
    }

    [Fact]
    public async Task Run_ForcedRefreshWithinTheSameHour_OverwritesSnapshotsInsteadOfAddingRows()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var snapshotsBefore = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot");

        var again = await harness.RunAsync(settings: new Dictionary<string, string?> { ["ItemList:RefreshEvery"] = "00:00:00" });

        Assert.True(again.Counters.BilledCalls > 0, "the refresh should have re-paged the recent windows");
        Assert.Equal(snapshotsBefore, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot"));
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
    }

    [Fact]
    public async Task Run_AnHourLater_AddsOneSnapshotPerRecentWorkAndRepaysNoOldWindow()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var firstCalls = harness.Sandbox.Calls.TotalBilled;

        harness.SetNow(harness.Now.AddHours(1));
        var later = await harness.RunAsync();

        var horizon = harness.Now.AddDays(-90);
        var recent = harness.Sandbox.World.AllVisibleItems(harness.Now).Count(i => i.PublishTime >= StartOfMonth(horizon));
        var newHour = ShanghaiClockHour(harness.Now);
        Assert.Equal(recent, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_metric_snapshot WHERE captured_hour = @newHour", new { newHour }));
        Assert.True(later.Counters.BilledCalls < firstCalls / 2, $"refresh paid {later.Counters.BilledCalls} calls against {firstCalls} for the full sync");
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM (SELECT item_id, captured_hour FROM douyin.item_metric_snapshot GROUP BY 1, 2 HAVING count(*) > 1) d"));
    }

    [Fact]
    public async Task Run_WindowWithMoreWorksThanTheUpstreamAllows_IsSplitAndComplete()
    {
        await using var harness = await Harness.StartAsync(s =>
        {
            s.MaxWorksPerWindow = 12;
            s.BurstItems = 60;
        });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE state->>'split' = 'true'") > 0);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem"));
    }

    [Fact]
    public async Task Run_WithServerErrorsAndThrottling_StillEqualsTruth()
    {
        await using var harness = await Harness.StartAsync(s => s.Faults = new FaultOptions
        {
            Seed = 11,
            ServerErrorRate = 0.10,
            TooManyRequestsRate = 0.05,
            RetryAfterSeconds = 0,
        });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.Counters.Retries > 0, "the faults should have caused retries");
        Assert.True(summary.Counters.Throttled > 0, "the faults should have included 429s");
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
    }

    [Fact]
    public async Task Run_WithGarbledBodiesHangsAndPleaseRetry400s_StillEqualsTruth()
    {
        await using var harness = await Harness.StartAsync(s => s.Faults = new FaultOptions
        {
            Seed = 5,
            MalformedJsonRate = 0.05,
            HtmlBodyRate = 0.05,
            PleaseRetryRate = 0.05,
            HangRate = 0.02,
            HangDuration = TimeSpan.FromSeconds(30),
        }, new Dictionary<string, string?> { ["TikHub:AttemptTimeout"] = "00:00:00.500" });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
        var kept = await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE body IS NOT NULL AND http_status = 200");
        Assert.True(kept > 0, "garbled 200 bodies must be kept raw");
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE outcome = 'no_response'") > 0, "hung calls must be landed as attempts");
    }

    [Fact]
    public async Task Run_OneAccountsCookieExpired_OthersLandAndTheRunIsPartlyFailed()
    {
        await using var harness = await Harness.StartAsync(s => s.ExpiredAccounts = ["creator-02"]);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(ExitCode.PartlyFailed, summary.Outcome.ToExitCode());
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness, ["creator-01", "creator-03"]);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true, ["creator-01", "creator-03"]);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item WHERE account_id = 'creator-02'"));
        Assert.Equal("cookie_expired", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-02'"));
        Assert.Equal("ok", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'cookie_expired' AND account_id = 'creator-02'"));
        // One billed call tells us the cookie is dead; we do not keep paying to hear it again.
        Assert.Equal(1, harness.Sandbox.Calls.BilledFor("creator-02"));
    }

    [Fact]
    public async Task Run_ItemsAsTheDocsExample_LandWithTheGapsSaid_Exit2_AndNoPerWorkCallIsPaidForThem()
    {
        // TikHub's published example of a listed work: item_id, metrics, review, visibility — no publish time, title or type.
        await using var harness = await Harness.StartAsync(s => (s.Variant, s.ItemsAsDocumentedExample) = (PayloadVariant.Documented, true));

        var list = await harness.RunAsync();

        Assert.Equal(ExitCode.PartlyFailed, list.Outcome.ToExitCode());
        Assert.Equal(["creator-01", "creator-02", "creator-03"], list.IncompleteAccounts.Keys.Order());
        var works = harness.Sandbox.World.AllVisibleItems(harness.Now).Count();
        Assert.Equal(works, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item WHERE publish_time IS NULL"));
        Assert.Equal(works, await harness.ScalarAsync<long>(
            "SELECT sum(substring(message FROM '^([0-9]+) of')::int) FROM etl.problem WHERE kind = 'publish_time_missing'"));
        var fields = await harness.QueryAsync<string>("SELECT DISTINCT message FROM etl.problem WHERE kind = 'payload_field' ORDER BY 1");
        Assert.Equal(["an item of fetch_item_list has no 'create_time'", "an item of fetch_item_list has no 'description'", "an item of fetch_item_list has no 'type'"], fields);

        var billed = harness.Sandbox.Calls.TotalBilled;
        var analytics = await harness.RunAsync("item-analytics");

        Assert.Equal(RunOutcome.Succeeded, analytics.Outcome);
        Assert.Equal(0, analytics.Counters.Calls);
        Assert.Equal(billed, harness.Sandbox.Calls.TotalBilled);
    }

    [Fact]
    public async Task Run_EveryAccountExpired_IsPartlyFailedNotFailed()
    {
        // The pipeline works; the accounts need their owners. Exit 1 is for what the operator of the pipeline must fix.
        await using var harness = await Harness.StartAsync(s => s.ExpiredAccounts = ["creator-01", "creator-02", "creator-03"]);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(ExitCode.PartlyFailed, summary.Outcome.ToExitCode());
        Assert.Equal(3, summary.UnusableAccounts.Count);
    }

    [Fact]
    public async Task Run_BudgetSpent_StopsPartlyDoneAndTheNextRunFinishesWithoutRepayingFinishedPages()
    {
        await using var reference = await Harness.StartAsync();
        await reference.RunAsync();
        var fullCost = reference.Sandbox.Calls.TotalBilled;

        await using var harness = await Harness.StartAsync();
        var first = await harness.RunAsync(settings: new Dictionary<string, string?> { ["Sync:MaxCallsPerRun"] = "25", ["Sync:Concurrency"] = "1" });
        Assert.Equal(RunOutcome.PartlyFailed, first.Outcome);
        Assert.Equal(25, first.Counters.Calls);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'budget_exhausted'"));

        var second = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, second.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
        Assert.Equal(fullCost, harness.Sandbox.Calls.TotalBilled);
    }

    [Fact]
    public async Task Run_AnyFaultMix_NeverLeaksACookieIntoLogsOrTables()
    {
        await using var harness = await Harness.StartAsync(s =>
        {
            s.ExpiredAccounts = ["creator-03"];
            s.Faults = new FaultOptions { Seed = 3, ServerErrorRate = 0.05, MalformedJsonRate = 0.05, HtmlBodyRate = 0.02, PleaseRetryRate = 0.03, TooManyRequestsRate = 0.03, RetryAfterSeconds = 0 };
        });

        await harness.RunAsync();

        var secrets = harness.Sandbox.World.Accounts.Select(a => a.Cookie)
            .Concat(harness.Sandbox.World.Accounts.Select(a => a.Cookie.Split(';')[0].Split('=')[1]))
            .Append(harness.Sandbox.Options.ApiKey)
            .ToList();
        Assert.True(harness.Logs.Lines.Count > 10, "the test must see the worker's logs");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, harness.Logs.All, StringComparison.Ordinal);
        }

        var tables = await harness.QueryAsync<string>(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables WHERE table_schema IN ('douyin', 'raw', 'etl') AND table_type = 'BASE TABLE'");
        Assert.Contains("raw.api_call", tables);
        var dumps = new List<string>();
        foreach (var table in tables)
        {
            dumps.Add(table + "\n" + string.Join('\n', await harness.QueryAsync<string>($"SELECT t::text FROM {table} t")));
        }

        // bytea prints as hex: decode raw bodies (HTML, garbled JSON) to search them as text.
        dumps.Add("raw.api_call.body\n" + string.Join('\n', (await harness.QueryAsync<byte[]>("SELECT body FROM raw.api_call WHERE body IS NOT NULL")).Select(System.Text.Encoding.UTF8.GetString)));
        foreach (var dump in dumps)
        {
            foreach (var secret in secrets)
            {
                Assert.False(dump.Contains(secret, StringComparison.Ordinal), $"{dump.Split('\n')[0]} holds a credential");
            }
        }

        // The envelope echoed the cookie in params: it was replaced, not dropped silently with the payload.
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE payload->'params'->>'cookie' = '***'") > 0);
    }

    private static DateTimeOffset StartOfMonth(DateTimeOffset instant)
    {
        var local = instant.ToOffset(TimeSpan.FromHours(8));
        return new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, TimeSpan.FromHours(8));
    }

    private static DateTime ShanghaiClockHour(DateTimeOffset now) => DouyinEtl.Sandbox.World.ShanghaiClock.FloorToHour(now).UtcDateTime;
}
