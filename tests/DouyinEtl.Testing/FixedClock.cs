namespace DouyinEtl.Testing;

/// <summary>"Now" frozen where a test puts it; timers and delays stay real, so retries and rate limits still work.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
