using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Upstream;

/// <summary>
/// Paces calls for our one TikHub key: at most <c>RequestsPerSecond</c> overall and <c>RequestsPerSecondPerEndpoint</c>
/// per endpoint, shared by every caller in the process. Each attempt (retries included) reserves the earliest instant
/// that is one interval away from every slot already reserved on the key and on its endpoint, so the quota holds
/// however many tasks run. Slots are not handed out in arrival order: a call to an idle endpoint takes a free key slot
/// between the spaced-out calls queued for a busy one, instead of waiting behind them (which left the key idle and
/// held a job spread over several endpoints well below the key's rate). A 429 pauses everybody for its Retry-After.
/// </summary>
internal sealed class UpstreamRateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _keyInterval;
    private readonly long _endpointInterval;
    private readonly List<long> _keySlots = [];
    private readonly Dictionary<string, List<long>> _endpointSlots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _pausedUntil = long.MinValue;

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
        var now = _time.GetTimestamp();
        var slot = Reserve(endpoint, now);
        if (slot > now)
        {
            await Task.Delay(_time.GetElapsedTime(now, slot), _time, cancellationToken);
        }
    }

    /// <summary>Reserves and returns the earliest slot (a <see cref="TimeProvider"/> timestamp) at or after <paramref name="now"/> that keeps both limits.</summary>
    internal long Reserve(string endpoint, long now)
    {
        lock (_gate)
        {
            if (!_endpointSlots.TryGetValue(endpoint, out var endpointSlots))
            {
                endpointSlots = [];
                _endpointSlots[endpoint] = endpointSlots;
            }

            // Slots an interval in the past no longer constrain anything; what stays is bounded by the callers waiting.
            endpointSlots.RemoveAll(s => s <= now - _endpointInterval);
            _keySlots.RemoveAll(s => s <= now - _keyInterval);

            var slot = Math.Max(now, _pausedUntil);
            while (true)
            {
                var free = EarliestFree(endpointSlots, _endpointInterval, EarliestFree(_keySlots, _keyInterval, slot));
                if (free == slot)
                {
                    break;
                }

                slot = free;
            }

            Insert(_keySlots, slot);
            Insert(endpointSlots, slot);
            return slot;
        }
    }

    /// <summary>The server said to slow down: nobody calls this key again before <paramref name="pause"/> has passed.</summary>
    public void Pause(TimeSpan pause)
    {
        lock (_gate)
        {
            _pausedUntil = Math.Max(_pausedUntil, _time.GetTimestamp() + (long)(pause.TotalSeconds * _time.TimestampFrequency));
        }
    }

    /// <summary>The earliest instant at or after <paramref name="from"/> at least <paramref name="interval"/> away from every slot of <paramref name="slots"/> (ascending).</summary>
    private static long EarliestFree(List<long> slots, long interval, long from)
    {
        var candidate = from;
        foreach (var reserved in slots)
        {
            if (candidate + interval <= reserved)
            {
                break;
            }

            if (reserved + interval > candidate)
            {
                candidate = reserved + interval;
            }
        }

        return candidate;
    }

    private static void Insert(List<long> slots, long slot)
    {
        var index = slots.BinarySearch(slot);
        slots.Insert(index < 0 ? ~index : index, slot);
    }
}
