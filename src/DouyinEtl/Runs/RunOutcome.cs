namespace DouyinEtl.Runs;

internal enum RunOutcome
{
    Succeeded,
    PartlyFailed,
    Failed,
}

/// <summary>Process exit codes: what a Kubernetes CronJob or a shell script sees.</summary>
internal enum ExitCode
{
    Ok = 0,
    Failed = 1,
    PartlyFailed = 2,

    /// <summary>EX_USAGE from sysexits.h: the configuration or the command line is wrong.</summary>
    BadConfiguration = 64,

    /// <summary>EX_TEMPFAIL from sysexits.h: another run of the job holds it (cluster-wide); nothing was done, try later.</summary>
    JobHeld = 75,
}

internal static class RunOutcomeExtensions
{
    public static ExitCode ToExitCode(this RunOutcome outcome) => outcome switch
    {
        RunOutcome.Succeeded => ExitCode.Ok,
        RunOutcome.PartlyFailed => ExitCode.PartlyFailed,
        _ => ExitCode.Failed,
    };
}
