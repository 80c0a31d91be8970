using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Sandbox.Hosting;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>
/// A mutated answer as the warehouse kept it: its landed call (found by TikHub's request id, or a workbook by its
/// bytes), whether raw.api_call holds exactly what was served (cookie masked), and whether the client retried it as
/// garbled or a problem names it.
/// </summary>
internal sealed record LandedMutation(PayloadMutation Mutation, long? CallId, bool KeptExactly, bool Retried, bool ProblemRecorded, string Why);

internal static class LandedMutations
{
    public static async Task<List<LandedMutation>> FindAsync(Harness harness)
    {
        await using var connection = new NpgsqlConnection(harness.ConnectionString);
        var byRequestId = (await connection.QueryAsync<(long CallId, string RequestId)>("SELECT call_id, request_id FROM raw.api_call WHERE request_id IS NOT NULL"))
            .ToDictionary(r => r.RequestId, r => r.CallId);
        var byDigest = (await connection.QueryAsync<(long CallId, byte[] Digest)>("SELECT call_id, sha256(body) FROM raw.api_call WHERE body IS NOT NULL AND request_id IS NULL"))
            .GroupBy(r => Convert.ToHexString(r.Digest)).ToDictionary(g => g.Key, g => g.First().CallId);
        var problems = (await connection.QueryAsync<long>("SELECT DISTINCT call_id FROM etl.problem WHERE call_id IS NOT NULL")).ToHashSet();
        var found = new List<LandedMutation>();
        foreach (var mutation in harness.Sandbox.State.Mutator.Mutations)
        {
            long callId;
            var landed = mutation.RequestId is not null
                ? byRequestId.TryGetValue(mutation.RequestId, out callId)
                : byDigest.TryGetValue(Convert.ToHexString(SHA256.HashData(mutation.Served)), out callId);
            if (!landed)
            {
                found.Add(new LandedMutation(mutation, null, false, false, false, "no landed call holds it"));
                continue;
            }

            var call = await connection.QuerySingleAsync<(string AccountId, string Outcome, string? Payload, byte[]? Body)>(
                "SELECT account_id, outcome, payload::text, body FROM raw.api_call WHERE call_id = @callId", new { callId });
            var why = Kept(harness, mutation, call.AccountId, call.Payload, call.Body);
            found.Add(new LandedMutation(mutation, callId, why is null, call.Outcome == "retryable_error", problems.Contains(callId), why ?? ""));
        }

        return found;
    }

    /// <summary>Null when the landed call holds exactly what was served (bytes, or the same JSON where it is kept as jsonb), else why not.</summary>
    private static string? Kept(Harness harness, PayloadMutation mutation, string accountId, string? payload, byte[]? body)
    {
        if (mutation.Path == "file")
        {
            return body is not null && body.AsSpan().SequenceEqual(mutation.Served) ? null : "body differs from the served file";
        }

        var cookie = harness.Sandbox.World.FindById(accountId)!.Cookie;
        var served = Encoding.UTF8.GetString(mutation.Served).Replace(cookie, "***", StringComparison.Ordinal);
        if (body is not null)
        {
            return Encoding.UTF8.GetString(body) == served ? null : "body differs from the served text";
        }

        if (payload is null)
        {
            return "neither payload nor body kept";
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(payload), JsonNode.Parse(served)) ? null : "payload differs from what was served";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "served text unreadable, yet kept only as jsonb: " + ex.Message;
        }
    }
}
