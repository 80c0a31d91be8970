using System.Globalization;

namespace DouyinEtl.Sandbox.World;

/// <summary>
/// A deterministic creator world: the same seed, size and anchor day always give the same accounts, items and
/// metric curves. Items published after "now" stay invisible until the clock passes them, so a long-running
/// sandbox keeps publishing.
/// </summary>
public sealed class SandboxWorld
{
    private static readonly string[] Subjects =
    [
        "今天的晚餐", "周末探店", "猫咪日常", "旅行vlog", "健身打卡", "穿搭分享", "读书笔记", "手工DIY", "城市夜景", "宝宝成长记",
        "露营装备测评", "早餐十分钟", "职场干货", "摄影教程", "家常菜谱", "开箱测评", "校园日常", "广场舞教学", "自驾318", "老家的院子",
    ];

    private static readonly string[] Suffixes = ["#日常", " #vlog", " ✨", " 🔥🔥", " 😂", "～", "!!", " #抖音创作者", " #生活记录", ""];

    // Titles a careless loader would mangle: SQL, quotes, escapes, control and zero-width characters, astral emoji.
    private static readonly string[] AwkwardTitles =
    [
        "'; DROP TABLE douyin.item; --",
        "引号\"测试\"与'单引号'",
        "反斜杠\\路径\\C:\\temp",
        "制表\t符\t标题",
        "换行\n的标题\r\n第二行",
        "零宽\u200d连接\u200b字符",
        "控制\u0001字符\u001f结尾",
        "𝓯𝓪𝓷𝓬𝔂 𝓾𝓷𝓲𝓬𝓸𝓭𝓮 👨‍👩‍👧‍👦",
        "%s %d {0} ${HOME} $(whoami)",
        "<script>alert('x')</script>",
    ];

    private readonly Dictionary<string, SandboxItem[]> _itemsByAccountNewestFirst;
    private readonly Dictionary<string, SandboxAccount> _accountsByCookie;

    /// <param name="anchorDay">The Asia/Shanghai day the world is built around (its history ends there, later works appear as the clock reaches them).</param>
    public SandboxWorld(SandboxOptions options, DateOnly anchorDay)
    {
        Options = options;
        AnchorDay = anchorDay;
        var accounts = new List<SandboxAccount>();
        _itemsByAccountNewestFirst = [];
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Accounts; index++)
        {
            var random = new Random(unchecked((options.Seed * 1_000_003) + index));
            var account = new SandboxAccount(Id: AccountId(index), Name: AccountName(index), Cookie: MakeCookie(random));
            accounts.Add(account);
            var burst = index == 1 ? options.BurstItems : 0;
            _itemsByAccountNewestFirst[account.Id] = GenerateItems(account, random, options.ItemsPerAccount, burst, usedIds);
        }

