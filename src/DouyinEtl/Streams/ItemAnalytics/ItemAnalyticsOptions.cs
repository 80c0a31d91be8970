using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemAnalytics;

internal sealed class ItemAnalyticsOptions
{
    public const string Section = "ItemAnalytics";

    /// <summary>
    /// "maxAgeDays:everyDays" pairs, ages ascending. The default: younger than 7 days daily, younger than 30 days every
    /// 3 days, younger than 90 days weekly; the last age is the horizon past which nothing is fetched.
    /// </summary>
    public string RefreshTiers { get; set; } = "7:1, 30:3, 90:7";

    /// <summary>Works per <c>fetch_item_overview_data</c> call. TikHub documents no limit; the sandbox refuses more than 50.</summary>
    public int OverviewBatchSize { get; set; } = 50;

    public string OverviewFields { get; set; } = "metrics,review,play_info,dou_plus,integrated_incentive,incentive_life,content_analysis";

    /// <summary>Works fanned out per run, youngest first; 0 = all that are due. The rest stay due for the next run.</summary>
    public int MaxItemsPerRun { get; set; }

    public ItemAnalyticsEndpoints Endpoints { get; set; } = new();
}

/// <summary>Per-endpoint switches: a disabled endpoint is never called (its tables keep what they have).</summary>
internal sealed class ItemAnalyticsEndpoints
{
    public bool Overview { get; set; } = true;

    public bool PlaySource { get; set; } = true;

    public bool SearchKeyword { get; set; } = true;

    /// <summary>Analysis types 1 (retention), 2 (likes) and 7 (bounce): three calls per video.</summary>
    public bool WatchTrend { get; set; } = true;

    public bool AudiencePortrait { get; set; } = true;

    public bool AudienceOthers { get; set; } = true;

    public bool DanmakuAnalysis { get; set; } = true;
}

internal sealed class ItemAnalyticsOptionsValidator : IValidateOptions<ItemAnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, ItemAnalyticsOptions options)
    {
        var failures = new List<string>();
        if (RefreshPolicy.Parse(options.RefreshTiers, out var error) is null)
        {
            failures.Add($"ItemAnalytics:RefreshTiers '{options.RefreshTiers}' is not valid: {error}. Use e.g. \"7:1, 30:3, 90:7\" (max age in days : refresh every N days).");
        }

        if (options.OverviewBatchSize is < 1 or > 100)
        {
            failures.Add($"ItemAnalytics:OverviewBatchSize must be between 1 and 100, got {options.OverviewBatchSize} (the upstream limit is undocumented; the sandbox accepts 50).");
        }

        if (string.IsNullOrWhiteSpace(options.OverviewFields))
        {
            failures.Add("ItemAnalytics:OverviewFields must name at least one section, e.g. metrics,review.");
        }

        if (options.MaxItemsPerRun < 0)
        {
            failures.Add($"ItemAnalytics:MaxItemsPerRun must be 0 (no cap) or positive, got {options.MaxItemsPerRun}.");
        }

        var e = options.Endpoints;
        if (!(e.Overview || e.PlaySource || e.SearchKeyword || e.WatchTrend || e.AudiencePortrait || e.AudienceOthers || e.DanmakuAnalysis))
        {
            failures.Add("ItemAnalytics:Endpoints disables every endpoint: enable at least one, or do not schedule the item-analytics job.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
