using System.Collections.Concurrent;
using System.Text.Json;
using DouyinEtl.Warehouse;

namespace DouyinEtl.Upstream;

/// <summary>
/// A paid answer as the client received it, and its call id once it is landed. A JSON answer that
/// <c>raw.api_call.payload</c> holds as served is dropped from memory once landed (<see cref="ReadBack"/>): a unit of
/// many pages would otherwise hold every page for its whole life.
/// </summary>
internal sealed class KeptAnswer(LandedCall call, int unstorableEscapes, JsonElement data, byte[]? file)
{
    public LandedCall Call { get; private set; } = call;

    public int UnstorableEscapes { get; } = unstorableEscapes;

    public JsonElement Data { get; private set; } = data;

    public byte[]? File { get; } = file;

    /// <summary>Null until <c>raw.api_call</c> holds it (the database may have been away when it came).</summary>
    public long? CallId { get; private set; }

    /// <summary>True when <see cref="Data"/> was dropped and is to be read back from <c>raw.api_call</c>.</summary>
    public bool ReadBack { get; private set; }

    public void Landed(long callId)
    {
        CallId = callId;
        if (File is null && UnstorableEscapes == 0 && RawLanding.KeepsPayload(Call))
        {
            Call = Call with { PayloadJson = null, Body = null };
            Data = default;
            ReadBack = true;
        }
    }
}

/// <summary>
/// The paid answers one unit of work received, for the unit's life: when the unit is run again after a database outage,
/// the client hands them back (landing them first if the outage kept them from it) instead of paying for them again.
/// </summary>
internal sealed class UnitAnswers
{
    private readonly ConcurrentDictionary<string, KeptAnswer> _answers = new(StringComparer.Ordinal);

    /// <summary>The unit's latest landed call, for its problem should it fail.</summary>
    public long? LastCallId { get; set; }

    public KeptAnswer? Find(UpstreamRequest request) => _answers.GetValueOrDefault(Key(request));

    public void Keep(UpstreamRequest request, KeptAnswer answer) => _answers[Key(request)] = answer;

    private static string Key(UpstreamRequest request) => $"{request.Endpoint}\n{request.Account.Id}\n{request.Body.ToJsonString()}";
}
