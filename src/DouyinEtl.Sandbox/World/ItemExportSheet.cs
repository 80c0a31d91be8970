using System.Globalization;
using System.Text;

namespace DouyinEtl.Sandbox.World;

/// <summary>The parameters of one <c>fetch_item_list_download</c> request: a publish window in epoch ms (both ends inclusive) and genre filters.</summary>
public sealed record ExportQuery(long MinCursor, long MaxCursor, IReadOnlyList<long> TypeFilters, bool NeedLongArticle)
{
    public static readonly IReadOnlyList<long> AllGenres = [1, 2, 3, 4, 5, 8];
}

/// <summary>
/// One export as the sandbox serves it: which works, in which cells, in which formats — and what a correct reader must
/// get back from each row. Deterministic in (world, account, query, Beijing day of "now"), so tests rebuild it at will.
/// </summary>
public sealed record ExportSheet(
    ExportAnswer Answer,
    PayloadVariant Variant,
    IReadOnlyList<string> Headers,
    IReadOnlyList<ExportRowTruth> Rows,
    int WorksInWindow)
{
    /// <summary>The window held more works than the cap; only the newest were served.</summary>
    public bool Truncated => Rows.Count < WorksInWindow && Answer != ExportAnswer.EmptySheet;
}

/// <summary>A served row: the work it shows, the cell values as written (header → string, double or DateTime; null = empty), and the values they mean.</summary>
public sealed record ExportRowTruth(SandboxItem Item, int SheetRow, IReadOnlyDictionary<string, object?> Cells, ExportRowValues Expected);

/// <summary>
/// What a row's cells mean once read: counts served as "1.2万" mean 12000 (the creator center's rounding), "58.52%"
/// means 0.5852, a minute-precision time means that minute. Null where the cell says "-".
/// </summary>
public sealed record ExportRowValues(
    string? Title,
    DateTimeOffset PublishTime,
    TimeSpan PublishTimePrecision,
    string Genre,
    string ReviewStatus,
    long? ViewCount,
    decimal? CompletionRate,
    decimal? CompletionRate5s,
    decimal? CoverClickRate,
    decimal? BounceRate2s,
    decimal? AvgViewSecond,
    long? LikeCount,
    long? ShareCount,
    long? CommentCount,
    long? FavoriteCount,
    long? HomepageVisitCount,
    long? SubscribeCount);

public static class ItemExportSheet
{
    public const string Title = "作品名称";
    public const string PublishTime = "发布时间";
    public const string Genre = "体裁";
    public const string ReviewStatus = "审核状态";
    public const string Views = "播放量";
    public const string CompletionRate = "完播率";
    public const string CompletionRate5s = "5s完播率";
    public const string CoverClickRate = "封面点击率";
    public const string BounceRate2s = "2s跳出率";
    public const string AvgViewSeconds = "平均播放时长";
    public const string Likes = "点赞量";
    public const string Shares = "分享量";
    public const string Comments = "评论量";
    public const string Favorites = "收藏量";
    public const string HomepageVisits = "主页访问量";
    public const string FollowersGained = "粉丝增量";

    /// <summary>The real file's headers, in its order (RESEARCH.md §4).</summary>
    public static readonly IReadOnlyList<string> OfficialHeaders =
    [
        Title, PublishTime, Genre, ReviewStatus, Views, CompletionRate, CompletionRate5s, CoverClickRate, BounceRate2s,
        AvgViewSeconds, Likes, Shares, Comments, Favorites, HomepageVisits, FollowersGained,
    ];

    /// <summary>Columns of the <see cref="ExportAnswer.ExtraColumns"/> layout that the official file does not have.</summary>
    public static readonly IReadOnlyList<string> ExtraHeaders = ["弹幕量", "平均播放占比"];

