namespace DouyinEtl.Sandbox.Hosting;

/// <summary>
/// The sandbox host's clock (the real one, or the one a test's startup hook pinned), or a frozen "now" that tests can
/// move. Timers and timestamps stay real.
/// </summary>
public sealed class SandboxClock(TimeProvider hostClock, DateTimeOffset? fixedNow) : TimeProvider
{
    private DateTimeOffset? _fixedNow = fixedNow;

    public override DateTimeOffset GetUtcNow() => _fixedNow ?? hostClock.GetUtcNow();

    public void Set(DateTimeOffset? now) => _fixedNow = now;
}
