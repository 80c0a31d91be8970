using System.Text.Json;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;

namespace DouyinEtl.Replay;

/// <summary>
/// A stream whose landed payloads can be normalized again without paying for them (<c>douyin-etl replay</c>): after a
/// parser fix, or to rebuild a table. Each stream that implements it names the upstream endpoints whose calls it owns
/// and re-normalizes one landed call at a time with the SAME parser, row mapping and upsert SQL as its live path
/// (no checkpoint is touched: replay changes rows, never what is due). Register it next to the stream's job:
/// <c>builder.Services.AddTransient&lt;IReplayableStream, YourStreamReplay&gt;();</c> — see
/// <c>Streams/ItemList/ItemListReplay.cs</c> for the reference implementation.
/// </summary>
internal interface IReplayableStream
{
    /// <summary>The stream (job) name, as in <c>douyin-etl run &lt;name&gt;</c>.</summary>
    string Stream { get; }

    /// <summary>Endpoints (<c>UpstreamEndpoints</c>) whose landed calls this stream re-normalizes; each endpoint belongs to one stream.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>Normalizes one landed call into the stream's tables in one transaction; returns the rows written.</summary>
    Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken);
}

/// <summary>
/// One successful (HTTP 200) landed call from <c>raw.api_call</c>: the envelope's <c>data</c> (JSON answers) or the
/// body's bytes (the Excel export), with what the live path knew when it received it.
/// </summary>
internal sealed record LandedPayload(
    long CallId,
    long RunId,
    string AccountId,
    string Endpoint,
    string Stream,
    string Scope,
    JsonElement Request,
    DateTimeOffset RequestedAt,
    int? InnerStatus,
    JsonElement Data,
    byte[]? Body)
{
    /// <summary>
    /// The answer as <see cref="TikHubClient"/> handed it to the live path, so a stream replays it through the same code;
    /// null for the account-level inner statuses (expired cookie, no permission), which the client turned into an
    /// exception: nothing was written from them live.
    /// </summary>
    public UpstreamResponse? ToResponse()
    {
        if (Data.ValueKind == JsonValueKind.Undefined && Body is not null)
        {
            return new UpstreamResponse(CallId, RequestedAt, Upstream.InnerStatus.Ok, 0, null, default, Body);
        }

        var (code, message) = TikHubAnswer.ReadInnerCode(Data);
        var (status, account) = InnerStatuses.Read(code);
        return account is null ? new UpstreamResponse(CallId, RequestedAt, status, code, message, Data, null) : null;
    }

    /// <summary>A field of the request as it was sent (without the cookie), or Undefined.</summary>
    public JsonElement RequestField(string name) =>
        Request.ValueKind == JsonValueKind.Object && Request.TryGetProperty(name, out var value) ? value : default;
}
