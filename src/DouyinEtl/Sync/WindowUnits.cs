using DouyinEtl.Configuration;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Sync;

/// <summary>A window of a windowed stream: a stable checkpoint key, and halves to fall back on when the upstream caps a window.</summary>
internal interface ISplittableWindow<TWindow>
    where TWindow : ISplittableWindow<TWindow>
{
    string Key { get; }

    bool CanSplit { get; }

    (TWindow Newer, TWindow Older) Split();
}

/// <summary>
/// Units of work of the windowed streams: one account × one window, each checkpointed under the window's key. Plans
/// which windows are due (following split markers down to the halves), and runs them in parallel, newest windows of
/// every account first with accounts interleaved, so parallel units spread over accounts.
/// </summary>
internal static partial class WindowUnits
{
    /// <summary>The window itself, or its due halves once it has been split, or nothing when <paramref name="isDue"/> says it is up to date.</summary>
    public static IEnumerable<TWindow> Due<TWindow>(TWindow window, IReadOnlyDictionary<string, Checkpoint> checkpoints, Func<TWindow, Checkpoint?, bool> isDue)
        where TWindow : ISplittableWindow<TWindow>
    {
        checkpoints.TryGetValue(window.Key, out var checkpoint);
        if (checkpoint?.Read<SplitMarker>() is { Split: true })
        {
            var (newer, older) = window.Split();
            return Due(newer, checkpoints, isDue).Concat(Due(older, checkpoints, isDue));
        }

        return isDue(window, checkpoint) ? [window] : [];
    }

    /// <summary>
    /// Records that a window is worked as two halves from now on (so it is never asked whole again) and syncs its due
    /// halves, newer first.
    /// </summary>
    public static async Task SplitAsync<TWindow>(
        NpgsqlDataSource dataSource,
        RunContext run,
        string stream,
        Account account,
        TWindow window,
        IReadOnlyDictionary<string, Checkpoint> checkpoints,
        Func<TWindow, Checkpoint?, bool> isDue,
        Func<TWindow, Task> syncHalf,
        DateTimeOffset now,
        CancellationToken cancellationToken)
        where TWindow : ISplittableWindow<TWindow>
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await Checkpoints.SaveAsync(connection, transaction, stream, account.Id, window.Key, new SplitMarker(true), null, now, run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var (newer, older) = window.Split();
        foreach (var half in Due(newer, checkpoints, isDue).Concat(Due(older, checkpoints, isDue)))
        {
            await syncHalf(half);
        }
    }

    /// <summary>The due units of <paramref name="accounts"/> (the refresh policy applied to their checkpoints), without calling upstream.</summary>
    /// <param name="windows">The stream's windows for the period, newest first (the same for every account).</param>
    /// <param name="isDue">Whether a window needs a call, given its checkpoint (null when it has none).</param>
    public static async Task<List<WindowUnit<TWindow>>> PlanAsync<TWindow>(
        IReadOnlyList<Account> accounts,
        NpgsqlDataSource dataSource,
        string stream,
        IReadOnlyList<TWindow> windows,
        Func<TWindow, Checkpoint?, bool> isDue,
        CancellationToken cancellationToken)
        where TWindow : ISplittableWindow<TWindow>
    {
        var units = new List<WindowUnit<TWindow>>();
        var checkpointsOf = await Checkpoints.LoadAsync(dataSource, stream, accounts.Select(a => a.Id), cancellationToken);
        for (var accountIndex = 0; accountIndex < accounts.Count; accountIndex++)
        {
            var account = accounts[accountIndex];
            var checkpoints = checkpointsOf[account.Id];
            var order = 0;
            foreach (var window in windows.SelectMany(w => Due(w, checkpoints, isDue)))
            {
                units.Add(new WindowUnit<TWindow>(order++, accountIndex, account, window, checkpoints));
            }
        }

        return units;
    }

    /// <summary>What <c>status</c> reports for a windowed stream: per account, the windows a run started now would work (<see cref="PlanAsync"/>).</summary>
    public static async Task<IReadOnlyList<DueWork>> DueAsync<TWindow>(
        IReadOnlyList<Account> accounts,
        NpgsqlDataSource dataSource,
        string stream,
        IReadOnlyList<TWindow> windows,
        Func<TWindow, Checkpoint?, bool> isDue,
        string unitName,
        CancellationToken cancellationToken)
        where TWindow : ISplittableWindow<TWindow>
    {
        var units = (await PlanAsync(accounts, dataSource, stream, windows, isDue, cancellationToken)).ToLookup(u => u.Account.Id, StringComparer.Ordinal);
        return [.. accounts.Select(account => DueWork.Of(account.Id, [.. units[account.Id].Select(u => u.Window.Key)], unitName))];
    }

    /// <param name="windows">The stream's windows for the run's period, newest first (the same for every account).</param>
    /// <param name="isDue">Whether a window needs a call, given its checkpoint (null when it has none).</param>
    /// <param name="work">Syncs one window of one account and commits it with its checkpoint.</param>
    public static async Task RunAsync<TWindow>(
        RunContext run,
        NpgsqlDataSource dataSource,
        string stream,
        int concurrency,
        ILogger log,
        IReadOnlyList<TWindow> windows,
        Func<TWindow, Checkpoint?, bool> isDue,
        Func<Account, TWindow, IReadOnlyDictionary<string, Checkpoint>, CancellationToken, Task> work,
        CancellationToken cancellationToken)
        where TWindow : ISplittableWindow<TWindow>
    {
        var units = await PlanAsync(run.Accounts, dataSource, stream, windows, isDue, cancellationToken);
        LogPlanned(log, stream, units.Count, run.Accounts.Count);
        var done = 0;
        await Parallel.ForEachAsync(
            units.OrderBy(u => u.Order).ThenBy(u => u.AccountIndex),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (unit, token) =>
            {
                await run.RunUnitAsync(unit.Account, stream, unit.Window.Key, ct => work(unit.Account, unit.Window, unit.Checkpoints, ct), token);
                var finished = Interlocked.Increment(ref done);
                if (finished % Math.Max(1, units.Count / 10) == 0 || finished == units.Count)
                {
                    LogProgress(log, stream, finished, units.Count);
                }
            });
    }

    /// <summary>The part every windowed stream's checkpoint state shares: <c>{"split": true}</c> once the window is worked in halves.</summary>
    private sealed record SplitMarker(bool Split);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Stream}: {Units} window(s) due for {Accounts} account(s)")]
    private static partial void LogPlanned(ILogger logger, string stream, int units, int accounts);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "{Stream}: {Done}/{Total} window(s) processed")]
    private static partial void LogProgress(ILogger logger, string stream, int done, int total);
}

/// <summary>One account × one due window, with the account's checkpoints as read at planning time.</summary>
internal sealed record WindowUnit<TWindow>(int Order, int AccountIndex, Account Account, TWindow Window, Dictionary<string, Checkpoint> Checkpoints);
