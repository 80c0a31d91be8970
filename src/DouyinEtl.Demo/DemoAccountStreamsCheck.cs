using System.Globalization;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Demo;

/// <summary>The demo's comparison of the account-level streams (diagnosis, content analysis, live rooms) with the sandbox's truth.</summary>
internal static class DemoAccountStreamsCheck
{
    public static async Task<bool> PrintAsync(IServiceProvider services, SandboxServer sandbox, CancellationToken cancellationToken)
    {
        var world = sandbox.World;
        var now = sandbox.State.Clock.GetUtcNow();
        await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);

        var diagnosis = (await connection.QueryAsync<(string AccountId, DateOnly DataDay, string Dimension, decimal? OwnValue)>(new CommandDefinition(
            "SELECT account_id, data_day, dimension, own_value FROM douyin.author_diagnosis", cancellationToken: cancellationToken))).ToList();
        var diagnosisWrong = diagnosis.Count(d =>
            AuthorDiagnosisWorld.For(world, world.FindById(d.AccountId)!, d.DataDay).FirstOrDefault(v => v.Dimension == d.Dimension)?.OwnValue != d.OwnValue);

        var windows = (await connection.QueryAsync<(string AccountId, DateOnly WindowFirst, DateOnly ThroughDay, string[] Verticals)>(new CommandDefinition(
            """
            SELECT account_id, window_first, through_day, array_agg(vertical ORDER BY position)
            FROM douyin.item_analysis_vertical GROUP BY account_id, window_first, through_day
            """, cancellationToken: cancellationToken))).ToList();
        var windowsWrong = windows.Count(w =>
            !ItemAnalysisWorld.InvolvedVerticals(world, world.FindById(w.AccountId)!, w.WindowFirst, w.ThroughDay, now).SequenceEqual(w.Verticals));

        // Every room that had started when its account's newest window was last read has landed, and no room the sandbox does not know.
        var options = services.GetRequiredService<IOptions<LiveRoomsOptions>>().Value;
        var today = ShanghaiTime.Day(now);
        var first = DayWindow.Aligned(today.AddDays(-options.HistoryDays), today, options.WindowDays).Last().First;
        var lastRead = (await connection.QueryAsync<(string AccountId, DateTime RequestedAt)>(new CommandDefinition(
            """
            SELECT DISTINCT ON (account_id) account_id, requested_at FROM raw.api_call
            WHERE endpoint = 'fetch_live_room_history_list' AND http_status = 200
            ORDER BY account_id, (request->>'end_date')::date DESC, requested_at DESC
            """, cancellationToken: cancellationToken))).ToDictionary(r => r.AccountId, r => new DateTimeOffset(r.RequestedAt, TimeSpan.Zero));
        var landed = (await connection.QueryAsync<string>(new CommandDefinition("SELECT room_id FROM douyin.live_room", cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var missing = world.Accounts
            .SelectMany(a => lastRead.TryGetValue(a.Id, out var at) ? LiveRoomWorld.History(world, a, first, today, at, includeLive: true) : [])
            .Count(r => !landed.Contains(r.Room.RoomId));
        var known = world.Accounts
            .SelectMany(a => LiveRoomWorld.History(world, a, first, today, now, includeLive: true))
            .Select(r => r.Room.RoomId)
            .ToHashSet(StringComparer.Ordinal);
        var unknown = landed.Count(id => !known.Contains(id));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sandbox truth: {landed.Count:N0} live rooms in douyin.live_room ({missing} missing, {unknown} unknown); " +
            $"{diagnosis.Count} diagnosis values ({diagnosisWrong} differ); {windows.Count} content-analysis windows ({windowsWrong} with other verticals)."));
        return diagnosis.Count > 0 && landed.Count > 0 && windows.Count > 0 && missing + unknown + diagnosisWrong + windowsWrong == 0;
    }
}
