using System.Text.Json;
using Dapper;
using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>A unit's progress. <see cref="State"/> is the stream's own JSON (e.g. the next cursor).</summary>
internal sealed record Checkpoint(string Stream, string AccountId, string Scope, string State, DateTimeOffset? CompletedAt, long? RunId)
{
    public T? Read<T>() => JsonSerializer.Deserialize<T>(State, CheckpointJson.Options);
}

internal static class CheckpointJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>Reads checkpoints, and writes them inside the caller's transaction, next to the rows they vouch for.</summary>
internal static class Checkpoints
{
    private const string SelectForAccounts = """
        SELECT stream, account_id, scope, state::text AS state, completed_at, run_id
        FROM etl.checkpoint
        WHERE stream = @Stream AND account_id = ANY(@AccountIds)
        """;

    private const string Upsert = """
        INSERT INTO etl.checkpoint (stream, account_id, scope, state, completed_at, updated_at, run_id)
        VALUES (@Stream, @AccountId, @Scope, @State::jsonb, @CompletedAt, @UpdatedAt, @RunId)
        ON CONFLICT (stream, account_id, scope) DO UPDATE SET
            state = excluded.state,
            completed_at = excluded.completed_at,
            updated_at = excluded.updated_at,
            run_id = excluded.run_id
        """;

    /// <summary>
    /// The checkpoints of <paramref name="stream"/> for each of <paramref name="accountIds"/> (an empty set for an account
    /// without any), by scope: one query for them all, so planning a thousand accounts is not a thousand round trips.
    /// </summary>
    public static async Task<Dictionary<string, Dictionary<string, Checkpoint>>> LoadAsync(
        NpgsqlDataSource dataSource, string stream, IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        var byAccount = accountIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new Dictionary<string, Checkpoint>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CheckpointRow>(new CommandDefinition(
            SelectForAccounts, new { Stream = stream, AccountIds = byAccount.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var r in rows)
        {
            byAccount[r.AccountId][r.Scope] = new Checkpoint(r.Stream, r.AccountId, r.Scope, r.State, r.CompletedAt is { } c ? new DateTimeOffset(c, TimeSpan.Zero) : null, r.RunId);
        }

        return byAccount;
    }

    public static Task SaveAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string stream,
        string accountId,
        string scope,
        T state,
        DateTimeOffset? completedAt,
        DateTimeOffset now,
        long runId,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            Upsert,
            new
            {
                Stream = stream,
                AccountId = accountId,
                Scope = scope,
                State = JsonSerializer.Serialize(state, CheckpointJson.Options),
                CompletedAt = completedAt?.UtcDateTime,
                UpdatedAt = now.UtcDateTime,
                RunId = runId,
            },
            transaction,
            cancellationToken: cancellationToken));

    private sealed record CheckpointRow(string Stream, string AccountId, string Scope, string State, DateTime? CompletedAt, long? RunId);
}
