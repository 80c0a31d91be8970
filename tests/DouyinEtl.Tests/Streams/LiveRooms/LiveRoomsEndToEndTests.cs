using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;

namespace DouyinEtl.Tests.Streams.LiveRooms;

public sealed class LiveRoomsEndToEndTests
{
    private const int HistoryDays = 100;

    private static readonly Dictionary<string, string?> Settings = new() { ["LiveRooms:HistoryDays"] = HistoryDays.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Theory]
    [InlineData(PayloadVariant.RealWorld)]
    [InlineData(PayloadVariant.Documented)]
    public async Task Run_EitherPayloadShape_RoomsEqualSandboxTruth(PayloadVariant variant)
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.Variant) = (3, variant));

        var summary = await harness.RunAsync("live-rooms", Settings);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var first = LiveRoomsTruth.FirstDayRead(harness.Now, HistoryDays);
        await LiveRoomsTruth.AssertRoomsEqualTruthAsync(harness, first, ShanghaiTime.Day(harness.Now), variant);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem"));

        // The round-the-clock account holds more than 400 rooms in 90 days: its windows were split to get them all.
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE stream = 'live-rooms' AND state->>'split' = 'true'") > 0);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.live_room WHERE is_live"));
        Assert.Equal(
            await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.live_room"),
            await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.live_room_daily WHERE captured_day = @day", new { day = ShanghaiTime.Day(harness.Now) }));
    }

    [Fact]
    public async Task Run_SmallLimit_SplitsWindowsUntilEachAnswerFitsAndMissesNothing()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);
        var settings = new Dictionary<string, string?>(Settings) { ["LiveRooms:HistoryDays"] = "20", ["LiveRooms:Limit"] = "8" };

        var summary = await harness.RunAsync("live-rooms", settings);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        await LiveRoomsTruth.AssertRoomsEqualTruthAsync(harness, LiveRoomsTruth.FirstDayRead(harness.Now, 20), ShanghaiTime.Day(harness.Now), PayloadVariant.RealWorld);
        var served = await harness.QueryAsync<int>("SELECT jsonb_array_length(payload->'data'->'data'->'series') FROM raw.api_call WHERE endpoint = 'fetch_live_room_history_list'");
        Assert.True(served.Any(n => n >= 8), "some windows must have come back full");
        Assert.True(served.Count > 10, "full windows must have been asked again in halves");
    }

    [Fact]
    public async Task Run_OneDayFullerThanTheLimit_LandsWhatCameAndRecordsTheTruncation()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);

        var summary = await harness.RunAsync("live-rooms", new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = "3", ["LiveRooms:Limit"] = "4" });

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'window_truncated'") > 0);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.live_room") > 0);
    }

    [Fact]
    public async Task Run_RoomLiveAtTheFirstRead_IsUpdatedOnceItHasEnded()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        await harness.RunAsync("live-rooms", Settings);
        var live = await harness.ScalarAsync<string>("SELECT room_id FROM douyin.live_room WHERE is_live AND end_time IS NULL");
        var callsBefore = harness.Sandbox.Calls.TotalBilled;

        var sameHour = await harness.RunAsync("live-rooms", Settings);
        Assert.Equal(0, sameHour.Counters.Calls);

        harness.SetNow(harness.Now.AddHours(6));
        var later = await harness.RunAsync("live-rooms", Settings);

        Assert.Equal(RunOutcome.Succeeded, later.Outcome);
        // Only the running window (which held the live room) is read again; the older ones have settled.
        Assert.Equal(1, harness.Sandbox.Calls.TotalBilled - callsBefore);
        Assert.False(await harness.ScalarAsync<bool>("SELECT is_live FROM douyin.live_room WHERE room_id = @live", new { live }));
        var first = LiveRoomsTruth.FirstDayRead(harness.Now, HistoryDays);
        var truth = LiveRoomsTruth.Expected(harness, first, ShanghaiTime.Day(harness.Now), PayloadVariant.RealWorld).Single(r => r.RoomId == live);
        Assert.Equal(4, truth.PlayStatus);
        Assert.Equal(truth, (await harness.QueryAsync<RoomInWarehouse>(LiveRoomsTruth.RoomsSql)).Single(r => r.RoomId == live));

        // The day it was live and the day it had ended (18:30 → 00:30 Beijing): one snapshot each.
        Assert.Equal([true, false], await harness.QueryAsync<bool>("SELECT is_live FROM douyin.live_room_daily WHERE room_id = @live ORDER BY captured_day", new { live }));
    }

    [Fact]
    public async Task Run_ExplicitPeriod_ReadsOnlyTheWindowsItTouches()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);
        var from = new DateOnly(2026, 3, 10);
        var to = new DateOnly(2026, 3, 20);

        var summary = await harness.RunAsync("live-rooms", period: new RunPeriod(from, to));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var window = Assert.Single(DayWindow.Aligned(from, to, 90));
        Assert.Equal(0, await harness.ScalarAsync<long>(
            "SELECT count(*) FROM raw.api_call WHERE (request->>'start_date')::date < @First OR (request->>'end_date')::date > @Last",
            new { window.First, window.Last }));
        // One call for creator-02; three for creator-01, whose 450 rooms need the window in halves.
        Assert.Equal(4, summary.Counters.BilledCalls);
        await LiveRoomsTruth.AssertRoomsEqualTruthAsync(harness, window.First, window.Last, PayloadVariant.RealWorld);
    }
}
