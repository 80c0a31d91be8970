using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>
/// One single-work analytics endpoint (or one analysis type of it): what to ask for a work, and how its answer becomes
/// the day's rows. <see cref="WorkEndpoints"/> declares them all; the fan-out in <see cref="ItemAnalyticsSync"/> runs them.
/// </summary>
/// <param name="Endpoint">The TikHub operation.</param>
/// <param name="Read">The answer's rows for the work and day, or null when the data has nothing this endpoint can read.</param>
internal sealed record WorkEndpoint(string Endpoint, WorkReader Read)
{
    /// <summary>Distinguishes several units of one endpoint (the watch-trend analysis type); empty otherwise.</summary>
    public string Variant { get; init; } = "";

    /// <summary>Videos only: image posts (creator types 1, 6, 7 图文 and 8 长图文) are not asked, the answer would be empty (see <c>ItemRefreshSql.Due</c>).</summary>
    public bool VideoOnly { get; init; }

    /// <summary>The request body without the cookie; TikHub's per-item models take <c>item_id</c> as a string.</summary>
    public Func<string, JsonObject> Body { get; init; } = itemId => new() { ["item_id"] = itemId };
}

internal delegate ItemDayRows? WorkReader(ItemSnapshot snapshot, JsonElement data, PayloadProblems problems);

/// <summary>Which work, day and call a set of rows belongs to.</summary>
internal sealed record ItemSnapshot(string ItemId, string AccountId, DateOnly Day, DateTimeOffset CapturedAt, long CallId)
{
    public static ItemSnapshot Of(string itemId, string accountId, DateTimeOffset capturedAt, long callId) =>
        new(itemId, accountId, ShanghaiTime.Day(capturedAt), capturedAt, callId);
}

/// <summary>A work's rows of one day from one endpoint, and how to write them (replacing what that day held) inside a transaction.</summary>
internal sealed record ItemDayRows(int Count, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>> WriteAsync)
{
    /// <summary>These rows and then <paramref name="more"/>, in one transaction.</summary>
    public ItemDayRows And(ItemDayRows more) =>
        new(Count + more.Count, async (c, t, ct) => await WriteAsync(c, t, ct) + await more.WriteAsync(c, t, ct));
}
