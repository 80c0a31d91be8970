using System.Globalization;
using System.Text;

namespace DouyinEtl.Sandbox.World;

/// <summary>
/// The per-item analytics of the sandbox world, deterministic in (seed, item, Asia/Shanghai day). Like the creator
/// center, the analytics of a day describe the work as of that day's midnight ("数据次日更新"): a work published today,
/// or one with fewer than <see cref="SandboxOptions.AnalyticsMinViews"/> plays by midnight, has none yet (inner 10001).
/// </summary>
public sealed class ItemAnalytics
{
    public static readonly IReadOnlyList<string> Provinces =
    [
        "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
        "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
    ];

    public static readonly IReadOnlyList<string> AgeBuckets = ["-18", "18-23", "24-30", "31-40", "41-50", "50-"];

    public static readonly IReadOnlyList<string> CityLevels = ["一线城市", "新一线城市", "二线城市", "三线城市", "四线城市", "五线城市"];

    /// <summary>The real page's activity levels (RESEARCH §3.3): 4 heavy … 1 low, -1 unknown.</summary>
    public static readonly IReadOnlyList<string> ActiveLevels = ["4", "3", "2", "1", "-1"];

    private static readonly (int AppId, string Key, double Weight)[] Sources =
    [
        (1128, "homepage_hot", 8), (1128, "familiar", 0.6), (1128, "search", 0.5), (1128, "homepage", 0.4), (1128, "follow", 0.35),
        (1128, "message", 0.1), (1128, "fresh", 0.15), (1128, "compilation", 0.08), (1128, "other", 0.12), (2329, "yumme_vv_all", 0.3),
    ];

    private static readonly string[] SearchWords =
    [
        "晚餐吃什么", "探店推荐", "猫咪搞笑", "旅行攻略", "健身计划", "秋冬穿搭", "读书分享", "手工教程", "夜景拍摄", "宝宝辅食",
        "露营装备", "快手早餐", "职场技巧", "手机摄影", "家常菜做法", "开箱", "校园vlog", "广场舞", "318自驾", "乡村生活",
    ];

    private static readonly string[] Topics = ["美食", "旅游", "生活", "娱乐", "萌宠", "健身", "时尚", "知识", "摄影", "亲子", "汽车", "音乐"];

    private static readonly (string Word, string Sentiment)[] BulletWords =
    [
        ("哈哈哈", "positive"), ("精彩", "positive"), ("学到了", "positive"), ("好家伙", "neutral"), ("前方高能", "neutral"),
        ("为什么", "neutral"), ("太假了", "negative"), ("无聊", "negative"), ("泪目", "positive"), ("打卡", "neutral"),
    ];

    private readonly SandboxOptions _options;
    private readonly Lazy<Dictionary<string, SandboxItem>> _items;

    public ItemAnalytics(SandboxWorld world)
    {
        _options = world.Options;
        _items = new(() => world.Accounts
            .SelectMany(a => world.VisibleItems(a.Id, DateTimeOffset.MaxValue))
            .ToDictionary(i => i.Id, StringComparer.Ordinal));
    }

    public SandboxItem? Find(string itemId) => _items.Value.GetValueOrDefault(itemId);

    /// <summary>Plays the day's analytics are based on: the cumulative count at that day's Beijing midnight.</summary>
    public static long BasisViews(SandboxItem item, DateTimeOffset now) =>
        SandboxWorld.MetricsAt(item, ShanghaiClock.StartOfDay(ShanghaiClock.Day(now))).ViewCount;

    /// <summary>True when the creator center answers inner status 10001 ("too few plays") for this work today.</summary>
    public bool NoDataYet(SandboxItem item, DateTimeOffset now) => BasisViews(item, now) < _options.AnalyticsMinViews;

    public OverviewTruth Overview(SandboxItem item, DateTimeOffset now)
    {
        var metrics = SandboxWorld.MetricsAt(item, now);
        var random = Rng(item, null, "overview");
        var promoted = random.NextDouble() < 0.15;
        var incentivised = random.NextDouble() < 0.3;
        var views = metrics.ViewCount;
        return new OverviewTruth(
            Metrics: metrics,
            DanmakuCount: (long)Math.Floor(views * random.NextDouble() * 0.004),
            UnsubscribeCount: (long)Math.Floor(metrics.SubscribeCount * random.NextDouble() * 0.1),
            AvgViewProportion: Round(0.1 + (random.NextDouble() * 0.6), 6),
            FanViewProportion: Round(random.NextDouble() * 0.4, 6),
            ReviewStatus: item.ReviewStatus,
            DouPlusViewCount: promoted ? (long)Math.Floor(views * 0.2) : 0,
            IncentivePlayCount: incentivised ? (long)Math.Floor(views * 0.05) : 0,
            VvBoostTotal: incentivised ? (long)Math.Floor(views * 0.03) : 0,
            ContentQuality: random.NextDouble() < 0.1 ? 2 : 0,
            SubsidyVv: incentivised ? (long)Math.Floor(views * 0.01) : 0,
            SubsidyIncome: incentivised ? Round(views * 0.0004, 2) : 0);
    }

