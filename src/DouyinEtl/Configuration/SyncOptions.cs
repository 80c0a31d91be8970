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

internal sealed class ItemListOptions
{
    public const string Section = "ItemList";

    /// <summary>How far back the first run walks the publish calendar.</summary>
    public int HistoryDays { get; set; } = 730;

    /// <summary>Windows that end within this many days are re-paged for fresh metric snapshots; older complete windows never again.</summary>
    public int RefreshDays { get; set; } = 90;

    /// <summary>Minimum time between two snapshots of a window still being refreshed.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromHours(1);

    public int PageSize { get; set; } = 100;
}
