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
    private const string SelectForAccount = """
        SELECT stream, account_id, scope, state::text AS state, completed_at, run_id
        FROM etl.checkpoint
        WHERE stream = @Stream AND account_id = @AccountId
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

    public static async Task<Dictionary<string, Checkpoint>> LoadAsync(NpgsqlDataSource dataSource, string stream, string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CheckpointRow>(new CommandDefinition(
            SelectForAccount, new { Stream = stream, AccountId = accountId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(
            r => r.Scope,
            r => new Checkpoint(r.Stream, r.AccountId, r.Scope, r.State, r.CompletedAt is { } c ? new DateTimeOffset(c, TimeSpan.Zero) : null, r.RunId),
            StringComparer.Ordinal);
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
