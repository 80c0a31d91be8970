using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.Tests.Streams.ItemExport;

public sealed class ItemExportEndToEndTests
{
    private const string Job = "item-export";

    [Fact]
    public async Task Run_AfterItemList_EveryServedRowLandsOnItsWorkWithItsTypedValues()
    {
        await using var harness = await Harness.StartAsync(s => s.Variant = PayloadVariant.Mixed);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync()).Outcome);

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var served = await ExportTruth.ServedAsync(harness);
        var landed = await ExportTruth.LandedAsync(harness);
        Assert.Equal(summary.Counters.BilledCalls, served.Count);
        foreach (var export in served)
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        // Every work of every account is in today's export exactly once, and nearly all are joined (the rest: twins printed to the minute).
        var works = harness.Sandbox.World.AllVisibleItems(harness.Now).Select(i => i.Id).Order().ToList();
        Assert.Equal(works, served.SelectMany(s => s.Sheet.Rows).Select(r => r.Item.Id).Order().ToList());
        Assert.Equal(works.Count, landed.Count);
        Assert.True(landed.Count(r => r.MatchStatus == "matched") > works.Count * 0.95);
        Assert.Equal(landed.Count, summary.Counters.RowsWritten);
    }

    [Fact]
    public async Task Run_LandedWorkbooks_AreKeptRawAndReplayToTheSameRows()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        await harness.RunAsync();
        await harness.RunAsync(Job);

        var bodies = await harness.QueryAsync<(long CallId, string ContentType, byte[] Body)>(
            "SELECT call_id, content_type, body FROM raw.api_call WHERE endpoint = 'fetch_item_list_download'");
        var landed = await ExportTruth.LandedAsync(harness);

        Assert.NotEmpty(bodies);
        foreach (var (callId, contentType, body) in bodies)
        {
            Assert.Equal("application/vnd.ms-excel", contentType);
            var replayed = ExportWorkbook.Read(body, new PayloadProblems()).Rows;
            var rows = landed.Where(r => r.SourceCallId == callId).OrderBy(r => r.SheetRow).ToList();
            Assert.Equal(rows.Select(r => (r.SheetRow, r.Title, r.ViewCount, r.CompletionRate)), replayed.Select(r => (r.SheetRow, r.Title, r.ViewCount, r.CompletionRate)));
        }
    }

    [Fact]
    public async Task Run_ExportPrintsMinutesOnly_SameMinuteReuploadsAreAmbiguousVisibleAndReported()
    {
        await using var harness = await Harness.StartAsync(s => s.ItemExport.PublishTimeFormat = ExportTimeFormat.TextMinutes);
        await harness.RunAsync();

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var twins = harness.Sandbox.World.AllVisibleItems(harness.Now)
            .GroupBy(i => (i.AccountId, i.Title, Minute: i.PublishTime.ToUnixTimeSeconds() / 60))
            .Where(g => g.Count() > 1)
            .ToList();
        Assert.NotEmpty(twins);
        var landed = await ExportTruth.LandedAsync(harness);
        foreach (var export in await ExportTruth.ServedAsync(harness))
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        // Exactly the re-uploads are unresolved, each with both works as candidates; nothing was dropped.
        var unresolved = await harness.QueryAsync<(string AccountId, string Status, string Candidates)>(
            "SELECT account_id, match_status, array_to_string(candidate_item_ids, ',') FROM douyin.item_export_unresolved");
        Assert.All(unresolved, u => Assert.Equal("ambiguous", u.Status));
        Assert.Equal(
            twins.Select(g => string.Join(',', g.Select(i => i.Id).Order(StringComparer.Ordinal))).Order().ToList(),
            unresolved.Select(u => u.Candidates).Distinct().Order().ToList());
        Assert.Equal(twins.Sum(g => g.Count()), unresolved.Count);
        foreach (var account in twins.Select(g => g.Key.AccountId).Distinct())
        {
            var reported = await harness.QueryAsync<string>("SELECT message FROM etl.problem WHERE kind = 'export_unmatched' AND account_id = @account", new { account });
            Assert.Contains(reported, m => m.Contains("match several", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Run_Daily_RefreshesTheHorizonOnceADayAndFetchesHistoryOnce()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var first = await harness.RunAsync(Job);
        var firstDayRows = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_export_row");

        var again = await harness.RunAsync(Job);
        Assert.Equal(0, again.Counters.Calls);

        harness.SetNow(harness.Now.AddDays(1));
        await harness.RunAsync();
        var nextDay = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, nextDay.Outcome);
        Assert.Equal(6, first.Counters.BilledCalls);
        Assert.Equal(3, nextDay.Counters.BilledCalls);
        var today = DouyinEtl.Sandbox.World.ShanghaiClock.Day(harness.Now);
        var horizon = DouyinEtl.Sandbox.World.ShanghaiClock.StartOfDay(today.AddDays(-90));
        var recent = harness.Sandbox.World.AllVisibleItems(harness.Now).Where(i => i.PublishTime >= horizon).Select(i => i.Id).Order().ToList();
        var landedToday = await harness.QueryAsync<string>(
            "SELECT item_id FROM douyin.item_export_row WHERE snapshot_day = @today AND item_id IS NOT NULL ORDER BY 1", new { today });
        Assert.Equal(recent.Count, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_export_row WHERE snapshot_day = @today", new { today }));
        Assert.Subset(recent.ToHashSet(), landedToday.ToHashSet());
        Assert.Equal(firstDayRows, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_export_row WHERE snapshot_day < @today", new { today }));
        var landed = await ExportTruth.LandedAsync(harness);
        foreach (var export in await ExportTruth.ServedAsync(harness))
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }
    }

    [Fact]
    public async Task Run_WindowAskedAgainTheSameDay_ReplacesItsRowsInsteadOfAddingThem()
    {
        await using var harness = await Harness.StartAsync(s => s.ItemExport.PublishTimeFormat = ExportTimeFormat.TextMinutes);
        await harness.RunAsync();
        await harness.RunAsync(Job);
        var firstCalls = (await ExportTruth.ServedAsync(harness)).Count;
        Assert.NotEmpty(await harness.QueryAsync<string>("SELECT row_key FROM douyin.item_export_row WHERE match_status = 'ambiguous'"));

        // An operator wants today's export again; this time the file prints seconds, so the re-uploads now match.
        await using (var connection = await harness.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM etl.checkpoint WHERE stream = 'item-export'");
        }

        harness.Sandbox.Options.ItemExport.PublishTimeFormat = ExportTimeFormat.TextSeconds;
        await harness.RunAsync(Job);

        var landed = await ExportTruth.LandedAsync(harness);
        Assert.Equal(harness.Sandbox.World.AllVisibleItems(harness.Now).Count(), landed.Count);
        Assert.All(landed, r => Assert.Equal("matched", r.MatchStatus));
        foreach (var export in (await ExportTruth.ServedAsync(harness)).Skip(firstCalls))
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }
    }

    [Fact]
    public async Task Run_WorksWithoutACaption_JoinByPublishTimeAndKeepTheirProfileVisits()
    {
        // Only the export has 主页访问量; a work without a caption shows an empty 作品名称 there.
        await using var harness = await Harness.StartAsync(s => s.ItemExport.PublishTimeFormat = ExportTimeFormat.TextSeconds);
        await harness.RunAsync();

        await harness.RunAsync(Job);

        var served = (await ExportTruth.ServedAsync(harness))
            .SelectMany(e => e.Sheet.Rows)
            .Where(r => r.Item.Title.Length == 0)
            .Select(r => (r.Item.Id, r.Expected.HomepageVisitCount))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        Assert.True(served.Count >= 3, $"the sandbox world should have works without a caption, has {served.Count}");
        var landed = await harness.QueryAsync<(string ItemId, long? HomepageVisitCount)>(
            "SELECT item_id, homepage_visit_count FROM douyin.item_export_daily WHERE item_id = ANY(@Ids) ORDER BY item_id COLLATE \"C\"",
            new { Ids = served.Select(s => s.Id).ToArray() });
        Assert.Equal(served, landed);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_export_row WHERE match_status <> 'matched'"));
    }

    [Fact]
    public async Task Run_BeforeItemListWithWindowsOverTheCap_SplitsUntilEveryWorkLandsUnmatchedThenJoinsOnceWorksAreKnown()
    {
        await using var harness = await Harness.StartAsync(
            s => s.ItemExport.MaxRows = 40,
            new Dictionary<string, string?> { ["ItemExport:MaxRowsPerExport"] = "40", ["ItemExport:PlannedWorksPerWindow"] = "30" });

        var first = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, first.Outcome);
        var served = await ExportTruth.ServedAsync(harness);
        Assert.Contains(served, s => s.Sheet.Truncated);
        var landed = await ExportTruth.LandedAsync(harness);
        // A file of exactly the cap may be cut short: the worker asks again in halves and lands those instead.
        foreach (var export in served.Where(s => s.Sheet.Rows.Count < 40))
        {
            ExportTruth.AssertRowsEqualServed(export, landed, allowUnmatched: true);
        }

        Assert.Equal(harness.Sandbox.World.AllVisibleItems(harness.Now).Count(), landed.Count);
        Assert.All(landed, r => Assert.Contains("no known work", r.MatchDetail, StringComparison.Ordinal));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind NOT IN ('export_unmatched')"));

        // Once item-list has listed the works, the next day's windows are planned under the cap and every row joins.
        await harness.RunAsync();
        harness.SetNow(harness.Now.AddDays(1));
        await harness.RunAsync();
        var callsBefore = served.Count;
        var nextDay = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, nextDay.Outcome);
        var nextDayServed = (await ExportTruth.ServedAsync(harness)).Skip(callsBefore).ToList();
        Assert.DoesNotContain(nextDayServed, s => s.Sheet.Truncated);
        landed = await ExportTruth.LandedAsync(harness);
        foreach (var export in nextDayServed)
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }
    }

    [Fact]
    public async Task Run_CorruptBodyErrorEnvelopeAndMissingPublishTime_OneProblemPerFileRawAnswerKeptOtherAccountsLand()
    {
        await using var harness = await Harness.StartAsync(s =>
        {
            s.Accounts = 4;
            s.ItemExport.Answers["creator-01"] = ExportAnswer.Corrupt;
            s.ItemExport.Answers["creator-02"] = ExportAnswer.ErrorEnvelope;
            s.ItemExport.Answers["creator-03"] = ExportAnswer.MissingPublishTimeColumn;
        });
        await harness.RunAsync();

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(ExitCode.PartlyFailed, summary.Outcome.ToExitCode());
        var landed = await ExportTruth.LandedAsync(harness);
        Assert.All(landed, r => Assert.Equal("creator-04", r.AccountId));
        foreach (var export in (await ExportTruth.ServedAsync(harness)).Where(s => s.AccountId == "creator-04"))
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        var problems = await harness.QueryAsync<(string AccountId, string Kind, string Message, long? CallId)>(
            "SELECT account_id, kind, message, call_id FROM etl.problem ORDER BY account_id, problem_id");
        Assert.DoesNotContain(problems, p => p.AccountId == "creator-04");
        foreach (var (account, says) in new[] { ("creator-01", "cut-off file"), ("creator-02", "inner status 2"), ("creator-03", "no 发布时间 column") })
        {
            var mine = problems.Where(p => p.AccountId == account).ToList();
            Assert.Equal(2, mine.Count); // one per window: history and the refresh horizon
            Assert.All(mine, p => Assert.Equal("unit_failed", p.Kind));
            Assert.All(mine, p => Assert.Contains(says, p.Message, StringComparison.Ordinal));
            Assert.All(mine, p => Assert.NotNull(p.CallId));
        }

        // What was paid for is kept: every cut-off workbook's bytes (retried as a garbled answer), the error envelope (cookie masked).
        var corrupt = await harness.QueryAsync<byte[]>("SELECT body FROM raw.api_call WHERE account_id = 'creator-01' AND endpoint = 'fetch_item_list_download'");
        Assert.Equal(2 * 7, corrupt.Count);
        Assert.All(corrupt, body => Assert.True(body.Length > 100 && body[0] == 'P' && body[1] == 'K'));
        var envelopes = await harness.QueryAsync<string>("SELECT payload::text FROM raw.api_call WHERE account_id = 'creator-02' AND endpoint = 'fetch_item_list_download'");
        Assert.All(envelopes, p => Assert.Equal(2, JsonNode.Parse(p)!["data"]!["status_code"]!.GetValue<int>()));
        Assert.All(envelopes, p => Assert.DoesNotContain(harness.Sandbox.World.FindById("creator-02")!.Cookie, p, StringComparison.Ordinal));

        foreach (var cookie in harness.Sandbox.World.Accounts.Select(a => a.Cookie))
        {
            Assert.DoesNotContain(cookie, harness.Logs.All, StringComparison.Ordinal);
            Assert.All(problems, p => Assert.DoesNotContain(cookie, p.Message, StringComparison.Ordinal));
        }

        // Fixed upstream: the next run asks only for the windows that failed.
        harness.Sandbox.Options.ItemExport.Answers.Clear();
        var retry = await harness.RunAsync(Job);
        Assert.Equal(RunOutcome.Succeeded, retry.Outcome);
        Assert.Equal(6, retry.Counters.Calls);
        Assert.Equal(4, (await ExportTruth.LandedAsync(harness)).Select(r => r.AccountId).Distinct().Count());
    }

    [Fact]
    public async Task Run_DownloadsCutOffInTransitAndServerErrors_AreRetriedAndEveryRowStillLands()
    {
        // Half the answers are faults and which call meets which depends on the order of the calls: 21 attempts keep a
        // unit from meeting its retry limit by chance (one in 10^6 per unit, against one in 100 with the default 7).
        await using var harness = await Harness.StartAsync(settings: new Dictionary<string, string?> { ["TikHub:MaxRetries"] = "20" });
        await harness.RunAsync();
        harness.Sandbox.State.SetFaults(new FaultOptions { Seed = 3, MalformedJsonRate = 0.3, ServerErrorRate = 0.1, TooManyRequestsRate = 0.1, RetryAfterSeconds = 0 });

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE outcome = 'retryable_error' AND http_status = 200 AND body IS NOT NULL") > 0, "no download was cut off: the test proves nothing");
        var landed = await ExportTruth.LandedAsync(harness);
        var served = await ExportTruth.ServedAsync(harness);
        foreach (var export in served)
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        Assert.Equal(harness.Sandbox.World.AllVisibleItems(harness.Now).Count(), landed.Count);
    }

    [Fact]
    public async Task Run_HeaderVariantsAndAnEmptySheet_LandTheSameValues()
    {
        await using var harness = await Harness.StartAsync(s =>
        {
            s.Accounts = 4;
            s.ItemExport.Answers["creator-01"] = ExportAnswer.ColumnsReordered;
            s.ItemExport.Answers["creator-02"] = ExportAnswer.ExtraColumns;
            s.ItemExport.Answers["creator-03"] = ExportAnswer.MissingViewsColumn;
            s.ItemExport.Answers["creator-04"] = ExportAnswer.EmptySheet;
        });
        await harness.RunAsync();

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var landed = await ExportTruth.LandedAsync(harness);
        foreach (var export in await ExportTruth.ServedAsync(harness))
        {
            ExportTruth.AssertRowsEqualServed(export, landed);
        }

        Assert.All(landed.Where(r => r.AccountId == "creator-02"), r => Assert.Contains("\"弹幕量\"", r.ExtraColumns, StringComparison.Ordinal));
        Assert.All(landed.Where(r => r.AccountId == "creator-03"), r => Assert.Null(r.ViewCount));
        Assert.DoesNotContain(landed, r => r.AccountId == "creator-04");
        Assert.Equal(2, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE account_id = 'creator-04' AND completed_at IS NOT NULL AND (state->>'rows')::int = 0"));

        var fieldProblems = await harness.QueryAsync<(string AccountId, string Message)>("SELECT account_id, message FROM etl.problem WHERE kind = 'payload_field'");
        Assert.Equal(2, fieldProblems.Count); // one per creator-03 file
        Assert.All(fieldProblems, p => Assert.Equal("creator-03", p.AccountId));
        Assert.All(fieldProblems, p => Assert.Contains("no 播放量 column", p.Message, StringComparison.Ordinal));

        // The empty files came for windows whose works the item list had landed: a problem each, not a quiet nothing.
        var emptyProblems = await harness.QueryAsync<string>("SELECT account_id FROM etl.problem WHERE kind = 'export_empty'");
        Assert.Equal(["creator-04", "creator-04"], emptyProblems);
    }

    [Fact]
    public async Task Run_SlowExport_GetsTheDownloadTimeoutNotTheJsonOne()
    {
        await using var harness = await Harness.StartAsync(
            s =>
            {
                s.Accounts = 1;
                s.Latency = TimeSpan.FromMilliseconds(700);
            },
            new Dictionary<string, string?> { ["TikHub:AttemptTimeout"] = "00:00:00.300", ["TikHub:DownloadTimeout"] = "00:00:05", ["TikHub:MaxRetries"] = "1" });

        var patient = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, patient.Outcome);
        Assert.Equal(0, patient.Counters.Retries);

        await using var impatient = await Harness.StartAsync(
            s =>
            {
                s.Accounts = 1;
                s.Latency = TimeSpan.FromMilliseconds(700);
            },
            new Dictionary<string, string?> { ["TikHub:AttemptTimeout"] = "00:00:00.300", ["TikHub:DownloadTimeout"] = "00:00:00.300", ["TikHub:MaxRetries"] = "1" });
        var timedOut = await impatient.RunAsync(Job);

        Assert.Equal(RunOutcome.Failed, timedOut.Outcome);
        Assert.Equal(timedOut.Counters.Calls, await impatient.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE outcome = 'no_response'"));
    }
}
