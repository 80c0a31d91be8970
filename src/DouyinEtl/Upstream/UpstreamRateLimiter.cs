using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Upstream;

/// <summary>
/// Paces calls for our one TikHub key: at most <c>RequestsPerSecond</c> overall and <c>RequestsPerSecondPerEndpoint</c>
/// per endpoint, shared by every caller in the process. Each attempt (retries included) reserves the next free slot
/// of both schedules, so the quota holds however many tasks run. A 429 pauses everybody for its Retry-After.
/// </summary>
internal sealed class UpstreamRateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _keyInterval;
    private readonly long _endpointInterval;
    private readonly Dictionary<string, long> _nextEndpointSlot = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextKeySlot;

    public UpstreamRateLimiter(IOptions<TikHubOptions> options)
        : this(options.Value.RequestsPerSecond, options.Value.RequestsPerSecondPerEndpoint, TimeProvider.System)
    {
    }

    public UpstreamRateLimiter(double perKey, double perEndpoint, TimeProvider time)
    {
        _time = time;
        _keyInterval = (long)(time.TimestampFrequency / perKey);
        _endpointInterval = (long)(time.TimestampFrequency / perEndpoint);
    }

    public async ValueTask WaitAsync(string endpoint, CancellationToken cancellationToken)
    {
        long now;
        long slot;
        lock (_gate)
        {
            now = _time.GetTimestamp();
            _nextEndpointSlot.TryGetValue(endpoint, out var endpointSlot);
            slot = Math.Max(now, Math.Max(_nextKeySlot, endpointSlot));
            _nextKeySlot = slot + _keyInterval;
            _nextEndpointSlot[endpoint] = slot + _endpointInterval;
        }

        if (slot > now)
        {
            await Task.Delay(_time.GetElapsedTime(now, slot), _time, cancellationToken);
        }
    }

    /// <summary>The server said to slow down: nobody calls this key again before <paramref name="pause"/> has passed.</summary>
    public void Pause(TimeSpan pause)
    {
        lock (_gate)
        {
            var until = _time.GetTimestamp() + (long)(pause.TotalSeconds * _time.TimestampFrequency);
            _nextKeySlot = Math.Max(_nextKeySlot, until);
        }
    }
}
