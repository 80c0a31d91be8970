namespace DouyinEtl.Sandbox.World;

/// <summary>One work in the sandbox world. Genre uses TikHub's codes (1 &lt;1 min, 2 1–3 min, 3 3–5 min, 4 5 min+, 5 图文, 8 长图文).</summary>
/// <remarks>A work without a caption has an empty <see cref="Title"/>, as the creator center lists it.</remarks>
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

    /// <summary>
    /// The creator center's own per-item <c>type</c>, which numbers genres differently from TikHub's filters. Image posts
    /// come as 1, 6 or 7 (RESEARCH §2.2: <c>[1,6,7]</c> are all image-text), spread over the works by id.
    /// </summary>
    public int CreatorType => Genre switch
    {
        5 => ImagePostTypes[(int)(long.Parse(Id, System.Globalization.CultureInfo.InvariantCulture) % ImagePostTypes.Length)],
        1 => 2,
        2 => 3,
        3 => 4,
        4 => 5,
        _ => Genre,
    };

    /// <summary>Image posts (图文, 长图文): no video timeline, so no watch trend and no bullets.</summary>
    public bool IsImagePost => Genre is 5 or 8;

    private static readonly int[] ImagePostTypes = [1, 6, 7];
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
