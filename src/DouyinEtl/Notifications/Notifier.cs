using System.Globalization;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Notifications;

/// <summary>What a finished run tells the notifier. <paramref name="IsJob"/>: a scheduled job (not a cookie check), whose runs and budget are watched.</summary>
internal sealed record FinishedRun(long RunId, string Job, RunOutcome Outcome, long UnitsFailed, bool BudgetExhausted, long Calls, string? Error, bool IsJob);

/// <summary>
/// After every run, in whichever process ran it (daemon replica or CronJob): compares the warehouse's current states —
/// each enabled account's cookie (<c>etl.account_status</c>), each stream's freshness per account (<c>etl.checkpoint</c>,
/// the 25 h rule of <c>douyin.pipeline_stream_status</c>), the job's runs and its call budget — with the last state told
/// (<c>etl.notification_state</c>), records each change once as an <c>etl.notification</c> with a delivery per sink,
/// then sends what is pending. Under a transaction-scoped advisory lock, so two processes finishing at once never
/// record the same change twice. Nothing here can fail a run: problems are logged.
/// </summary>
internal sealed partial class Notifier(
    NpgsqlDataSource dataSource,
    IOptions<NotificationOptions> options,
    NotificationSender sender,
    SecretScrubber scrubber,
    TimeProvider clock,
    ILogger<Notifier> log)
{
    /// <summary>Advisory lock class of the comparison ("DYNT"); the run leases use another class.</summary>
    private const int LockClass = 0x44594E54;

    private const string Lock = "SELECT pg_advisory_xact_lock(@Class, 0)";

    private const string SelectTold = "SELECT subject, state FROM etl.notification_state";

    private const string SelectAccountStates = "SELECT account_id, state, state_since FROM etl.account_status WHERE account_id = ANY(@Ids)";

    private const string SelectStreams = """
        SELECT stream, account_id, max(completed_at) AS last_completed_at, max(updated_at) AS last_progress_at
        FROM etl.checkpoint
        WHERE account_id = ANY(@Ids)
        GROUP BY stream, account_id
        """;

    private const string UpsertTold = """
        INSERT INTO etl.notification_state (subject, state, since, updated_at) VALUES (@Subject, @State, @Since, @Now)
        ON CONFLICT (subject) DO UPDATE SET state = excluded.state, since = excluded.since, updated_at = excluded.updated_at
        """;

    private const string InsertNotification = """
        INSERT INTO etl.notification (created_at, kind, severity, subject, account_id, job, run_id, title, message)
        VALUES (@Now, @Kind, @Severity, @Subject, @AccountId, @Job, @RunId, @Title, @Message)
        RETURNING notification_id
        """;

    private const string InsertDeliveries = "INSERT INTO etl.notification_delivery (notification_id, sink) SELECT @Id, unnest(@Sinks::text[])";

    private readonly NotificationOptions _options = options.Value;

    /// <summary>Records what changed and sends what is pending; never throws (a notification problem must not fail a run).</summary>
    public async Task AfterRunAsync(FinishedRun run, IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            var recorded = await RecordChangesAsync(run, accounts, cancellationToken);
            if (recorded.Count > 0)
            {
                LogRecorded(log, recorded.Count, string.Join(", ", recorded));
            }

            await sender.DeliverAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogNotifyFailed(log, ex, run.Job, run.RunId);
        }
    }

    /// <summary>Compares and records; returns the kinds of the notifications recorded.</summary>
    internal async Task<List<string>> RecordChangesAsync(FinishedRun run, IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var byId = accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var ids = new { Ids = byId.Keys.ToArray() };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Lock, new { Class = LockClass }, transaction, cancellationToken: cancellationToken));
        var told = (await connection.QueryAsync<(string Subject, string State)>(new CommandDefinition(SelectTold, transaction: transaction, cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Subject, s => s.State, StringComparer.Ordinal);

        var seen = new List<Observation>();
        foreach (var (accountId, state, since) in await connection.QueryAsync<(string, string, DateTime)>(new CommandDefinition(SelectAccountStates, ids, transaction, cancellationToken: cancellationToken)))
        {
            seen.Add(new Observation($"account:{accountId}", state, "ok", Utc(since), byId[accountId], null));
        }

        foreach (var (stream, accountId, completed, progress) in await connection.QueryAsync<(string, string, DateTime?, DateTime)>(new CommandDefinition(SelectStreams, ids, transaction, cancellationToken: cancellationToken)))
        {
            // A stream that never completed is judged by its progress, so a first sync in progress is not stale.
            var last = Utc(completed ?? progress);
            var state = now - last > _options.StaleAfter ? "stale" : "fresh";
            seen.Add(new Observation($"stream:{stream}:{accountId}", state, "fresh", state == "stale" ? last : now, byId[accountId], stream) { LastCompleted = completed is null ? null : Utc(completed.Value) });
        }

        if (run.IsJob)
        {
            // A run that failed or partly failed only because of cookies (every account's expired: "failed" without a
            // failed unit or an error), a spent budget or a stop is told about under those subjects, not twice.
            var runState = run.Outcome switch
            {
                RunOutcome.Failed when run.UnitsFailed > 0 || run.Error is not null => "failed",
                RunOutcome.PartlyFailed when run.UnitsFailed > 0 => "partly_failed",
                _ => "ok",
            };
            seen.Add(new Observation($"job:{run.Job}", runState, "ok", now, null, run.Job));
            seen.Add(new Observation($"budget:{run.Job}", run.BudgetExhausted ? "spent" : "ok", "ok", now, null, run.Job));
        }

        var recorded = new List<string>();
        foreach (var change in seen.Where(o => o.State != told.GetValueOrDefault(o.Subject, o.Normal)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                UpsertTold, new { change.Subject, change.State, Since = change.Since.UtcDateTime, Now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            if (Describe(change, run) is not { } notice)
            {
                continue;
            }

            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                InsertNotification,
                new
                {
                    Now = now.UtcDateTime,
                    notice.Kind,
                    Severity = NotificationKinds.Severity(notice.Kind),
                    change.Subject,
                    AccountId = change.Account?.Id,
                    change.Job,
                    run.RunId,
                    Title = scrubber.Scrub(notice.Title),
                    Message = scrubber.Scrub(notice.Message),
                },
                transaction,
                cancellationToken: cancellationToken));
            var sinks = sender.Sinks.Where(s => s.Wants(notice.Kind)).Select(s => s.Name).ToArray();
            await connection.ExecuteAsync(new CommandDefinition(InsertDeliveries, new { Id = id, Sinks = sinks }, transaction, cancellationToken: cancellationToken));
            recorded.Add(notice.Kind);
        }

        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <summary>The notification for a change, in words a person can act on; null for a change nobody needs to hear about.</summary>
    private (string Kind, string Title, string Message)? Describe(Observation change, FinishedRun run)
    {
        var account = change.Account;
        var who = account is null ? "" : account.Name == account.Id ? account.Id : $"{account.Id} ({account.Name})";
        var fix = account?.Source == AccountSource.Warehouse
            ? $"run `douyin-etl accounts set-cookie {account.Id} --cookie-stdin` with the fresh cookie"
            : "put the fresh cookie in the account's Accounts:N:Cookie (or its CookieFile) and restart — or move the account into the warehouse with `douyin-etl accounts add`";
        return change.Subject.Split(':')[0] switch
        {
            "account" => change.State switch
            {
                "cookie_expired" => (NotificationKinds.CookieExpired, $"Cookie expired: account {who}",
                    $"The creator-center cookie of {who} stopped working (登录失效) at {Beijing(change.Since)} Beijing time; nothing of this account loads until it is replaced. " +
                    $"Ask the account's owner to log in to creator.douyin.com again, then {fix}. The next run uses it, no restart needed for managed accounts."),
                "no_permission" => (NotificationKinds.NoPermission, $"No data permission: account {who}",
                    $"TikHub answers inner status 7 (无数据中心权限) for {who} since {Beijing(change.Since)} Beijing time: the account cannot see its creator-center data. " +
                    "Its owner must open the data center (数据中心) for it; if the cookie belongs to another account, replace it."),
                _ => (NotificationKinds.AccountOk, $"Account {who} works again",
                    $"The cookie of {who} worked again in run #{run.RunId} ({run.Job}) (Cookie已恢复); its streams catch up from their checkpoints."),
            },
            "job" => change.State switch
            {
                "failed" => (NotificationKinds.RunFailed, $"Run failed: {run.Job} (run #{run.RunId})",
                    $"{run.Job} failed as a whole: {run.Error ?? "every unit failed"}. The next run resumes from the checkpoints; see `douyin-etl status` and douyin.pipeline_problem."),
                "partly_failed" => (NotificationKinds.RunPartlyFailed, $"Run partly failed: {run.Job} (run #{run.RunId})",
                    $"{run.UnitsFailed} unit(s) of {run.Job} failed; the next run tries them again. Why: SELECT * FROM douyin.pipeline_problem WHERE run_id = {run.RunId}."),
                _ => (NotificationKinds.RunOk, $"{run.Job} runs succeed again (run #{run.RunId})",
                    $"Run #{run.RunId} of {run.Job} completed without failed units."),
            },
            "budget" => change.State == "spent"
                ? (NotificationKinds.BudgetSpent, $"Call budget spent: {run.Job} (run #{run.RunId})",
                    $"Run #{run.RunId} of {run.Job} stopped starting units after {run.Calls} calls (Sync:MaxCallsPerRun); what is left is due at the next run. If this keeps happening, raise the budget or run more often.")
                : null,
            _ => change.State == "stale"
                ? (NotificationKinds.StreamStale, $"Stale: {change.Job} for account {who}",
                    $"No unit of {change.Job} completed for {who} " +
                    (change.LastCompleted is { } last ? $"since {Beijing(last)} Beijing time" : "yet") +
                    string.Create(CultureInfo.InvariantCulture, $" (over {_options.StaleAfter.TotalHours:0.#} h, the rule of douyin.pipeline_stream_status). Is the job scheduled, the cookie ok, a unit failing? `douyin-etl status` says."))
                : (NotificationKinds.StreamFresh, $"Fresh again: {change.Job} for account {who}",
                    $"A unit of {change.Job} completed for {who} in run #{run.RunId}."),
        };
    }

    private static string Beijing(DateTimeOffset time) => time.ToOffset(ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>A subject's state as seen now; <paramref name="Normal"/> is the state a subject without a row is in.</summary>
    private sealed record Observation(string Subject, string State, string Normal, DateTimeOffset Since, Account? Account, string? Job)
    {
        public DateTimeOffset? LastCompleted { get; init; }
    }

    [LoggerMessage(EventId = 8003, Level = LogLevel.Debug, Message = "Recorded {Count} notification(s): {Kinds}")]
    private static partial void LogRecorded(ILogger logger, int count, string kinds);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Notifications after run {RunId} of {Job} could not be recorded or sent; the run's outcome is unaffected")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string job, long runId);
}
