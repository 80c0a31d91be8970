using DouyinEtl.Runs;

namespace DouyinEtl.Upstream;

// Messages here are built only from our own words, status codes and TikHub's error text after scrubbing:
// never from request bodies, so a cookie cannot travel inside an exception.

/// <summary>A call that failed for good: retries exhausted, or an answer that retrying cannot fix (422, 404…).</summary>
internal sealed class UpstreamFailedException(string endpoint, string reason, int? httpStatus, long? callId)
    : Exception($"{endpoint}: {reason}")
{
    public string Endpoint { get; } = endpoint;

    public int? HttpStatus { get; } = httpStatus;

    public long? CallId { get; } = callId;
}

/// <summary>TikHub refused our key (401) or our account (403: quota, balance, scope). Every further call would fail too: the run stops.</summary>
internal sealed class UpstreamAccessDeniedException(string endpoint, int httpStatus, string reason)
    : Exception($"{endpoint}: TikHub answered {httpStatus} ({reason}); check TikHub:ApiKey and the account's balance and quota.")
{
    public int HttpStatus { get; } = httpStatus;
}

/// <summary>The creator's cookie no longer works (inner status 8/2190008/10008) or lacks data-center permission (7).</summary>
internal sealed class AccountUnavailableException(string accountId, AccountState state, int innerCode, string? innerMessage, long callId)
    : Exception($"account '{accountId}': {state.Describe()} (inner status {innerCode})")
{
    public string AccountId { get; } = accountId;

    public AccountState State { get; } = state;

    public string? InnerMessage { get; } = innerMessage;

    public long CallId { get; } = callId;
}

/// <summary>
/// The database refuses what the run must write, and waiting will not change that: privileges (SQLSTATE class 42),
/// disk full or out of memory (53), a read-only database after a failover (25006), a database gone for longer than
/// <c>Sync:DatabaseRetryFor</c>. Every further unit would pay for answers it cannot keep: the run stops.
/// </summary>
internal sealed class DatabaseRefusedException(string message, Exception inner) : Exception(message, inner);

/// <summary>The run spent its call budget (Sync:MaxCallsPerRun). The run ends cleanly; the next one continues from the checkpoints.</summary>
internal sealed class CallBudgetExhaustedException(int budget)
    : Exception($"the run's call budget of {budget} upstream calls is spent");
