using System.Text.Json.Nodes;
using DouyinEtl.Configuration;

namespace DouyinEtl.Upstream;

/// <summary>
/// One upstream operation for one account. <see cref="Body"/> holds the parameters without the cookie: the client adds
/// the cookie only to the bytes it sends, and lands <see cref="Body"/> as the stored request.
/// </summary>
internal sealed record UpstreamRequest(string Endpoint, Account Account, JsonObject Body, string Stream, string Scope)
{
    /// <summary>The Excel export: an .xlsx body is the success case, a JSON envelope carries an error.</summary>
    public bool ExpectsFile { get; init; }
}
