using DouyinEtl.Configuration;

namespace DouyinEtl.Sync;

/// <summary>One unit of a plan: its account, its scope (checkpoint key, claim key, the scope of its problems) and its work.</summary>
internal sealed record PlannedUnit(Account Account, string Scope, Func<RunContext, CancellationToken, Task> Work);

/// <summary>
/// What a run of a job started now does, computed without calling upstream: <see cref="JobRunner"/> runs its units and
/// <c>douyin-etl status</c> shows its <see cref="Due"/>.
/// </summary>
/// <param name="Stream">The stream the units belong to (their checkpoints, claims and problems).</param>
/// <param name="UnitName">What a unit is, for people ("windows", "work × endpoint calls").</param>
/// <param name="Units">In the order they should start; may be lazy, and is then enumerated once, by the run.</param>
/// <param name="Count">How many <paramref name="Units"/> there are.</param>
/// <param name="Due">Per account, what <paramref name="Units"/> hold for it.</param>
internal sealed record JobPlan(string Stream, string UnitName, IEnumerable<PlannedUnit> Units, int Count, IReadOnlyList<DueWork> Due)
{
    /// <summary>Runs once the units are through (before the units other sharing processes held are waited for).</summary>
    public Func<RunContext, CancellationToken, Task>? AfterRunAsync { get; init; }

    /// <summary>
    /// A plan of units named by their scopes, each account's units in the order given (newest first), the accounts
    /// interleaved: the first unit of every account, then the second…, so parallel units spread over accounts.
    /// </summary>
    public static JobPlan Interleaved(string stream, string unitName, IReadOnlyList<Account> accounts, IEnumerable<PlannedUnit> units)
    {
        var byAccount = units.ToLookup(u => u.Account.Id, StringComparer.Ordinal);
        List<PlannedUnit> ordered = [.. accounts.SelectMany(a => byAccount[a.Id].Select((unit, index) => (unit, index))).OrderBy(u => u.index).Select(u => u.unit)];
        return new JobPlan(stream, unitName, ordered, ordered.Count, [.. accounts.Select(a => DueWork.Of(a.Id, [.. byAccount[a.Id].Select(u => u.Scope)], unitName))]);
    }
}

/// <summary><paramref name="Units"/> units (<paramref name="UnitName"/>, e.g. "windows") due for one account; <paramref name="Detail"/> names a few.</summary>
internal sealed record DueWork(string AccountId, int Units, string UnitName, string? Detail)
{
    /// <summary>Units named by their keys (windows, days…): how many, and the first few as the detail.</summary>
    public static DueWork Of(string accountId, IReadOnlyCollection<string> keys, string unitName) =>
        new(accountId, keys.Count, unitName, keys.Count == 0 ? null : string.Join(", ", keys.Take(3)) + (keys.Count > 3 ? ", …" : ""));
}