    public static ExportSheet Build(SandboxWorld world, SandboxAccount account, ExportQuery query, DateTimeOffset now)
    {
        var options = world.Options.ItemExport;
        var answer = options.Answers.GetValueOrDefault(account.Id, ExportAnswer.Workbook);
        var salt = Hash(account.Id, query.MinCursor, query.MaxCursor, string.Join(',', query.TypeFilters), query.NeedLongArticle, ShanghaiClock.Day(now));
        // Mixed picks per file from the file's own hash (not per request), so the truth can be rebuilt from the request
        // alone. Documented means plain numbers and Excel dates; real-world files mix every printed form.
        var variant = world.Options.Variant == PayloadVariant.Mixed
            ? salt % 2 == 0 ? PayloadVariant.Documented : PayloadVariant.RealWorld
            : world.Options.Variant;
        var timeFormat = options.PublishTimeFormat
            ?? (variant == PayloadVariant.Documented ? ExportTimeFormat.ExcelDate : (ExportTimeFormat)(salt % 4));

        // Newest first, as the creator center lists works.
        var works = world.VisibleItems(account.Id, now)
            .Where(i => i.PublishTime.ToUnixTimeMilliseconds() >= query.MinCursor && i.PublishTime.ToUnixTimeMilliseconds() <= query.MaxCursor)
            .Where(i => query.TypeFilters.Contains(i.Genre) && (query.NeedLongArticle || i.Genre != 8))
            .ToList();
        var served = answer == ExportAnswer.EmptySheet ? [] : works.Take(options.MaxRows);
        var rows = served.Select((item, index) => Row(item, index + 2, now, variant, timeFormat, salt)).ToList();
        return new ExportSheet(answer, variant, Layout(answer), rows, works.Count);
    }

    private static List<string> Layout(ExportAnswer answer) => answer switch
    {
        // A deterministic shuffle that moves every column, the identity ones included.
        ExportAnswer.ColumnsReordered => [.. OfficialHeaders.Select((h, i) => (h, Key: (i * 7) % OfficialHeaders.Count)).OrderBy(x => x.Key).Select(x => x.h).Reverse()],
        ExportAnswer.ExtraColumns => [.. OfficialHeaders.Take(5), ExtraHeaders[0], .. OfficialHeaders.Skip(5), ExtraHeaders[1]],
        ExportAnswer.MissingPublishTimeColumn => [.. OfficialHeaders.Where(h => h != PublishTime)],
        ExportAnswer.MissingViewsColumn => [.. OfficialHeaders.Where(h => h != Views)],
        _ => [.. OfficialHeaders],
    };

    private static ExportRowTruth Row(SandboxItem item, int sheetRow, DateTimeOffset now, PayloadVariant variant, ExportTimeFormat timeFormat, ulong salt)
    {
        var m = SandboxWorld.MetricsAt(item, now);
        var documented = variant == PayloadVariant.Documented;
        var hasViews = m.ViewCount > 0;
        int Roll(string column) => (int)(Hash(salt, item.Id, column) % 100);

        var cells = new Dictionary<string, object?>(StringComparer.Ordinal);
        long? CountCell(string header, long? value)
        {
            var (cell, meaning) = value is { } v ? FormatCount(v, documented ? 0 : Roll(header)) : ("-", (long?)null);
            cells[header] = cell;
            return meaning;
        }

        decimal? RateCell(string header, decimal value)
        {
            var (cell, meaning) = hasViews ? FormatRate(value, documented ? 0 : Roll(header)) : ("-", (decimal?)null);
            cells[header] = cell;
            return meaning;
        }

        cells[Title] = item.Title;
        var (timeCell, publishTime, precision) = FormatPublishTime(item.PublishTime, timeFormat == ExportTimeFormat.Mixed ? (ExportTimeFormat)(Roll(PublishTime) % 3) : timeFormat);
        cells[PublishTime] = timeCell;
        cells[Genre] = GenreText(item.Genre);
        cells[ReviewStatus] = ReviewText(item);
        var (durationCell, duration) = hasViews ? FormatSeconds(m.AvgViewSecond, documented ? 0 : Roll(AvgViewSeconds)) : ("-", (decimal?)null);

        // 主页访问量 is produced once a day: a work published today has none yet.
        var visitRate = 0.001m + (Hash(item.Id, "homepage") % 300 / 10_000m);
        long? visits = ShanghaiClock.Day(item.PublishTime) == ShanghaiClock.Day(now) ? null : (long)Math.Floor(m.ViewCount * visitRate);

        // Any xlsx reader gets CR LF back as LF: XML normalizes line ends inside text. A work without a caption is an empty cell.
        var expected = new ExportRowValues(
            Title: item.Title.Length == 0 ? null : item.Title.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'),
            PublishTime: publishTime,
            PublishTimePrecision: precision,
            Genre: (string)cells[Genre]!,
            ReviewStatus: (string)cells[ReviewStatus]!,
            ViewCount: CountCell(Views, m.ViewCount),
            CompletionRate: RateCell(CompletionRate, m.CompletionRate),
            CompletionRate5s: RateCell(CompletionRate5s, m.CompletionRate5s),
            CoverClickRate: RateCell(CoverClickRate, m.CoverClickRate),
            BounceRate2s: RateCell(BounceRate2s, m.BounceRate2s),
            AvgViewSecond: duration,
            LikeCount: CountCell(Likes, m.LikeCount),
            ShareCount: CountCell(Shares, m.ShareCount),
            CommentCount: CountCell(Comments, m.CommentCount),
            FavoriteCount: CountCell(Favorites, m.FavoriteCount),
            HomepageVisitCount: CountCell(HomepageVisits, visits),
            SubscribeCount: CountCell(FollowersGained, m.SubscribeCount));
        cells[AvgViewSeconds] = durationCell;
        cells[ExtraHeaders[0]] = (double)(m.CommentCount / 3);
        cells[ExtraHeaders[1]] = hasViews ? "35.20%" : "-";
        return new ExportRowTruth(item, sheetRow, cells, expected);
    }

