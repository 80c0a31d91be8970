namespace DouyinEtl.Sync;

/// <summary>One stream's job: plans what is due for the run's accounts and runs each unit through <see cref="RunContext.RunUnitAsync"/>.</summary>
internal interface ISyncJob
{
    /// <summary>The name used by <c>douyin-etl run &lt;name&gt;</c>, the daemon's schedule and <c>etl.run.job</c>.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>True when the job walks <see cref="RunContext.Period"/> in checkpointed date windows, so <c>douyin-etl backfill</c> can drive it.</summary>
    bool SupportsBackfill => false;

    Task RunAsync(RunContext run, CancellationToken cancellationToken);
}
