using DouyinEtl.Configuration;
using DouyinEtl.Warehouse;
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
/// which windows are due (following split markers down to the halves), newest windows of every account first with
/// accounts interleaved (<see cref="JobPlan.Interleaved"/>), and splits a window the upstream caps.
/// </summary>
internal static class WindowUnits
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
    /// <param name="work">Syncs one window of one account (given the account's checkpoints as planned) and commits it with its checkpoint.</param>
    public static async Task<JobPlan> PlanAsync<TWindow>(
        IReadOnlyList<Account> accounts,
        NpgsqlDataSource dataSource,
        string stream,
        string unitName,
        IReadOnlyList<TWindow> windows,
        Func<TWindow, Checkpoint?, bool> isDue,
        Func<RunContext, Account, TWindow, IReadOnlyDictionary<string, Checkpoint>, CancellationToken, Task> work,
        CancellationToken cancellationToken)
        where TWindow : ISplittableWindow<TWindow>
    {
        var checkpointsOf = await Checkpoints.LoadAsync(dataSource, stream, accounts.Select(a => a.Id), cancellationToken);
        var units = accounts.SelectMany(account =>
        {
            var checkpoints = checkpointsOf[account.Id];
            return windows.SelectMany(w => Due(w, checkpoints, isDue))
                .Select(window => new PlannedUnit(account, window.Key, (run, ct) => work(run, account, window, checkpoints, ct)));
        });
        return JobPlan.Interleaved(stream, unitName, accounts, units);
    }

    /// <summary>The part every windowed stream's checkpoint state shares: <c>{"split": true}</c> once the window is worked in halves.</summary>
    private sealed record SplitMarker(bool Split);
}

