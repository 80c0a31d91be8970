namespace DouyinEtl.Streams.ItemExport;

/// <summary>The columns of "作品列表导出.xlsx" the loader reads. The file names them in Chinese; their order is not trusted.</summary>
internal enum ExportColumn
{
    Title,
    PublishTime,
    Genre,
    ReviewStatus,
    Views,
    CompletionRate,
    CompletionRate5s,
    CoverClickRate,
    BounceRate2s,
    AvgViewSeconds,
    Likes,
    Shares,
    Comments,
    Favorites,
    HomepageVisits,
    FollowersGained,
}

internal static class ExportColumns
{
    /// <summary>Each column's header in the real file first, then spellings seen in other creator-center tables.</summary>
    private static readonly (ExportColumn Column, string[] Headers)[] Known =
    [
        (ExportColumn.Title, ["作品名称", "作品标题", "标题"]),
        (ExportColumn.PublishTime, ["发布时间"]),
        (ExportColumn.Genre, ["体裁"]),
        (ExportColumn.ReviewStatus, ["审核状态"]),
        (ExportColumn.Views, ["播放量"]),
        (ExportColumn.CompletionRate, ["完播率"]),
        (ExportColumn.CompletionRate5s, ["5s完播率", "5秒完播率"]),
        (ExportColumn.CoverClickRate, ["封面点击率"]),
        (ExportColumn.BounceRate2s, ["2s跳出率", "2秒跳出率"]),
        (ExportColumn.AvgViewSeconds, ["平均播放时长"]),
        (ExportColumn.Likes, ["点赞量"]),
        (ExportColumn.Shares, ["分享量"]),
        (ExportColumn.Comments, ["评论量"]),
        (ExportColumn.Favorites, ["收藏量"]),
        (ExportColumn.HomepageVisits, ["主页访问量"]),
        (ExportColumn.FollowersGained, ["粉丝增量", "涨粉量"]),
    ];

    /// <summary>Without these two a row cannot be joined to its work: a file lacking one is unusable.</summary>
    public static bool IsRequired(ExportColumn column) => column is ExportColumn.Title or ExportColumn.PublishTime;

    public static IEnumerable<ExportColumn> All => Known.Select(k => k.Column);

    /// <summary>The header the real file uses, for messages and <c>cell_text</c> keys.</summary>
    public static string Header(ExportColumn column) => Known.First(k => k.Column == column).Headers[0];

    /// <summary>Matches a header cell, ignoring whitespace, a BOM and ASCII case ("5S完播率 ").</summary>
    public static ExportColumn? Find(string header)
    {
        var normalized = Normalize(header);
        foreach (var (column, headers) in Known)
        {
            if (headers.Any(h => string.Equals(Normalize(h), normalized, StringComparison.OrdinalIgnoreCase)))
            {
                return column;
            }
        }

        return null;
    }

    private static string Normalize(string header) =>
        string.Concat(header.Where(c => !char.IsWhiteSpace(c) && c != '\uFEFF'));
}
