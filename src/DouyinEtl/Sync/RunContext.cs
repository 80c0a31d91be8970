using System.Collections.Concurrent;
using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Sync;

/// <summary>
/// The state of one run: its accounts, period, budget, counters and which accounts became unusable. Units of work
/// go through <see cref="RunUnitAsync"/>, the one place that decides what a failure means for the rest of the run.
/// </summary>
internal sealed partial class RunContext(
    long runId,
    string job,
    DateTimeOffset startedAt,
    IReadOnlyList<Account> accounts,
    RunPeriod period,
    int callBudget,
    RunLedger ledger,
    ILogger log)
{
    private readonly ConcurrentDictionary<string, AccountState> _unusable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _worked = new(StringComparer.Ordinal);
    private readonly AsyncLocal<UnitAnswers?> _unit = new();
    private long _callsTaken;
    private volatile bool _budgetExhausted;
    private volatile bool _interrupted;

    public long RunId { get; } = runId;

    public string Job { get; } = job;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public IReadOnlyList<Account> Accounts { get; } = accounts;

    public RunPeriod Period { get; } = period;

    public RunCounters Counters { get; } = new();

    public bool BudgetExhausted => _budgetExhausted;

    /// <summary>
    /// Signalled when the process is asked to stop (SIGTERM, daemon shutdown): no new unit starts, units in flight
    /// go on until the hard cancellation token given to the run fires a grace period later.
    /// </summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Units were left undone because the process was stopping; the next run resumes from the checkpoints.</summary>
    public bool Interrupted => _interrupted;

    public IReadOnlyDictionary<string, AccountState> UnusableAccounts => _unusable;

    /// <summary>
    /// How long a unit that meets a database outage (PostgreSQL restarting, a failover, a dropped connection) waits
    /// and tries again, replaying the answers it already paid for, before it counts as failed.
    /// </summary>
    public TimeSpan DatabaseRetryFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The answers of the unit in flight on this async flow (null outside units).</summary>
    public UnitAnswers? CurrentUnit => _unit.Value;

    /// <summary>Accounts with at least one completed unit in this run: their cookie demonstrably works.</summary>
    public IEnumerable<string> AccountsThatWorked => _worked.Keys.Where(id => !_unusable.ContainsKey(id));

    public bool IsUsable(Account account) => !_unusable.ContainsKey(account.Id);

    /// <summary>Called before every upstream attempt.</summary>
    public void TakeCallFromBudget()
    {
        if (callBudget > 0 && Interlocked.Increment(ref _callsTaken) > callBudget)
        {
            _budgetExhausted = true;
            throw new CallBudgetExhaustedException(callBudget);
        }
    }

    /// <summary>
    /// Runs one unit (a page, an item × endpoint, an account × window). Its failure is recorded and stays its own;
    /// an unusable account stops that account's other units; a spent budget stops starting new units.
    /// </summary>
    public async Task RunUnitAsync(Account account, string stream, string scope, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (Stopping.IsCancellationRequested)
        {
            _interrupted = true;
        }

        if (!IsUsable(account) || _budgetExhausted || _interrupted)
        {
            Counters.UnitSkipped();
            return;
        }

        using var logScope = log.BeginScope(new LogScope(new("AccountId", account.Id), new("Stream", stream), new("Scope", scope)));
        var unit = _unit.Value = new UnitAnswers();
        for (var waited = TimeSpan.Zero; ; )
        {
            try
            {
                await work(cancellationToken);
                Counters.UnitDone();
                if (_worked.TryAdd(account.Id, true))
                {
                    await MarkWorkingAsync(account);
                }

                return;
            }
            catch (Exception ex) when (IsDatabaseOutage(ex) && waited < DatabaseRetryFor && !cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(Math.Max(1, waited.TotalSeconds), (DatabaseRetryFor - waited).TotalSeconds));
                LogDatabaseOutage(log, ex, stream, account.Id, scope, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                waited += delay;
            }
            catch (AccountUnavailableException ex)
            {
                Counters.UnitSkipped();
                if (_unusable.TryAdd(account.Id, ex.State))
                {
                    LogAccountUnavailable(log, account.Id, ex.State);
                    await ledger.MarkAccountAsync(RunId, account.Id, ex.State, cancellationToken);
                    await RecordProblemAsync(account.Id, stream, scope, ex.State == AccountState.CookieExpired ? "cookie_expired" : "no_permission",
                        $"{ex.Message}: {ex.InnerMessage}. Refresh the account's cookie; its other units are skipped.", ex.CallId, cancellationToken);
                }

                return;
            }
            catch (CallBudgetExhaustedException)
            {
                Counters.UnitSkipped();
                if (!_budgetReported)
                {
                    _budgetReported = true;
                    LogBudgetSpent(log, callBudget);
                    await RecordProblemAsync(account.Id, stream, scope, "budget_exhausted",
                        $"The run's budget of {callBudget} calls is spent; the next run continues from the checkpoints.", null, cancellationToken);
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _interrupted = true;
                throw;
            }
            catch (UpstreamAccessDeniedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                Counters.UnitFailed();
                LogUnitFailed(log, ex, stream, account.Id, scope);
                // The call whose answer the unit was working on, so the problem leads to the payload that caused it.
                await RecordProblemAsync(account.Id, stream, scope, "unit_failed", ex.Message, (ex as UpstreamFailedException)?.CallId ?? unit.LastCallId, cancellationToken);
                return;
            }
        }
    }

    private volatile bool _budgetReported;

    /// <summary>
    /// The account's first completed unit in this run: its cookie works, so <c>etl.account_status</c> says so now (a
    /// replaced cookie leaves cookie_expired at its first good call, not at the end of a long run). The run's end marks
    /// it again, so a database hiccup here loses nothing.
    /// </summary>
    private async Task MarkWorkingAsync(Account account)
    {
        try
        {
            await ledger.MarkAccountAsync(RunId, account.Id, AccountState.Ok, CancellationToken.None);
        }
        catch (Exception ex) when (IsDatabaseOutage(ex))
        {
            LogMarkDeferred(log, ex, account.Id);
        }
    }

    /// <summary>Called by the client for every attempt it lands: the unit in flight remembers its latest call.</summary>
    public void CallLanded(long callId)
    {
        if (_unit.Value is { } unit)
        {
            unit.LastCallId = callId;
        }
    }

    /// <summary>The database went away (restart, failover, dropped connection), as opposed to refusing what was sent.</summary>
    internal static bool IsDatabaseOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is "57P01" or "57P02" or "57P03" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => exception.InnerException is { } inner && IsDatabaseOutage(inner),
    };

    public async Task RecordProblemAsync(string? accountId, string stream, string? scope, string kind, string message, long? callId, CancellationToken cancellationToken)
    {
        Counters.Problem();
        await ledger.RecordProblemAsync(new Problem(RunId, accountId, stream, scope, kind, message, callId), cancellationToken);
    }

    public async Task RecordPayloadProblemsAsync(string accountId, string stream, string scope, PayloadProblems problems, long callId, CancellationToken cancellationToken)
    {
        foreach (var message in problems.Messages)
        {
            await RecordProblemAsync(accountId, stream, scope, "payload_field", message, callId, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Account {AccountId} is unavailable ({State}); its remaining units are skipped")]
    private static partial void LogAccountUnavailable(ILogger logger, string accountId, AccountState state);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Call budget of {Budget} spent; the run stops starting new units")]
    private static partial void LogBudgetSpent(ILogger logger, int budget);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Database unavailable during {Stream} for {AccountId} at {Scope}; trying the unit again in {Seconds:0} s with the answers it already has")]
    private static partial void LogDatabaseOutage(ILogger logger, Exception exception, string stream, string accountId, string scope, double seconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Account {AccountId} works; its state is written at the end of the run (the database is unavailable now)")]
    private static partial void LogMarkDeferred(ILogger logger, Exception exception, string accountId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Unit failed: {Stream} for {AccountId} at {Scope}")]
    private static partial void LogUnitFailed(ILogger logger, Exception exception, string stream, string accountId, string scope);
}

/// <summary>An optional date range from the command line (Asia/Shanghai days, inclusive); streams use their defaults when unset.</summary>
internal sealed record RunPeriod(DateOnly? From, DateOnly? To)
{
    public static readonly RunPeriod Default = new(null, null);
}