    private static (object Cell, long? Meaning) FormatCount(long value, int roll) => roll switch
    {
        < 40 => ((double)value, value),
        < 60 => (value.ToString(CultureInfo.InvariantCulture), value),
        < 80 => (value.ToString("#,0", CultureInfo.InvariantCulture), value),
        _ when value >= 10_000 => Wan(value),
        _ => (value.ToString(CultureInfo.InvariantCulture), value),
    };

    /// <summary>"1.6万": the creator center's own rounding to a tenth of ten thousand. The exact count is gone.</summary>
    private static (object Cell, long? Meaning) Wan(long value)
    {
        var tenThousands = Math.Round(value / 10_000m, 1, MidpointRounding.AwayFromZero);
        return (tenThousands.ToString("0.0", CultureInfo.InvariantCulture) + "万", (long)(tenThousands * 10_000));
    }

    private static (object Cell, decimal? Meaning) FormatRate(decimal fraction, int roll)
    {
        if (roll < 50)
        {
            return ((double)fraction, fraction);
        }

        if (roll < 80)
        {
            var percent = Math.Round(fraction * 100, 2, MidpointRounding.AwayFromZero);
            return (percent.ToString("0.00", CultureInfo.InvariantCulture) + "%", percent / 100);
        }

        return (fraction.ToString("0.000000", CultureInfo.InvariantCulture), fraction);
    }

    private static (object Cell, decimal? Meaning) FormatSeconds(decimal seconds, int roll)
    {
        if (roll < 50)
        {
            return ((double)seconds, seconds);
        }

        var rounded = Math.Round(seconds, 2, MidpointRounding.AwayFromZero);
        return (rounded.ToString("0.00", CultureInfo.InvariantCulture) + "s", rounded);
    }

    private static (object Cell, DateTimeOffset Meaning, TimeSpan Precision) FormatPublishTime(DateTimeOffset publishTime, ExportTimeFormat format)
    {
        var beijing = ShanghaiClock.ToShanghai(publishTime).DateTime;
        return format switch
        {
            ExportTimeFormat.TextSeconds => (beijing.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), publishTime, TimeSpan.FromSeconds(1)),
            ExportTimeFormat.TextMinutes => (
                beijing.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                publishTime.AddTicks(-(publishTime.UtcTicks % TimeSpan.TicksPerMinute)),
                TimeSpan.FromMinutes(1)),
            _ => (beijing, publishTime, TimeSpan.FromSeconds(1)),
        };
    }

    private static string GenreText(int genre) => genre switch
    {
        5 => "图文",
        8 => "长图文",
        _ => "视频",
    };

    private static string ReviewText(SandboxItem item) => item.ReviewStatus switch
    {
        1 => "审核中",
        5 => "需优化",
        6 => "好友可见",
        _ => item.IsPublic ? "公开" : "自见",
    };

    /// <summary>FNV-1a over the parts' invariant text: stable across processes, unlike string.GetHashCode.</summary>
    private static ulong Hash(params object[] parts)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(Convert.ToString(part, CultureInfo.InvariantCulture) + "\u001f"))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
        }

        return hash;
    }
}
