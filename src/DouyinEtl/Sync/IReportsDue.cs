using DouyinEtl.Configuration;

namespace DouyinEtl.Sync;

/// <summary>
/// Optional for an <see cref="ISyncJob"/>: what a run started now would do, per account, computed from the same
/// planning code the run uses and without calling upstream. <c>douyin-etl status</c> shows it; jobs that do not
/// implement it show as "not reported".
/// </summary>
internal interface IReportsDue
{
    Task<IReadOnlyList<DueWork>> DueAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken);
}

/// <summary><paramref name="Units"/> units (<paramref name="UnitName"/>, e.g. "windows") due for one account; <paramref name="Detail"/> names a few.</summary>
internal sealed record DueWork(string AccountId, int Units, string UnitName, string? Detail)
{
    /// <summary>Units named by their keys (windows, days…): how many, and the first few as the detail.</summary>
    public static DueWork Of(string accountId, IReadOnlyCollection<string> keys, string unitName) =>
        new(accountId, keys.Count, unitName, keys.Count == 0 ? null : string.Join(", ", keys.Take(3)) + (keys.Count > 3 ? ", …" : ""));
}