        Accounts = accounts;
        _accountsByCookie = accounts.ToDictionary(a => a.Cookie, StringComparer.Ordinal);
        Analytics = new ItemAnalytics(this);
    }

    public SandboxOptions Options { get; }

    /// <summary>The ids sandbox worlds give their accounts (creator-01, creator-02, … creator-100 …), as a POSIX and .NET regular expression.</summary>
    public const string AccountIdPattern = "^creator-(0[1-9]|[1-9][0-9]+)$";

    /// <summary>True for an id and display name that a sandbox world of any seed and size gives one of its accounts.</summary>
    public static bool IsSandboxAccount(string id, string? name) =>
        System.Text.RegularExpressions.Regex.IsMatch(id, AccountIdPattern)
        && (name is null || name == AccountName(int.Parse(id.AsSpan("creator-".Length), CultureInfo.InvariantCulture) - 1));

    /// <summary>The Asia/Shanghai day the world was generated around; items span HistoryDays before it and ForwardDays after.</summary>
    public DateOnly AnchorDay { get; }

    public IReadOnlyList<SandboxAccount> Accounts { get; }

    /// <summary>Per-item analytics (play sources, portrait, watch trend…), derived from the items.</summary>
    public ItemAnalytics Analytics { get; }

    public SandboxAccount? FindByCookie(string? cookie) =>
        cookie is not null && _accountsByCookie.TryGetValue(cookie, out var account) ? account : null;

    public SandboxAccount? FindById(string id) => Accounts.FirstOrDefault(a => a.Id == id);

    /// <summary>Items already published at <paramref name="now"/>, newest first.</summary>
    public IEnumerable<SandboxItem> VisibleItems(string accountId, DateTimeOffset now) =>
        _itemsByAccountNewestFirst.TryGetValue(accountId, out var items)
            ? items.Where(i => i.PublishTime <= now)
            : [];

    public IEnumerable<SandboxItem> AllVisibleItems(DateTimeOffset now) => Accounts.SelectMany(a => VisibleItems(a.Id, now));

    public SandboxItem? FindItem(string itemId) =>
        _itemsByAccountNewestFirst.Values.SelectMany(x => x).FirstOrDefault(i => i.Id == itemId);

    /// <summary>Cumulative metrics as the creator center shows them during the hour that contains <paramref name="asOf"/>.</summary>
    public static ItemMetrics MetricsAt(SandboxItem item, DateTimeOffset asOf)
    {
        var hour = ShanghaiClock.FloorToHour(asOf);
        var hours = Math.Max(0, (hour - item.PublishTime).TotalHours);
        var p = item.Profile;
        var growth = 1 - Math.Exp(-hours / p.TauHours);
        var views = (long)Math.Floor(p.FinalViews * growth);
        return new ItemMetrics(
            ViewCount: views,
            LikeCount: (long)Math.Floor(views * p.LikeRate),
            CommentCount: (long)Math.Floor(views * p.CommentRate),
            ShareCount: (long)Math.Floor(views * p.ShareRate),
            FavoriteCount: (long)Math.Floor(views * p.FavoriteRate),
            SubscribeCount: (long)Math.Floor(views * p.SubscribeRate),
            CompletionRate: Rate(p.CompletionRate * (1 - (0.1 * growth))),
            CompletionRate5s: Rate(p.CompletionRate5s * (1 - (0.05 * growth))),
            BounceRate2s: Rate(p.BounceRate2s * (1 + (0.05 * growth))),
            CoverClickRate: Rate(p.CoverClickRate * (1 - (0.2 * growth))),
            AvgViewSecond: Math.Round((decimal)(p.AvgViewSecond * (1 - (0.05 * growth))), 6));
    }

    private static string AccountId(int index) => $"creator-{index + 1:D2}";

    private static string AccountName(int index) => $"{Subjects[index % Subjects.Length]}的小号{index + 1}";

    private static decimal Rate(double value) => Math.Round((decimal)Math.Clamp(value, 0, 1), 6);

    private SandboxItem[] GenerateItems(SandboxAccount account, Random random, int count, int burst, HashSet<string> usedIds)
    {
        var firstDay = AnchorDay.AddDays(-Options.HistoryDays);
        var totalDays = Options.HistoryDays + Options.ForwardDays;
        var total = count + (int)((long)count * Options.ForwardDays / Math.Max(1, Options.HistoryDays));
        var usedSeconds = new HashSet<long>();
        var items = new List<SandboxItem>(total + burst);

        for (var i = 0; i < total; i++)
        {
            var day = firstDay.AddDays(random.Next(totalDays));
            items.Add(NewItem(account, random, PublishTimeOn(day, random, usedSeconds), items.Count, usedIds));
        }

        if (burst > 0)
        {
            // A "content farm" month about eight months back: more works than one window may hold.
            var burstStart = AnchorDay.AddDays(-240);
            var monthStart = new DateOnly(burstStart.Year, burstStart.Month, 1);
            var monthDays = DateTime.DaysInMonth(monthStart.Year, monthStart.Month);
            for (var i = 0; i < burst; i++)
            {
                var day = monthStart.AddDays(random.Next(monthDays));
                items.Add(NewItem(account, random, PublishTimeOn(day, random, usedSeconds), items.Count, usedIds));
            }
        }

        AddTwins(account, random, items, usedSeconds, usedIds);
        return [.. items.OrderByDescending(i => i.PublishTime)];
    }

    // About 1% of works are re-uploads: same title, published seconds apart in the same minute. The Excel export
    // cannot tell them apart, which is exactly what its matcher has to cope with.
    private void AddTwins(SandboxAccount account, Random random, List<SandboxItem> items, HashSet<long> usedSeconds, HashSet<string> usedIds)
    {
        var originals = items.Where(_ => random.NextDouble() < 0.01).ToList();
        foreach (var original in originals)
        {
            var secondOfMinute = original.PublishTime.Second;
            if (secondOfMinute >= 58)
            {
                continue;
            }

            var twinTime = original.PublishTime.AddSeconds(1 + random.Next(59 - secondOfMinute - 1));
            if (!usedSeconds.Add(twinTime.ToUnixTimeSeconds()))
            {
                continue;
            }

            var twin = NewItem(account, random, twinTime, items.Count, usedIds) with { Title = original.Title };
            items.Add(twin);
        }
    }

    private static DateTimeOffset PublishTimeOn(DateOnly day, Random random, HashSet<long> usedSeconds)
    {
        while (true)
        {
            // Creators post in waking hours, Beijing time.
            var hour = 7 + random.Next(17);
            var time = ShanghaiClock.StartOfDay(day).AddHours(hour).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
            if (usedSeconds.Add(time.ToUnixTimeSeconds()))
            {
                return time.ToUniversalTime();
            }
        }
    }

    private SandboxItem NewItem(SandboxAccount account, Random random, DateTimeOffset publishTime, int sequence, HashSet<string> usedIds)
    {
        string id;
        do
        {
            // 19 digits and above 2^53: a double cannot hold these, which is the point.
            id = (7_000_000_000_000_000_000L + random.NextInt64(0, 2_000_000_000_000_000_000L)).ToString(CultureInfo.InvariantCulture);
        }
        while (!usedIds.Add(id));

        var genre = PickGenre(random);
        var durationMs = genre switch
        {
            1 => random.Next(5_000, 60_000),
            2 => random.Next(60_000, 180_000),
            3 => random.Next(180_000, 300_000),
            4 => random.Next(300_000, 900_000),
            _ => 0,
        };
        var title = random.NextDouble() < 0.02
            ? AwkwardTitles[random.Next(AwkwardTitles.Length)] + $" {sequence}"
            : $"{Subjects[random.Next(Subjects.Length)]} 第{sequence}期{Suffixes[random.Next(Suffixes.Length)]}";

        // About 2% of works have no caption at all (chosen by id, so the rest of the world stays as the seed makes it):
        // the export shows them with an empty 作品名称.
        if (long.Parse(id, CultureInfo.InvariantCulture) % 50 == 7)
        {
            title = "";
        }
        var review = random.NextDouble() switch
        {
            < 0.93 => 2,
            < 0.96 => 5,
            < 0.98 => 6,
            _ => 1,
        };

        var finalViews = (long)Math.Min(50_000_000, Math.Exp(7 + (1.8 * NextGaussian(random))));
        var profile = new ItemProfile(
            FinalViews: Math.Max(0, finalViews),
            TauHours: 12 + (random.NextDouble() * 108),
            LikeRate: 0.01 + (random.NextDouble() * 0.08),
            CommentRate: random.NextDouble() * 0.01,
            ShareRate: random.NextDouble() * 0.01,
            FavoriteRate: random.NextDouble() * 0.02,
            SubscribeRate: random.NextDouble() * 0.005,
            CompletionRate: 0.05 + (random.NextDouble() * 0.5),
            CompletionRate5s: 0.3 + (random.NextDouble() * 0.5),
            BounceRate2s: 0.1 + (random.NextDouble() * 0.4),
            CoverClickRate: 0.02 + (random.NextDouble() * 0.2),
            AvgViewSecond: durationMs > 0 ? durationMs / 1000.0 * (0.2 + (random.NextDouble() * 0.5)) : 3 + (random.NextDouble() * 20));

        return new SandboxItem(
            Id: id,
            AccountId: account.Id,
            Title: title,
            PublishTime: publishTime,
            Genre: genre,
            DurationMs: durationMs,
            ReviewStatus: review,
            IsPublic: random.NextDouble() < 0.95,
            CoverUrl: $"https://p3-sign.douyinpic.com/tos-cn-i-0813/{id}~tplv-dy-360p.jpeg",
            Profile: profile);
    }

    private static int PickGenre(Random random) => random.NextDouble() switch
    {
        < 0.55 => 1,
        < 0.75 => 2,
        < 0.83 => 3,
        < 0.87 => 4,
        < 0.97 => 5,
        _ => 8,
    };

    private static double NextGaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static string MakeCookie(Random random)
    {
        string Hex(int bytes)
        {
            var buffer = new byte[bytes];
            random.NextBytes(buffer);
            return Convert.ToHexStringLower(buffer);
        }

        var session = Hex(16);
        return $"sessionid={session}; sessionid_ss={session}; sid_tt={session}; uid_tt={Hex(16)}; " +
               $"passport_csrf_token={Hex(16)}; sid_guard={session}%7C1767225600%7C5184000%7CSat%2C+28-Feb-2026";
    }
}
