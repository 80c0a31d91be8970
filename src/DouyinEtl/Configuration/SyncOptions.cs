namespace DouyinEtl.Configuration;

/// <summary>Settings shared by every job run.</summary>
internal sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>Upstream calls one run may make (every attempt counts); 0 means no limit. A spent budget ends the run as "partly done".</summary>
    public int MaxCallsPerRun { get; set; }

    /// <summary>Units of work in flight at once, all sharing the rate limiter.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How often a run logs how far it got (and adds it to the metrics).</summary>
    public TimeSpan ProgressEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a stop is requested (SIGTERM), how long units in flight may go on before they are cancelled.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a unit rides out a database outage (restart, failover) before it counts as failed; 0 fails it at once.</summary>
    public TimeSpan DatabaseRetryFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Calls in a row across the run that got no answer (network error, timeout) or a 5xx, with no answer in between,
    /// after which the run stops as "TikHub unreachable" (with <see cref="BreakerWindow"/>); 0 turns the breaker off.
    /// </summary>
    public int BreakerConsecutiveFailures { get; set; } = 5;

    /// <summary>
    /// And for at least this long no answer at all: a short outage is ridden out by the retries instead. Twice this long
    /// with no answer and at least two calls failed trips it too, however few calls were out at once.
    /// </summary>
    public TimeSpan BreakerWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs of a job share its units with the other processes running it in this mode (several CronJob pods, daemon
    /// replicas, <c>run --share</c>): each unit is claimed in PostgreSQL before it is worked, so each is paid for once.
    /// A run that does not share and a sharing run of the same job still exclude each other (exit 75).
    /// </summary>
    public bool ShareUnits { get; set; }

    /// <summary>In sharing mode, how often a run that finished its own units looks again at the ones other processes are working.</summary>
    public TimeSpan ClaimPollEvery { get; set; } = TimeSpan.FromSeconds(1);
}
