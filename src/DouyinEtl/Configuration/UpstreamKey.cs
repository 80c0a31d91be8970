using System.Security.Cryptography;
using System.Text;

namespace DouyinEtl.Configuration;

/// <summary>
/// One TikHub key of the pool and its limits. <see cref="Id"/> is what every table, log line and metric names it by:
/// its configured name, else <c>key-</c> and the first 8 hex digits of the key's SHA-256 — never the key itself.
/// </summary>
internal sealed record UpstreamKey(string Id, string Secret, double RequestsPerSecond, double RequestsPerSecondPerEndpoint)
{
    public static string Fingerprint(string secret) => "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];

    // A record prints every member; this one must never print its secret.
    public override string ToString() => Id;
}
