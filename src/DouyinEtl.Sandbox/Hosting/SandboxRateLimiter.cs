namespace DouyinEtl.Sandbox.Hosting;

/// <summary>Token buckets per API key and per key × endpoint, each holding one second's worth of requests.</summary>
internal sealed class SandboxRateLimiter(TimeProvider clock)
{
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Takes a token from both buckets, or returns how long to wait before asking again.</summary>
    public TimeSpan? TryAcquire(string apiKey, string endpoint, double perKey, double perEndpoint)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var keyBucket = perKey > 0 ? Get("key:" + apiKey, perKey, now) : null;
            var endpointBucket = perEndpoint > 0 ? Get("ep:" + apiKey + ":" + endpoint, perEndpoint, now) : null;
            var wait = TimeSpan.Zero;
            if (keyBucket is not null && keyBucket.Tokens < 1)
            {
                wait = TimeSpan.FromSeconds((1 - keyBucket.Tokens) / keyBucket.Rate);
            }

            if (endpointBucket is not null && endpointBucket.Tokens < 1)
            {
                var endpointWait = TimeSpan.FromSeconds((1 - endpointBucket.Tokens) / endpointBucket.Rate);
                wait = endpointWait > wait ? endpointWait : wait;
            }

            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            keyBucket?.Take();
            endpointBucket?.Take();
            return null;
        }
    }

    private Bucket Get(string name, double rate, long now)
    {
        if (!_buckets.TryGetValue(name, out var bucket))
        {
            bucket = new Bucket(rate, now, clock);
            _buckets[name] = bucket;
        }

        bucket.Refill(rate, now);
        return bucket;
    }

    private sealed class Bucket(double rate, long now, TimeProvider clock)
    {
        private long _updated = now;

        public double Rate { get; private set; } = rate;

        public double Tokens { get; private set; } = Math.Max(1, rate);

        public void Refill(double newRate, long timestamp)
        {
            Rate = newRate;
            var elapsed = clock.GetElapsedTime(_updated, timestamp).TotalSeconds;
            Tokens = Math.Min(Math.Max(1, Rate), Tokens + (elapsed * Rate));
            _updated = timestamp;
        }

        public void Take() => Tokens -= 1;
    }
}
