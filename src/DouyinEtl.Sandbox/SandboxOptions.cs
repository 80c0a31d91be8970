namespace DouyinEtl.Sandbox;

/// <summary>Which shape the sandbox serves: TikHub's documented examples or what the real creator center returns.</summary>
public enum PayloadVariant
{
    /// <summary>Documented keys (<c>item_id</c>, <c>play_count</c>…), numbers as JSON numbers.</summary>
    Documented,

    /// <summary>Real-world keys (<c>id</c>, <c>view_count</c>…), numbers as strings, bare 19-digit ids.</summary>
    RealWorld,

    /// <summary>Each response picks one of the two, deterministically per request.</summary>
    Mixed,
}

public sealed class SandboxOptions
{
    public int Seed { get; set; } = 42;
    public int Accounts { get; set; } = 3;
    /// <summary>Works each account published in the HistoryDays before the anchor day.</summary>
    public int ItemsPerAccount { get; set; } = 600;
    public int HistoryDays { get; set; } = 730;

    /// <summary>Works keep appearing after the anchor day at the same pace, for this many days, as the clock reaches them.</summary>
    public int ForwardDays { get; set; } = 365;

    /// <summary>
    /// The Asia/Shanghai day the world is built around. Null (the default): the Beijing day of the sandbox's clock when it
    /// starts, so the world's two years of history end today whatever the date, as the jobs' windows do. The same seed,
    /// size and anchor day always give the same world.
    /// </summary>
    public DateOnly? AnchorDay { get; set; }

    /// <summary>Extra items the second account publishes in a single month, so that month exceeds the per-window limit.</summary>
    public int BurstItems { get; set; }

    public PayloadVariant Variant { get; set; } = PayloadVariant.RealWorld;
    public string ApiKey { get; set; } = "sandbox-key";

    /// <summary>More keys accepted besides <see cref="ApiKey"/>, each limited on its own (a key pool).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Keys answered 401 (a key TikHub refuses: revoked, out of balance), even when listed above.</summary>
    public List<string> RefusedApiKeys { get; set; } = [];

    /// <summary>Requests per second per API key; 0 disables the limit.</summary>
    public double RequestsPerSecondPerKey { get; set; } = 10;

    /// <summary>Requests per second per API key and endpoint; 0 disables the limit.</summary>
    public double RequestsPerSecondPerEndpoint { get; set; } = 5;

    public int MaxWorksPerWindow { get; set; } = 1000;
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Most ids one <c>fetch_item_overview_data</c> call may carry; more are refused (inner status 2, as the creator center does).</summary>
    public int MaxOverviewIds { get; set; } = 50;

    /// <summary>Per-item analytics answer inner status 10001 ("too few plays") until a work had this many plays by midnight.</summary>
    public long AnalyticsMinViews { get; set; } = 100;
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Account ids whose cookie the sandbox treats as expired (inner status 8).</summary>
    public List<string> ExpiredAccounts { get; set; } = [];

    /// <summary>Account ids the creator center refuses its data center to (inner status 7, "当前账号暂无数据中心权限").</summary>
    public List<string> NoPermissionAccounts { get; set; } = [];

    /// <summary>
    /// Documented-shape item lists carry exactly what TikHub's published example shows: <c>item_id</c>, <c>metrics</c>,
    /// <c>review</c> and <c>visibility</c>, without publish time, title or type.
    /// </summary>
    public bool ItemsAsDocumentedExample { get; set; }

    /// <summary>Freezes the sandbox clock (tests); null means the clock of the sandbox's host (the real one unless a test pins it).</summary>
    public DateTimeOffset? FixedNow { get; set; }

    public FaultOptions Faults { get; set; } = new();

    /// <summary>How <c>fetch_item_list_download</c> answers: per-account failure shapes, forced formats, row cap.</summary>
    public ExportSheetOptions ItemExport { get; set; } = new();
}

/// <summary>Probabilities (0..1) of injected faults, decided per request from a seeded generator.</summary>
public sealed class FaultOptions
{
    public int Seed { get; set; } = 7;
    public double ServerErrorRate { get; set; }
    public double TooManyRequestsRate { get; set; }
    public double HangRate { get; set; }
    public double MalformedJsonRate { get; set; }
    public double HtmlBodyRate { get; set; }
    public double PleaseRetryRate { get; set; }

    /// <summary>Answers served with one deliberate change (<see cref="Hosting.PayloadMutator"/>), each kept in <c>SandboxState.Mutator</c>.</summary>
    public double MutationRate { get; set; }
    public TimeSpan HangDuration { get; set; } = TimeSpan.FromMinutes(5);
    public int RetryAfterSeconds { get; set; } = 1;

    public bool Any => ServerErrorRate + TooManyRequestsRate + HangRate + MalformedJsonRate + HtmlBodyRate + PleaseRetryRate + MutationRate > 0;
}
