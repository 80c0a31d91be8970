using DouyinEtl.Configuration;
using DouyinEtl.Runs;

namespace DouyinEtl.Upstream;

/// <summary>
/// What <see cref="TikHubClient"/> needs of the run it calls for: the call budget, the account's cookie gate, the run's
/// key pool and breaker, the answers its unit kept, the counters and the ledger's problems. The run itself (Sync's
/// <c>RunContext</c>) is the one implementation; naming this much keeps the client below the run loop.
/// </summary>
internal interface IUpstreamRun
{
    long RunId { get; }

    RunCounters Counters { get; }

    KeyRefusals KeyRefusals { get; }

    UpstreamBreaker? Breaker { get; }

    /// <summary>The answers the unit in flight has been paid for already (it runs again after a database outage).</summary>
    UnitAnswers? CurrentUnit { get; }

    /// <summary>Takes one call from the run's budget, or throws <see cref="CallBudgetExhaustedException"/>.</summary>
    void TakeCallFromBudget();

    /// <summary>Fires when no more calls may go out for the account (its cookie died) or for the run.</summary>
    CancellationToken CallsStopped(Account account);

    /// <summary>The creator center answered for the account: its cookie works.</summary>
    void CookieWorks(Account account);

    /// <summary>An attempt was landed as <paramref name="callId"/>.</summary>
    void CallLanded(long callId);

    Task RecordProblemAsync(string? accountId, string stream, string? scope, string kind, string message, long? callId, CancellationToken cancellationToken);
}
