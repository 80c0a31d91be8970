namespace DouyinEtl.Sandbox.World;

/// <summary>One work in the sandbox world. Genre uses TikHub's codes (1 &lt;1 min, 2 1–3 min, 3 3–5 min, 4 5 min+, 5 图文, 8 长图文).</summary>
public sealed record SandboxItem(
    string Id,
    string AccountId,
    string Title,
    DateTimeOffset PublishTime,
    int Genre,
    int DurationMs,
    int ReviewStatus,
    bool IsPublic,
    string CoverUrl,
    ItemProfile Profile)
{
    public long PublishTimeSeconds => PublishTime.ToUnixTimeSeconds();

    /// <summary>The creator center's own per-item <c>type</c>, which numbers genres differently from TikHub's filters.</summary>
    public int CreatorType => Genre switch
    {
        5 => 1,
        1 => 2,
        2 => 3,
        3 => 4,
        4 => 5,
        _ => Genre,
    };
}

/// <summary>Per-item constants from which every metric at any hour is derived.</summary>
public sealed record ItemProfile(
    long FinalViews,
    double TauHours,
    double LikeRate,
    double CommentRate,
    double ShareRate,
    double FavoriteRate,
    double SubscribeRate,
    double CompletionRate,
    double CompletionRate5s,
    double BounceRate2s,
    double CoverClickRate,
    double AvgViewSecond);

/// <summary>An item's cumulative metrics as of one hour. Rates carry six decimals, as the real API does.</summary>
public sealed record ItemMetrics(
    long ViewCount,
    long LikeCount,
    long CommentCount,
    long ShareCount,
    long FavoriteCount,
    long SubscribeCount,
    decimal CompletionRate,
    decimal CompletionRate5s,
    decimal BounceRate2s,
    decimal CoverClickRate,
    decimal AvgViewSecond);
