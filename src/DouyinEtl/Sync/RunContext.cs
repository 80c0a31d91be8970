using System.Collections.Concurrent;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Observability;
using DouyinEtl.Runs;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

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
    ILogger log) : IUpstreamRun, IDisposable
{
    private static readonly ResiliencePropertyKey<OutageUnit?> OutageUnitKey = new(nameof(OutageUnit));

    /// <summary>
    /// While the database is away (a restart, a failover), a unit runs again after <see cref="OutageDelay"/>, with the
    /// answers it was paid for (<see cref="UnitAnswers"/>), until the run's <see cref="DatabaseRetryFor"/> is spent.
    /// Built once for the process; the unit in flight travels in the resilience context.
    /// </summary>
    private static readonly ResiliencePipeline DatabaseOutageRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex
                && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)
                && DatabaseErrors.Refusal(ex) is null
                && DatabaseErrors.IsOutage(ex)
                && args.Context.Properties.GetValue(OutageUnitKey, null) is { } unit
                && OutageDelay(args.AttemptNumber, unit.RetryFor) is not null),
            DelayGenerator = args => ValueTask.FromResult(
                args.Context.Properties.GetValue(OutageUnitKey, null) is { } unit ? OutageDelay(args.AttemptNumber, unit.RetryFor) : null),
            OnRetry = args =>
            {
                if (args.Context.Properties.GetValue(OutageUnitKey, null) is { } unit)
                {
                    LogDatabaseOutage(unit.Log, args.Outcome.Exception!, unit.Stream, unit.AccountId, unit.Scope, args.RetryDelay.TotalSeconds);
                }

                return default;
            },
        })
        .Build();

    private readonly ConcurrentDictionary<string, AccountState> _unusable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _worked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _incomplete = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CookieCheck> _cookies = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopAll = new();
    private readonly AsyncLocal<UnitAnswers?> _unit = new();
    private readonly ConcurrentQueue<DeferredUnit> _deferred = new();
    private long _callsTaken;
    private long _doneElsewhere;
    private volatile bool _budgetExhausted;
    private volatile bool _budgetReported;
    private volatile bool _interrupted;
    private Exception? _stoppedBy;

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

    /// <summary>Accounts whose answers landed with something missing that the run could not make up for (e.g. works without publish time), with what.</summary>
    public IReadOnlyDictionary<string, string> IncompleteAccounts => _incomplete;

    /// <summary>
    /// How long a unit that meets a database outage (PostgreSQL restarting, a failover, a dropped connection) waits
    /// and tries again, replaying the answers it already paid for, before the run stops.
    /// </summary>
    public TimeSpan DatabaseRetryFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stops the run when TikHub stops answering (null: never, e.g. a replay, which makes no call).</summary>
    public UpstreamBreaker? Breaker { get; init; }

    /// <summary>Set when the run shares its job's units with other processes (<c>Sync:ShareUnits</c>, <c>run --share</c>): every unit is claimed first.</summary>
    public UnitClaims? Claims { get; init; }

    /// <summary>Units this run planned that another run finished after it planned (counted as skipped too).</summary>
    public long UnitsDoneElsewhere => Interlocked.Read(ref _doneElsewhere);

    /// <summary>Keys of the pool TikHub refused (401/403) in this run: no attempt of the run uses them again.</summary>
    public KeyRefusals KeyRefusals { get; } = new();

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

    /// <summary>Called by the client for every answer the creator center gave for the account without refusing its cookie.</summary>
    public void CookieWorks(Account account) => Cookie(account).Works();

    /// <summary>
    /// Cancelled once no more upstream calls may be made for the account: its cookie turned out dead, or the run stops
    /// for good. The client ties its requests to it, so a request still out is abandoned before it is answered (and
    /// billed); an answer already received is still written.
    /// </summary>
    public CancellationToken CallsStopped(Account account) => Cookie(account).Stop.Token;

    /// <summary>
    /// Runs one unit (a page, an item × endpoint, an account × window). Its failure is recorded and stays its own;
    /// an unusable account stops that account's other units (those in flight are cancelled); a spent budget stops
    /// starting new units; a database that refuses the run's writes, or a refused TikHub key, stops the whole run.
    /// </summary>
    public async Task RunUnitAsync(Account account, string stream, string scope, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (Stopping.IsCancellationRequested)
        {
            _interrupted = true;
        }

        if (!IsUsable(account) || _budgetExhausted || _interrupted || _stoppedBy is not null)
        {
            Counters.UnitSkipped();
            return;
        }

        if (Claims is not null)
        {
            switch (await ClaimAsync(Claims, account, stream, scope, cancellationToken))
            {
                case ClaimState.Held:
                    _deferred.Enqueue(new DeferredUnit(account, stream, scope, work));
                    return;
                case ClaimState.DoneElsewhere:
                    Counters.UnitSkipped();
                    Interlocked.Increment(ref _doneElsewhere);
                    return;
            }
        }

        var through = false;
        try
        {
            through = await RunClaimedUnitAsync(account, stream, scope, work, cancellationToken);
        }
        finally
        {
            if (Claims is not null)
            {
                await ReleaseAsync(Claims, account, stream, scope, through);
            }
        }
    }

    private async Task ReleaseAsync(UnitClaims claims, Account account, string stream, string scope, bool through)
    {
        try
        {
            await claims.ReleaseAsync(account.Id, stream, scope, through);
        }
        catch (Exception ex) when (DatabaseErrors.IsOutage(ex) || DatabaseErrors.Refusal(ex) is not null)
        {
            throw ClaimsLost(ex);
        }
    }

    private async Task<ClaimState> ClaimAsync(UnitClaims claims, Account account, string stream, string scope, CancellationToken cancellationToken)
    {
        try
        {
            return await claims.TryClaimAsync(account.Id, stream, scope, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsOutage(ex) || DatabaseErrors.Refusal(ex) is not null)
        {
            throw ClaimsLost(ex);
        }
    }

    /// <summary>
    /// A claims connection the database dropped took this run's claims with it: other processes may be running this
    /// run's units in flight already, so the run stops with one line (exit 1) rather than risk paying twice; the next
    /// run resumes from the checkpoints.
    /// </summary>
    private Exception ClaimsLost(Exception cause) =>
        StopRun(new DatabaseRefusedException($"the database connection that claims this run's shared units failed: {cause.Message}", cause));

    /// <returns>True when the unit is through (done, or failed for good): no other process should pay for it again.</returns>
    private async Task<bool> RunClaimedUnitAsync(Account account, string stream, string scope, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var cookie = Cookie(account);
        using var unitStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cookie.Stop.Token);
        using var logScope = log.BeginScope(new LogScope(new("AccountId", account.Id), new("Stream", stream), new("Scope", scope)));
        var probing = false;
        try
        {
            probing = await cookie.EnterAsync(unitStop.Token);
            if (Stopping.IsCancellationRequested || _budgetExhausted)
            {
                // It waited its turn behind the account's first unit; meanwhile the run was told to start nothing new.
                _interrupted |= Stopping.IsCancellationRequested;
                Counters.UnitSkipped();
                return false;
            }

            return await RunAttemptsAsync(account, stream, scope, work, cookie, unitStop.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (_stoppedBy is not null || cookie.IsDead)
        {
            // Dropped unfinished: its account turned out dead, or the run is stopping for good. A request still out is
            // abandoned, and what it had landed stays checkpointed.
            Counters.UnitSkipped();
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _interrupted = true;
            throw;
        }
        catch (Exception ex) when (ex is not DatabaseRefusedException && DatabaseErrors.Refusal(ex) is { } refusal)
        {
            throw StopRun(new DatabaseRefusedException(DatabaseErrors.Describe(refusal), ex));
        }
        finally
        {
            if (probing)
            {
                cookie.ProbeEnded();
            }
        }
    }

    /// <param name="stopped">Cancelled when the unit must give up: its account is dead or the run stops (see <see cref="CallsStopped"/>).</param>
    /// <param name="cancellationToken">The run's hard stop, given to the work: its database writes are not cut short by <paramref name="stopped"/>.</param>
    private async Task<bool> RunAttemptsAsync(Account account, string stream, string scope, Func<CancellationToken, Task> work, CookieCheck cookie, CancellationToken stopped, CancellationToken cancellationToken)
    {
        var unit = _unit.Value = new UnitAnswers();
        var outage = ResilienceContextPool.Shared.Get(stopped);
        outage.Properties.Set(OutageUnitKey, new OutageUnit(stream, account.Id, scope, DatabaseRetryFor, log));
        try
        {
            try
            {
                await DatabaseOutageRetry.ExecuteAsync(static async (_, run) => await run.Work(run.Token), outage, (Work: work, Token: cancellationToken));
                Counters.UnitDone();
                if (_worked.TryAdd(account.Id, true))
                {
                    await MarkWorkingAsync(account);
                }

                return true;
            }
            catch (OperationCanceledException) when (stopped.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (DatabaseErrors.Refusal(ex) is not null)
            {
                throw;
            }
            catch (Exception ex) when (DatabaseErrors.IsOutage(ex))
            {
                // Still away once the retry's time is spent.
                throw StopRun(new DatabaseRefusedException(
                    $"the database has been unavailable for more than Sync:DatabaseRetryFor ({DatabaseRetryFor.TotalSeconds:0} s): {ex.Message}", ex));
            }
            catch (AccountUnavailableException ex)
            {
                Counters.UnitSkipped();
                if (_unusable.TryAdd(account.Id, ex.State))
                {
                    // First the account's other units, in flight or waiting: each would pay to hear the same.
                    await cookie.DieAsync();
                    LogAccountUnavailable(log, account.Id, ex.State.Describe(), ex.State.Advice());
                    await ledger.MarkAccountAsync(RunId, account.Id, ex.State, cancellationToken);
                    await RecordProblemAsync(account.Id, stream, scope, ex.State == AccountState.CookieExpired ? "cookie_expired" : "no_permission",
                        $"{ex.Message}: {ex.InnerMessage}. What to do: {ex.State.Advice()}. The account's other units are skipped.", ex.CallId, cancellationToken);
                }

                return false;
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

                return false;
            }
            catch (Exception ex) when (ex is UpstreamAccessDeniedException or UpstreamUnreachableException)
            {
                throw StopRun(ex);
            }
            catch (Exception) when (_stoppedBy is not null || cookie.IsDead)
            {
                // Cut off by the stop: a request aborted mid-socket can surface as an I/O error rather than a
                // cancellation. Dropped unfinished like a cancelled unit, not a failure with a stack trace.
                Counters.UnitSkipped();
                return false;
            }
            catch (Exception ex)
            {
                Counters.UnitFailed();
                _failed.TryAdd(account.Id, true);
                if (ex is UpstreamFailedException)
                {
                    // Our own account of what the upstream did: the line says it all, a stack trace would only hide it.
                    LogUnitGaveUp(log, stream, account.Id, scope, ex.Message);
                }
                else
                {
                    LogUnitFailed(log, ex, stream, account.Id, scope);
                }

                // The call whose answer the unit was working on, so the problem leads to the payload that caused it.
                await RecordProblemAsync(account.Id, stream, scope, "unit_failed", ex.Message, (ex as UpstreamFailedException)?.CallId ?? unit.LastCallId, cancellationToken);
                return true;
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(outage);
        }
    }

    /// <summary>
    /// The wait before the unit's retry number <paramref name="retry"/> (from 0) while the database is away: 1 s, then
    /// as long as it has waited so far (1, 1, 2, 4 … s), the last one ending at <paramref name="retryFor"/>; null once
    /// that is spent.
    /// </summary>
    internal static TimeSpan? OutageDelay(int retry, TimeSpan retryFor)
    {
        var waited = TimeSpan.Zero;
        for (var i = 0; waited < retryFor; i++)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(Math.Max(1, waited.TotalSeconds), (retryFor - waited).TotalSeconds));
            if (i == retry)
            {
                return delay;
            }

            waited += delay;
        }

        return null;
    }

    /// <summary>
    /// After the job's loop, in sharing mode: the units another process was working when this run came to them. Each is
    /// tried again every <paramref name="pollEvery"/> until its holder lets go: finished by it, it is skipped; left
    /// unfinished (the holder died, or stopped), this run runs it. Ends early, leaving them to their holders and the
    /// next run, when the process is asked to stop.
    /// </summary>
    public async Task RunDeferredAsync(int concurrency, TimeSpan pollEvery, CancellationToken cancellationToken)
    {
        var logged = 0;
        while (!_deferred.IsEmpty)
        {
            var waiting = new List<DeferredUnit>();
            while (_deferred.TryDequeue(out var unit))
            {
                waiting.Add(unit);
            }

            if (waiting.Count != logged)
            {
                logged = waiting.Count;
                LogWaitingForHolders(log, waiting.Count);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Stopping, _stopAll.Token);
            try
            {
                await Task.Delay(pollEvery, stop.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Stopping: what the holders do not finish stays due for the next run.
                _interrupted |= Stopping.IsCancellationRequested;
                foreach (var _ in waiting)
                {
                    Counters.UnitSkipped();
                }

                return;
            }

            await Parallel.ForEachAsync(
                waiting,
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (unit, token) => await RunUnitAsync(unit.Account, unit.Stream, unit.Scope, unit.Work, token));
        }
    }

    /// <summary>A unit another process held when this run came to it, with the work to run if its holder leaves it unfinished.</summary>
    private sealed record DeferredUnit(Account Account, string Stream, string Scope, Func<CancellationToken, Task> Work);

    /// <summary>Ends the run for good: the first cause is kept, every unit in flight is cancelled and none starts again.</summary>
    private Exception StopRun(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _stoppedBy, cause, null) is null)
        {
            _stopAll.Cancel();
        }

        return cause;
    }

    /// <summary>What the run came to for one account, for <c>etl.run_account</c>: an expired cookie elsewhere does not make this account's run a partial one.</summary>
    public RunOutcome OutcomeFor(string accountId)
    {
        var runWide = _budgetExhausted || _interrupted;
        if (!_unusable.ContainsKey(accountId) && !_failed.ContainsKey(accountId) && !_incomplete.ContainsKey(accountId) && !runWide)
        {
            return RunOutcome.Succeeded;
        }

        var nothingLoaded = !_worked.ContainsKey(accountId) && (_unusable.ContainsKey(accountId) || _failed.ContainsKey(accountId));
        return nothingLoaded && !runWide ? RunOutcome.Failed : RunOutcome.PartlyFailed;
    }

    public void Dispose()
    {
        foreach (var cookie in _cookies.Values)
        {
            cookie.Dispose();
        }

        _stopAll.Dispose();
    }

    private CookieCheck Cookie(Account account) => _cookies.GetOrAdd(account.Id, _ => new CookieCheck(_stopAll.Token));

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
        catch (Exception ex) when (DatabaseErrors.IsOutage(ex))
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

    public async Task RecordProblemAsync(string? accountId, string stream, string? scope, string kind, string message, long? callId, CancellationToken cancellationToken)
    {
        Counters.Problem();
        await ledger.RecordProblemAsync(new Problem(RunId, accountId, stream, scope, kind, message, callId), cancellationToken);
    }

    /// <summary>
    /// A problem that leaves the account's data incomplete in a way the next run will not repair by itself (works the
    /// upstream listed without a publish time): recorded, and the run ends partly failed (exit 2) so someone looks.
    /// </summary>
    public async Task RecordIncompleteAsync(string accountId, string stream, string scope, string kind, string message, long? callId, CancellationToken cancellationToken)
    {
        _incomplete.TryAdd(accountId, $"{kind}: {message}");
        await RecordProblemAsync(accountId, stream, scope, kind, message, callId, cancellationToken);
    }

    public async Task RecordPayloadProblemsAsync(string accountId, string stream, string scope, PayloadProblems problems, long callId, CancellationToken cancellationToken)
    {
        foreach (var message in problems.Messages)
        {
            await RecordProblemAsync(accountId, stream, scope, "payload_field", message, callId, cancellationToken);
        }
    }

    /// <summary>
    /// Per account and run: until an answer has shown that the account's cookie works, one unit at a time goes ahead and
    /// the others wait; once it works, all go; once it is dead, the requests of those in flight are abandoned and the
    /// waiting ones never start. So a dead cookie costs one billed answer, however many units were due and however many
    /// run at once.
    /// </summary>
    private sealed class CookieCheck(CancellationToken runStopped) : IDisposable
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _probing;
        private volatile bool _works;
        private volatile bool _dead;

        /// <summary>Cancelled when the cookie is dead or the run stops: no more calls for the account.</summary>
        public CancellationTokenSource Stop { get; } = CancellationTokenSource.CreateLinkedTokenSource(runStopped);

        public bool IsDead => _dead;

        public Task DieAsync()
        {
            _dead = true;
            return Stop.CancelAsync();
        }

        public void Dispose() => Stop.Dispose();

        /// <summary>Waits for the unit's turn; true when it goes ahead as the probe, and must then call <see cref="ProbeEnded"/>.</summary>
        public async Task<bool> EnterAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Task changed;
                lock (_lock)
                {
                    if (_works)
                    {
                        return false;
                    }

                    if (!_probing)
                    {
                        _probing = true;
                        return true;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }

        public void Works()
        {
            if (!_works)
            {
                lock (_lock)
                {
                    _works = true;
                    Signal();
                }
            }
        }

        /// <summary>The probe's unit is over, however it ended: without an answer either way, the next waiting unit probes.</summary>
        public void ProbeEnded()
        {
            lock (_lock)
            {
                _probing = false;
                Signal();
            }
        }

        private void Signal()
        {
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Account {AccountId}: {State}; its remaining units are skipped. What to do: {Advice}")]
    private static partial void LogAccountUnavailable(ILogger logger, string accountId, string state, string advice);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Call budget of {Budget} spent; the run stops starting new units")]
    private static partial void LogBudgetSpent(ILogger logger, int budget);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Database unavailable during {Stream} for {AccountId} at {Scope}; trying the unit again in {Seconds:0} s with the answers it already has")]
    private static partial void LogDatabaseOutage(ILogger logger, Exception exception, string stream, string accountId, string scope, double seconds);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "Account {AccountId} works; its state is written at the end of the run (the database is unavailable now)")]
    private static partial void LogMarkDeferred(ILogger logger, Exception exception, string accountId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "{Units} unit(s) are being worked by another process; waiting for them to finish or be let go")]
    private static partial void LogWaitingForHolders(ILogger logger, int units);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Unit failed: {Stream} for {AccountId} at {Scope}: {Reason}")]
    private static partial void LogUnitGaveUp(ILogger logger, string stream, string accountId, string scope, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Unit failed: {Stream} for {AccountId} at {Scope}")]
    private static partial void LogUnitFailed(ILogger logger, Exception exception, string stream, string accountId, string scope);

    /// <summary>The unit the database-outage retry is running: for its log line and its time limit.</summary>
    private sealed record OutageUnit(string Stream, string AccountId, string Scope, TimeSpan RetryFor, ILogger Log);
}
