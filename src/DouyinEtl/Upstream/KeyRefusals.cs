using System.Collections.Concurrent;
using DouyinEtl.Configuration;

namespace DouyinEtl.Upstream;

/// <summary>The keys one run has seen refused (401/403): taken out of the pool until the run ends.</summary>
internal sealed class KeyRefusals
{
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="key"/> is refused in this run (so it is recorded once).</summary>
    public bool Refuse(UpstreamKey key) => _refused.TryAdd(key.Id, 0);

    public IReadOnlyList<UpstreamKey> Usable(IReadOnlyList<UpstreamKey> pool) => _refused.IsEmpty ? pool : pool.Where(k => !_refused.ContainsKey(k.Id)).ToList();
}
