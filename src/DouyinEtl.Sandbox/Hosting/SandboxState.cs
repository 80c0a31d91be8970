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
    private Random _faultRandom;
    private long _requestSequence;

    public SandboxState(SandboxOptions options)
    {
        Options = options;
        Clock = new SandboxClock(options.FixedNow);
        World = new SandboxWorld(options);
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

    public PayloadVariant PickVariant()
    {
        if (Options.Variant != PayloadVariant.Mixed)
        {
            return Options.Variant;
        }

        var sequence = Interlocked.Increment(ref _requestSequence);
        return sequence % 2 == 0 ? PayloadVariant.Documented : PayloadVariant.RealWorld;
    }
}
