using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Hosting;

public enum Fault
{
    None,
    ServerError,
    TooManyRequests,
    PleaseRetry,
    Hang,
    MalformedJson,
    HtmlBody,
    Mutated,
}

/// <summary>Everything the routes share: options (faults may change at run time), world, clock and counters.</summary>
public sealed class SandboxState
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _hostClock;
    private Random _faultRandom;
    private int? _throttleNext;

    /// <param name="hostClock">"Now" when the options do not freeze it; the world is built around its Beijing day unless the options name one.</param>
    public SandboxState(SandboxOptions options, TimeProvider hostClock)
    {
        _hostClock = hostClock;
        Options = options;
        Clock = new SandboxClock(hostClock, options.FixedNow);
        World = new SandboxWorld(options, options.AnchorDay ?? ShanghaiClock.Day(Clock.GetUtcNow()));
        RateLimiter = new SandboxRateLimiter(Clock);
        _faultRandom = new Random(options.Faults.Seed);
        Mutator = new PayloadMutator(options.Faults.Seed);
    }

    public SandboxOptions Options { get; }

    public SandboxClock Clock { get; }

    public SandboxWorld World { get; }

    public CallCounter Calls { get; } = new();

    /// <summary>Mutates answers when <see cref="FaultOptions.MutationRate"/> says so, and keeps what it did.</summary>
    public PayloadMutator Mutator { get; private set; }

    internal SandboxRateLimiter RateLimiter { get; }

    /// <summary>The host's monotonic timestamp (real time even when <see cref="Clock"/> is frozen): when requests came, per key.</summary>
    public long HostTimestamp() => _hostClock.GetTimestamp();

    /// <summary>Seconds from <paramref name="timestamp"/> (a <see cref="HostTimestamp"/>) to <paramref name="later"/>.</summary>
    public double SecondsBetween(long timestamp, long later) => _hostClock.GetElapsedTime(timestamp, later).TotalSeconds;

    /// <summary>The next request with a good key (whichever key, whichever endpoint) is answered 429 with this Retry-After.</summary>
    public void ThrottleNext(int retryAfterSeconds)
    {
        lock (_gate)
        {
            _throttleNext = retryAfterSeconds;
        }
    }

    internal int? TakeThrottleNext()
    {
        lock (_gate)
        {
            var next = _throttleNext;
            _throttleNext = null;
            return next;
        }
    }

    public void SetFaults(FaultOptions faults)
    {
        lock (_gate)
        {
            Options.Faults = faults;
            _faultRandom = new Random(faults.Seed);
            Mutator = new PayloadMutator(faults.Seed);
        }
    }

    public Fault NextFault()
    {
        var faults = Options.Faults;
        if (!faults.Any)
        {
            return Fault.None;
        }

        double roll;
        lock (_gate)
        {
            roll = _faultRandom.NextDouble();
        }

        foreach (var (fault, rate) in new[]
                 {
                     (Fault.ServerError, faults.ServerErrorRate),
                     (Fault.TooManyRequests, faults.TooManyRequestsRate),
                     (Fault.PleaseRetry, faults.PleaseRetryRate),
                     (Fault.Hang, faults.HangRate),
                     (Fault.MalformedJson, faults.MalformedJsonRate),
                     (Fault.HtmlBody, faults.HtmlBodyRate),
                     (Fault.Mutated, faults.MutationRate),
                 })
        {
            if (roll < rate)
            {
                return fault;
            }

            roll -= rate;
        }

        return Fault.None;
    }

    /// <summary>
    /// The shape of one answer. Mixed picks it from the request itself (endpoint and parameters, not the cookie), so the
    /// same question always gets the same shape whatever the order or concurrency of the calls.
    /// </summary>
    public PayloadVariant PickVariant(string endpoint, JsonObject body)
    {
        if (Options.Variant != PayloadVariant.Mixed)
        {
            return Options.Variant;
        }

        var hash = 2166136261u;
        foreach (var c in endpoint + string.Concat(body.Where(p => p.Key != "cookie").Select(p => $"\n{p.Key}={p.Value?.ToJsonString()}")))
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return (hash & 1) == 0 ? PayloadVariant.Documented : PayloadVariant.RealWorld;
    }
}
