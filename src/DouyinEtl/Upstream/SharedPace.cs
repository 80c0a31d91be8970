using System.Diagnostics;
using DouyinEtl.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Upstream;

/// <summary>
/// Paces the key pool for every process at once, through <c>etl.upstream_pace</c>: each attempt locks the rows of the
/// usable keys and of their endpoint (in key, endpoint order, so two processes never deadlock), reads the database
/// clock, takes the key whose <see cref="PaceSchedule"/> slot comes first, stores that slot, commits, and waits locally
/// until it comes. All instants are the database's, so the processes' clocks do not matter; a slot reserved and then
/// not used is simply lost (under-use, never over the limit). Two round trips per attempt, well under a millisecond
/// on the local network — measured in README's Performance (S1) before deciding against leasing blocks of slots.
/// Without the warehouse there is no pacing and no call: the attempt fails like a landing would (every run command
/// lands its calls in the same database).
/// </summary>
internal sealed class SharedPace(NpgsqlDataSource dataSource)
{
    // One implicit transaction until BEGIN, then an explicit one held until the second batch's COMMIT. Rows are created
    // (and locked) in the same order as they are selected.
    private const string EnsureRows = """
        INSERT INTO etl.upstream_pace (key_id, endpoint)
        SELECT k, e FROM unnest(@keys) AS k CROSS JOIN unnest(ARRAY['', @endpoint]) AS e
        ORDER BY k, e
        ON CONFLICT DO NOTHING
        """;

    private const string LockRows = """
        SELECT key_id, endpoint, slots, paused_until
        FROM etl.upstream_pace
        WHERE key_id = ANY (@keys) AND endpoint IN ('', @endpoint)
        ORDER BY key_id, endpoint
        FOR UPDATE
        """;

    // After the locks are held: the instant the slot is computed from.
    private const string DatabaseNow = "SELECT clock_timestamp()";

    private const string StoreSlots = "UPDATE etl.upstream_pace SET slots = @slots WHERE key_id = @key AND endpoint = @endpoint";

    private const string PauseKey = """
        UPDATE etl.upstream_pace SET paused_until = GREATEST(paused_until, clock_timestamp() + @pause)
        WHERE key_id = @key AND endpoint = ''
        """;

    /// <summary>Reserves the earliest slot any of <paramref name="keys"/> offers for <paramref name="endpoint"/>, waits for it, and returns the key to call with.</summary>
    public async Task<UpstreamKey> WaitForSlotAsync(IReadOnlyList<UpstreamKey> keys, string endpoint, CancellationToken cancellationToken)
    {
        var (key, wait) = await ReserveAsync(keys, endpoint, cancellationToken);
        if (wait > TimeSpan.Zero)
        {
            // Real time, as the database clock the slot was read from (a test pinning the run's clock does not pin the quota).
            await Task.Delay(wait, TimeProvider.System, cancellationToken);
        }

        return key;
    }

    /// <summary>The server said to slow down: no process calls <paramref name="key"/> again before <paramref name="pause"/> has passed.</summary>
    public async Task PauseAsync(UpstreamKey key, TimeSpan pause, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(PauseKey, connection);
        command.Parameters.AddWithValue("key", key.Id);
        command.Parameters.AddWithValue("pause", pause);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reserves a slot and returns the key and how long to wait for it from now (the database's now, less the round trip).</summary>
    internal async Task<(UpstreamKey Key, TimeSpan Wait)> ReserveAsync(IReadOnlyList<UpstreamKey> keys, string endpoint, CancellationToken cancellationToken)
    {
        var ids = keys.Select(k => k.Id).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var rows = new Dictionary<(string Key, string Endpoint), (long[] Slots, long? PausedUntil)>();
            long now;
            Stopwatch sinceNow;
            await using (var batch = new NpgsqlBatch(connection))
            {
                batch.BatchCommands.Add(Command(EnsureRows, ("keys", ids), ("endpoint", endpoint)));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(Command(LockRows, ("keys", ids), ("endpoint", endpoint)));
                batch.BatchCommands.Add(new NpgsqlBatchCommand(DatabaseNow));
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var slots = reader.GetFieldValue<DateTime[]>(2).Select(s => s.Ticks).ToArray();
                    rows[(reader.GetString(0), reader.GetString(1))] = (slots, reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTime>(3).Ticks);
                }

                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                now = reader.GetFieldValue<DateTime>(0).Ticks;
                sinceNow = Stopwatch.StartNew();
            }

            var choice = Choose(keys, endpoint, rows, now);
            var key = choice.Key;
            await using (var batch = new NpgsqlBatch(connection))
            {
                batch.BatchCommands.Add(Command(StoreSlots, ("slots", Timestamps(choice.KeySlots)), ("key", key.Id), ("endpoint", "")));
                batch.BatchCommands.Add(Command(StoreSlots, ("slots", Timestamps(choice.EndpointSlots)), ("key", key.Id), ("endpoint", endpoint)));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            return (key, TimeSpan.FromTicks(choice.Slot - now) - sinceNow.Elapsed);
        }
        catch when (connection.State == System.Data.ConnectionState.Open)
        {
            // Do not hand a connection back to the pool inside the transaction that holds the rows.
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// The key whose earliest slot comes first (ties: the one with fewer slots reserved, then pool order), its slot, and
    /// the key's and endpoint's slots to store: those still constraining anything at <paramref name="now"/>, plus the new one.
    /// </summary>
    internal static PaceChoice Choose(IReadOnlyList<UpstreamKey> keys, string endpoint, IReadOnlyDictionary<(string Key, string Endpoint), (long[] Slots, long? PausedUntil)> rows, long now)
    {
        PaceChoice? best = null;
        foreach (var key in keys)
        {
            var keyRow = rows.GetValueOrDefault((key.Id, ""), ([], null));
            var endpointRow = rows.GetValueOrDefault((key.Id, endpoint), ([], null));
            var keyInterval = PaceSchedule.Interval(key.RequestsPerSecond);
            var endpointInterval = PaceSchedule.Interval(key.RequestsPerSecondPerEndpoint);
            var keySlots = PaceSchedule.Live(keyRow.Slots, keyInterval, now);
            var endpointSlots = PaceSchedule.Live(endpointRow.Slots, endpointInterval, now);
            var slot = PaceSchedule.Earliest(keySlots, keyInterval, endpointSlots, endpointInterval, Math.Max(now, keyRow.PausedUntil ?? now));
            if (best is null || slot < best.Slot || (slot == best.Slot && keySlots.Length < best.KeySlots.Length - 1))
            {
                best = new PaceChoice(key, endpoint, slot, PaceSchedule.With(keySlots, keyInterval, now, slot), PaceSchedule.With(endpointSlots, endpointInterval, now, slot));
            }
        }

        return best ?? throw new InvalidOperationException("no key to pace");
    }

    private static DateTime[] Timestamps(long[] ticks) => ticks.Select(t => new DateTime(t, DateTimeKind.Utc)).ToArray();

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is DateTime[]
                ? new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = value }
                : new NpgsqlParameter(name, value));
        }

        return command;
    }
}

internal sealed record PaceChoice(UpstreamKey Key, string Endpoint, long Slot, long[] KeySlots, long[] EndpointSlots);
