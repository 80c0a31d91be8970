using System.Globalization;
using DouyinEtl.Sandbox;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Testing;

namespace DouyinEtl.Demo;

/// <summary>
/// What the demo prints after its jobs: the tests' truth checks (<c>DouyinEtl.Testing</c>), run against the demo's
/// warehouse and sandbox, each difference counted. Every check returns whether it found none.
/// </summary>
internal static class DemoTruth
{
    public static async Task<bool> PrintItemsAsync(string warehouse, SandboxServer sandbox, DateTimeOffset startedAt, long billedBySandbox, long withSnapshot)
    {
        var items = await WarehouseTruth.CompareItemsAsync(warehouse, sandbox.World, startedAt, sandbox.State.Clock.GetUtcNow());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sandbox truth: {items.Published:N0} works published → {items.Landed:N0} in douyin.item ({items.Missing.Count} missing, {items.Unknown.Count} unknown), " +
            $"{items.Wrong.Count} values other than the sandbox's, {withSnapshot:N0} with a snapshot from this hour; the sandbox billed {billedBySandbox:N0} calls in this demo."));
        return items.Published > 0 && items.Count == 0;
    }

    /// <summary>Each export file that landed, row for row against the file the sandbox served (a file cut at the cap and asked again in halves did not land).</summary>
    public static async Task<bool> PrintExportAsync(string warehouse, SandboxServer sandbox)
    {
        var landed = await ExportTruth.LandedAsync(warehouse);
        var landedCalls = landed.Select(r => r.SourceCallId).ToHashSet();
        var served = (await ExportTruth.ServedAsync(warehouse, sandbox.World)).Where(s => landedCalls.Contains(s.CallId)).ToList();
        var differences = served.SelectMany(s => ExportTruth.Compare(s, landed, allowUnmatched: true)).ToList();
        var servedRows = served.Sum(s => s.Sheet.Rows.Count);
        var matched = landed.Count(r => r.MatchStatus == "matched");
        var ambiguous = landed.Count(r => r.MatchStatus == "ambiguous");
        var wrong = differences.Count(d => d.WrongWork);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Export: the sandbox served {servedRows:N0} rows → {landed.Count:N0} in douyin.item_export_row: {matched:N0} joined to a work, " +
            $"{ambiguous:N0} ambiguous (same-title re-uploads printed to the minute), {differences.Count - wrong:N0} missing or with values other than served, " +
            $"{landed.Count - matched - ambiguous:N0} unmatched, {wrong} joined wrongly."));
        return servedRows > 0 && servedRows == landed.Count && differences.Count == 0;
    }

    /// <summary>Every work × endpoint fetched today has the status the sandbox gives it, and every play-source row equals the sandbox's truth.</summary>
    public static async Task<bool> PrintItemAnalyticsAsync(string warehouse, SandboxServer sandbox)
    {
        var now = sandbox.State.Clock.GetUtcNow();
        var fetches = await AnalyticsTruth.CompareFetchesAsync(warehouse, sandbox.World, now);
        var playSources = await AnalyticsTruth.ComparePlaySourcesAsync(warehouse, sandbox.World, now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Item analytics today: {fetches.Landed.Select(f => f.ItemId).Distinct().Count()} works, {fetches.Landed.Count} work × endpoint answers " +
            $"({fetches.Landed.Count(f => f.Status == "no_data_yet")} 'no data yet'), {fetches.Missing.Count} of the sandbox's answers missing, " +
            $"{fetches.Unexpected.Count} with a status the sandbox did not give; " +
            $"{playSources.Landed.Count} play-source rows {(playSources.Count == 0 ? "all equal to" : "DIFFERENT FROM")} the sandbox's truth ({playSources.Expected})."));
        return fetches.Count == 0 && playSources.Count == 0;
    }

    /// <summary>The account-level streams: live rooms (by id: their counts depend on the payload shape served), diagnosis values, content-analysis verticals.</summary>
    public static async Task<bool> PrintAccountStreamsAsync(string warehouse, SandboxServer sandbox, LiveRoomsOptions liveRooms)
    {
        var now = sandbox.State.Clock.GetUtcNow();
        var rooms = await LiveRoomsTruth.CompareRoomIdsAsync(warehouse, sandbox.World, now, liveRooms.HistoryDays, liveRooms.WindowDays);
        var (diagnosis, diagnosisWrong) = await DiagnosisTruth.CompareAsync(warehouse, sandbox.World);
        var (windows, windowsWrong) = await ContentAnalysisTruth.CompareVerticalsAsync(warehouse, sandbox.World, now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sandbox truth: {rooms.Landed:N0} live rooms in douyin.live_room ({rooms.Missing.Count} missing, {rooms.Unknown.Count} unknown); " +
            $"{diagnosis} diagnosis values ({diagnosisWrong.Count} differ); {windows} content-analysis windows ({windowsWrong.Count} with other verticals)."));
        return rooms.Landed > 0 && diagnosis > 0 && windows > 0 && rooms.Missing.Count + rooms.Unknown.Count + diagnosisWrong.Count + windowsWrong.Count == 0;
    }
}
