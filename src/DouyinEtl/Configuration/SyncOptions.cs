namespace DouyinEtl.Configuration;

/// <summary>Settings shared by every job run.</summary>
internal sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>Upstream calls one run may make (every attempt counts); 0 means no limit. A spent budget ends the run as "partly done".</summary>
    public int MaxCallsPerRun { get; set; }

    /// <summary>Units of work in flight at once, all sharing the rate limiter.</summary>
    public int Concurrency { get; set; } = 4;
}
