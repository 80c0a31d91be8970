using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace DouyinEtl.Upstream;

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

/// <summary>The keys one run has seen refused (401/403): taken out of the pool until the run ends.</summary>
internal sealed class KeyRefusals
{
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="key"/> is refused in this run (so it is recorded once).</summary>
    public bool Refuse(UpstreamKey key) => _refused.TryAdd(key.Id, 0);

    public IReadOnlyList<UpstreamKey> Usable(IReadOnlyList<UpstreamKey> pool) => _refused.IsEmpty ? pool : pool.Where(k => !_refused.ContainsKey(k.Id)).ToList();
}
