using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Warehouse;

/// <summary>One upstream attempt as it goes into <c>raw.api_call</c>. Payload and body are already scrubbed of credentials.</summary>
internal sealed record LandedCall(
    long RunId,
    string AccountId,
    string Endpoint,
    string Stream,
    string Scope,
    int Attempt,
    string RequestJson,
    DateTimeOffset RequestedAt,
    int DurationMs,
    int? HttpStatus,
    string Outcome,
    string? RequestId,
    int? InnerStatus,
    string? ContentType,
    string? PayloadJson,
    byte[]? Body,
    string? Error,
    string? KeyId = null);

/// <summary>
/// Lands every attempt in its own small transaction, before normalization: whatever happens to the process or the
/// parser afterwards, the bytes we paid for are kept and can be replayed.
/// </summary>
internal sealed class RawLanding(NpgsqlDataSource dataSource)
{
    private const string Insert = """
        INSERT INTO raw.api_call (run_id, account_id, endpoint, stream, scope, attempt, request, requested_at, duration_ms,
                                  http_status, outcome, request_id, inner_status, content_type, payload, body, error, key_id)
        VALUES (@RunId, @AccountId, @Endpoint, @Stream, @Scope, @Attempt, @Request, @RequestedAt, @DurationMs,
                @HttpStatus, @Outcome, @RequestId, @InnerStatus, @ContentType, @Payload, @Body, @Error, @KeyId)
        RETURNING call_id
        """;

    // A landing rolled back: whatever would refuse a real one (privileges, a read-only database, a missing column)
    // refuses this too, before anything is paid for.
    private const string ProbeInsert = """
        INSERT INTO raw.api_call (run_id, account_id, endpoint, stream, scope, attempt, request, requested_at, duration_ms, outcome)
        VALUES (@RunId, '', 'probe', 'probe', '', 0, '{}', now(), 0, 'probe')
        """;

    private const string SelectData = "SELECT (payload -> 'data')::text FROM raw.api_call WHERE call_id = @callId";

    /// <summary>Whether <c>payload</c> keeps the answer as served (jsonb); an escaped U+0000 sends it to <c>body</c> as bytes instead.</summary>
    public static bool KeepsPayload(LandedCall call) => call.PayloadJson is { } payload && !payload.Contains("\\u0000", StringComparison.Ordinal);

    /// <summary>The envelope's <c>data</c> of a call landed with <see cref="KeepsPayload"/>, read back.</summary>
    public async Task<JsonElement> ReadDataAsync(long callId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var text = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SelectData, new { callId }, cancellationToken: cancellationToken));
        if (text is null)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Throws what PostgreSQL says when it would refuse to land a call now (nothing is kept: the insert is rolled back).</summary>
    public async Task CheckCanLandAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ProbeInsert, new { RunId = runId }, transaction, cancellationToken: cancellationToken));
        await transaction.RollbackAsync(cancellationToken);
    }

    public async Task<long> LandAsync(LandedCall call, CancellationToken cancellationToken)
    {
        var payload = call.PayloadJson;
        var body = call.Body;
        if (payload is not null && !KeepsPayload(call))
        {
            // jsonb cannot hold U+0000; keep the exact bytes instead of losing the payload.
            body = System.Text.Encoding.UTF8.GetBytes(payload);
            payload = null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Insert,
            new
            {
                call.RunId,
                call.AccountId,
                call.Endpoint,
                call.Stream,
                call.Scope,
                call.Attempt,
                Request = new JsonbParameter(call.RequestJson),
                RequestedAt = call.RequestedAt.UtcDateTime,
                call.DurationMs,
                call.HttpStatus,
                call.Outcome,
                call.RequestId,
                call.InnerStatus,
                call.ContentType,
                Payload = new JsonbParameter(payload),
                Body = body,
                call.Error,
                call.KeyId,
            },
            cancellationToken: cancellationToken));
    }
}

/// <summary>Sends a string as <c>jsonb</c> (Dapper would send text, which PostgreSQL refuses for a jsonb column).</summary>
internal sealed class JsonbParameter(string? json) : SqlMapper.ICustomQueryParameter
{
    public void AddParameter(System.Data.IDbCommand command, string name)
    {
        var parameter = new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)json ?? DBNull.Value };
        command.Parameters.Add(parameter);
    }
}
