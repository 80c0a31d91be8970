using System.Collections.Concurrent;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;

namespace DouyinEtl.Streams.AuthorDiagnosis;

/// <summary>
/// <c>douyin-etl accounts check</c> as a run of its own (job <c>accounts-check</c> in <c>etl.run</c>): one diagnosis call
/// per account, through the job's own fetch, so each answer marks <c>etl.account_status</c>, lands in
/// <c>raw.api_call</c> and loads <c>douyin.author_diagnosis</c> like a scheduled run's. Not a scheduled job.
/// </summary>
internal sealed class AccountCheck(AuthorDiagnosisSync diagnosis) : ISyncJob
{
    public const string JobName = "accounts-check";

    private readonly ConcurrentDictionary<string, bool> _ok = new(StringComparer.Ordinal);

    public string Name => JobName;

    public string Description => "Cookie check: one fetch_author_diagnosis call per account, now.";

    /// <summary>Accounts whose call was answered and loaded.</summary>
    public IReadOnlyCollection<string> Ok => [.. _ok.Keys];

    public Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken) =>
        Task.FromResult(JobPlan.Interleaved(
            AuthorDiagnosisSync.Stream,
            "cookie checks",
            accounts,
            accounts.Select(account => new PlannedUnit(account, "cookie check", async (run, ct) =>
            {
                await diagnosis.CheckAsync(run, account, ct);
                _ok[account.Id] = true;
            }))));
}
