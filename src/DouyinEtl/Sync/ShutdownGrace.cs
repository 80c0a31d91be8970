namespace DouyinEtl.Sync;

/// <summary>
/// The hard-stop token of a run: it fires <c>grace</c> after the soft stop (SIGTERM, daemon shutdown), so units in
/// flight get that long to finish and checkpoint before they are cancelled.
/// </summary>
internal sealed class ShutdownGrace : IDisposable
{
    private readonly CancellationTokenSource _hard = new();
    private readonly CancellationTokenRegistration _registration;

    public ShutdownGrace(TimeSpan grace, CancellationToken stopping)
    {
        _registration = stopping.Register(() => _hard.CancelAfter(grace));
    }

    public CancellationToken Token => _hard.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _hard.Dispose();
    }
}