    public IReadOnlyList<PlaySourceTruth> PlaySources(SandboxItem item, DateTimeOffset now)
    {
        var day = ShanghaiClock.Day(now);
        var today = SourceShares(item, day);
        var weekAgo = ShanghaiClock.StartOfDay(day.AddDays(-7)) > item.PublishTime
            ? SourceShares(item, day.AddDays(-7)).ToDictionary(s => (s.AppId, s.Key), s => s.Share)
            : [];
        return [.. today.Select(s => new PlaySourceTruth(s.AppId, s.Key, s.Share, s.Share - weekAgo.GetValueOrDefault((s.AppId, s.Key))))];
    }

    public SearchKeywordTruth SearchKeywords(SandboxItem item, DateTimeOffset now)
    {
        var random = Rng(item, ShanghaiClock.Day(now), "search");
        var views = BasisViews(item, now);
        var words = Pick(random, SearchWords, Math.Min(8, (int)Math.Log10(Math.Max(1, views)) + random.Next(3)));
        var counts = words.Select(_ => 1 + (long)Math.Floor(views * 0.002 * random.NextDouble())).ToList();
        var total = counts.Sum() + (long)Math.Floor(views * 0.001 * random.NextDouble());
        var showFrom = words
            .Select((w, i) => new KeywordShare(w, counts[i], Math.Round((decimal)counts[i] / total, 3)))
            .OrderByDescending(k => k.Count)
            .ToList();
        var inspire = Pick(random, SearchWords, random.Next(5))
            .Select(w => new KeywordShare(w, null, Round(random.NextDouble() * 0.3, 3)))
            .ToList();
        return new SearchKeywordTruth(showFrom, inspire, words.Count == 0 ? 0 : total);
    }

    public WatchTrendTruth WatchTrend(SandboxItem item, DateTimeOffset now, int analysisType)
    {
        var seconds = item.DurationMs / 1000;
        if (seconds <= 0 || BasisViews(item, now) < 200)
        {
            // Image posts have their own analysis types; videos show curves from 200 plays on ("计算中，数据稍后更新").
            return new WatchTrendTruth(analysisType, [], []);
        }

        var random = Rng(item, ShanghaiClock.Day(now), "trend" + analysisType.ToString(CultureInfo.InvariantCulture));
        var step = Math.Max(1, (int)Math.Ceiling(seconds / 60.0));
        var current = new List<TrendPoint>();
        var similar = new List<TrendPoint>();
        var decay = 0.5 + random.NextDouble();
        for (var second = 0; second <= seconds; second += step)
        {
            var progress = (double)second / seconds;
            var (own, peer) = analysisType switch
            {
                1 => (Math.Exp(-decay * progress * 3), Math.Exp(-progress * 2.5)),
                2 => (0.002 + (0.02 * random.NextDouble() * Math.Exp(-progress)), 0.005 + (0.005 * progress)),
                _ => (0.3 * Math.Exp(-progress * 5 * decay), 0.25 * Math.Exp(-progress * 4)),
            };
            current.Add(new TrendPoint(second, Round(own, 4)));
            similar.Add(new TrendPoint(second, Round(peer, 4)));
        }

        return new WatchTrendTruth(analysisType, current, similar);
    }

    public PortraitTruth Portrait(SandboxItem item, DateTimeOffset now)
    {
        var random = Rng(item, ShanghaiClock.Day(now), "portrait");
        var buckets = new List<PortraitBucket>();
        buckets.AddRange(Distribution(random, "active", ActiveLevels, withTgi: false));
        buckets.AddRange(Distribution(random, "gender", ["male", "female"], withTgi: true));
        buckets.AddRange(Distribution(random, "province", Pick(random, Provinces, 10), withTgi: true));
        buckets.AddRange(Distribution(random, "age", AgeBuckets, withTgi: true));
        var empty = new List<string> { "career", "new_user" };
        if (BasisViews(item, now) >= 1000)
        {
            buckets.AddRange(Distribution(random, "city_level", CityLevels, withTgi: true));
        }
        else
        {
            empty.Add("city_level");
        }

        return new PortraitTruth(buckets, empty);
    }

