namespace DouyinEtl.Sandbox.World;

// What the per-item analytics endpoints know about one work on one Asia/Shanghai day. The routes serve these in the
// documented or the real-world shape; tests compare the warehouse with them.

/// <summary><c>fetch_item_overview_data</c>: cumulative metrics (real time, as the item list) plus the other sections' key values.</summary>
public sealed record OverviewTruth(
    ItemMetrics Metrics,
    long DanmakuCount,
    long UnsubscribeCount,
    decimal AvgViewProportion,
    decimal FanViewProportion,
    int ReviewStatus,
    long DouPlusViewCount,
    long IncentivePlayCount,
    long VvBoostTotal,
    int ContentQuality,
    long SubsidyVv,
    decimal SubsidyIncome);

/// <summary>One traffic source: share of the item's plays (0–1) and its change against 7 days earlier (may be negative).</summary>
public sealed record PlaySourceTruth(int AppId, string Key, decimal Value, decimal HistoryDifference);

/// <summary>
/// Search words: <see cref="ShowFrom"/> are the words users searched to find the work (the documented <c>keywords</c>
/// list, with counts and shares; the real <c>show_from</c> list, shares only); <see cref="InspireSearch"/> are the words
/// searched after watching (real world only). Shares are fractions with three decimals, so "35.5" percent and 0.355 agree.
/// </summary>
public sealed record SearchKeywordTruth(IReadOnlyList<KeywordShare> ShowFrom, IReadOnlyList<KeywordShare> InspireSearch, long TotalCount);

/// <summary>A search word with its searches (null where the creator center gives only a share) and share (0–1).</summary>
public sealed record KeywordShare(string Keyword, long? Count, decimal Share);

/// <summary>A watch-trend series point: second into the video and the value there (retention, like or bounce ratio).</summary>
public sealed record TrendPoint(int Second, decimal Value);

/// <summary><c>fetch_item_watch_trend</c> for one analysis type: empty series until the work has 200 plays.</summary>
public sealed record WatchTrendTruth(int AnalysisType, IReadOnlyList<TrendPoint> CurrentItem, IReadOnlyList<TrendPoint> SimilarAuthor);

/// <summary>One portrait bucket: share of the audience (0–1) and TGI (100 = platform average; documented shape only).</summary>
public sealed record PortraitBucket(string Dimension, string Key, decimal? Ratio, decimal? Tgi);

/// <summary>
/// <c>fetch_item_audience_portrait</c>. <see cref="EmptyDimensions"/> are served as empty lists: "no data", not an error.
/// </summary>
public sealed record PortraitTruth(IReadOnlyList<PortraitBucket> Buckets, IReadOnlyList<string> EmptyDimensions);

public sealed record KeyValueTruth(string Key, decimal Value);

public sealed record SearchCountTruth(string Keyword, long QueryCount7d);

/// <summary>
/// <c>fetch_item_audience_others</c>: the documented shape carries fan share and interest keywords, the real one
/// interest preferences and the audience's most searched words (RESEARCH §3.3, §6).
/// </summary>
public sealed record AudienceOthersTruth(
    decimal FanShare,
    IReadOnlyList<KeyValueTruth> InterestKeywords,
    IReadOnlyList<KeyValueTruth> Preferences,
    IReadOnlyList<SearchCountTruth> SearchKeywords);

/// <summary>Bullets at one second: count, and its share of all bullets as the documented percentage (one decimal).</summary>
public sealed record DanmakuPoint(int Second, long Count, decimal Percentage);

public sealed record DanmakuWord(string Word, long Count, string Sentiment);

/// <summary>
/// <c>fetch_item_danmaku_analysis</c>. The documented shape has the distribution with percentages, hot words, total
/// and peak; the real one the distribution as <c>current_item</c> plus the similar authors' average.
/// </summary>
public sealed record DanmakuTruth(
    IReadOnlyList<DanmakuPoint> Distribution,
    IReadOnlyList<TrendPoint> SimilarAuthor,
    IReadOnlyList<DanmakuWord> HotWords,
    long TotalCount,
    int? PeakSecond);
