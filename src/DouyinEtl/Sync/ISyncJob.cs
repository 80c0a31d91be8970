using DouyinEtl.Configuration;
using DouyinEtl.Runs;

namespace DouyinEtl.Sync;

/// <summary>One stream's job: plans the units due for a run's accounts; <see cref="JobRunner"/> runs them.</summary>
internal interface ISyncJob
{
    /// <summary>The name used by <c>douyin-etl run &lt;name&gt;</c>, the daemon's schedule and <c>etl.run.job</c>.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>True when the job walks <see cref="RunContext.Period"/> in checkpointed date windows, so <c>douyin-etl backfill</c> can drive it.</summary>
    bool SupportsBackfill => false;

    /// <summary>The units a run started now does for <paramref name="accounts"/> over <paramref name="period"/>, from the warehouse alone (no upstream call).</summary>
    Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken);
}
