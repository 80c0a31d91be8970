namespace DouyinEtl.Sandbox.Hosting;

/// <summary>The real clock, or a frozen "now" that tests can move. Timers and timestamps stay real.</summary>
public sealed class SandboxClock(DateTimeOffset? fixedNow) : TimeProvider
{
    private DateTimeOffset? _fixedNow = fixedNow;

    public override DateTimeOffset GetUtcNow() => _fixedNow ?? base.GetUtcNow();

    public void Set(DateTimeOffset? now) => _fixedNow = now;
}