    public AudienceOthersTruth AudienceOthers(SandboxItem item, DateTimeOffset now)
    {
        var random = Rng(item, ShanghaiClock.Day(now), "others");
        var fanShare = Round(0.02 + (random.NextDouble() * 0.4), 3);
        var interests = Pick(random, Topics, 4).Select(t => new KeyValueTruth(t, Round(0.05 + (random.NextDouble() * 0.4), 2))).ToList();
        var preferences = Pick(random, Topics, 6).Select(t => new KeyValueTruth(t, Round(random.NextDouble() * 0.5, 6))).ToList();
        var searched = Pick(random, SearchWords, random.Next(6)).Select(w => new SearchCountTruth(w, 1 + random.Next(5000))).ToList();
        return new AudienceOthersTruth(fanShare, interests, preferences, searched);
    }

    public DanmakuTruth Danmaku(SandboxItem item, DateTimeOffset now)
    {
        var seconds = item.DurationMs / 1000;
        var views = BasisViews(item, now);
        var random = Rng(item, ShanghaiClock.Day(now), "danmaku");
        if (seconds <= 0 || views < 500)
        {
            // "视频未收到弹幕，暂无分析": an answer with nothing in it.
            return new DanmakuTruth([], [], [], 0, null);
        }

        var points = Enumerable.Range(0, 3 + random.Next(6))
            .Select(_ => random.Next(seconds + 1))
            .Distinct()
            .Order()
            .Select(s => (Second: s, Count: 1 + (long)Math.Floor(views * 0.0005 * random.NextDouble())))
            .ToList();
        var total = points.Sum(p => p.Count) + random.Next(50);
        var distribution = points.Select(p => new DanmakuPoint(p.Second, p.Count, Math.Round(100m * p.Count / total, 1))).ToList();
        var similar = points.Select(p => new TrendPoint(p.Second, Round(random.NextDouble() * 20, 2))).ToList();
        var words = Pick(random, BulletWords, random.Next(6))
            .Select(w => new DanmakuWord(w.Word, 1 + random.Next(200), w.Sentiment))
            .OrderByDescending(w => w.Count)
            .ToList();
        var peak = distribution.OrderByDescending(p => p.Count).ThenBy(p => p.Second).First().Second;
        return new DanmakuTruth(distribution, similar, words, total, peak);
    }

    private List<(int AppId, string Key, decimal Share)> SourceShares(SandboxItem item, DateOnly day)
    {
        var stable = Rng(item, null, "sources");
        var daily = Rng(item, day, "sources");
        var weights = Sources.Select(s => s.Weight * stable.NextDouble() * (0.7 + (0.6 * daily.NextDouble()))).ToList();
        var total = weights.Sum();
        return Sources
            .Select((s, i) => (s.AppId, s.Key, Share: Round(weights[i] / total, 6)))
            .Where(s => s.Share >= 0.0005m)
            .ToList();
    }

    private static IEnumerable<PortraitBucket> Distribution(Random random, string dimension, IReadOnlyList<string> keys, bool withTgi)
    {
        var weights = keys.Select(_ => 0.05 + random.NextDouble()).ToList();
        var total = weights.Sum();
        return keys.Select((key, i) => new PortraitBucket(
            dimension,
            key,
            Round(weights[i] / total, 6),
            withTgi ? Round(30 + (random.NextDouble() * 400), 4) : null));
    }

    private static List<T> Pick<T>(Random random, IReadOnlyList<T> pool, int count) =>
        [.. pool.OrderBy(_ => random.Next()).Take(Math.Clamp(count, 0, pool.Count))];

    private static decimal Round(double value, int decimals) => Math.Round((decimal)value, decimals);

    /// <summary>A generator seeded by a stable hash (string.GetHashCode differs per process) of seed, item, day and purpose.</summary>
    private Random Rng(SandboxItem item, DateOnly? day, string purpose)
    {
        var text = $"{_options.Seed}|{item.Id}|{day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}|{purpose}";
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return new Random(unchecked((int)(hash ^ (hash >> 32))));
    }
}
