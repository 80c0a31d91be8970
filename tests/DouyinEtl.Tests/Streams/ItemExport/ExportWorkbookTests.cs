using ClosedXML.Excel;
using DouyinEtl.Json;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.Tests.Streams.ItemExport;

public sealed class ExportWorkbookTests
{
    private static readonly string[] Official = [.. ItemExportSheet.OfficialHeaders];

    [Theory]
    [InlineData(PayloadVariant.RealWorld, ExportAnswer.Workbook)]
    [InlineData(PayloadVariant.Documented, ExportAnswer.Workbook)]
    [InlineData(PayloadVariant.RealWorld, ExportAnswer.ColumnsReordered)]
    [InlineData(PayloadVariant.RealWorld, ExportAnswer.ExtraColumns)]
    public void Read_SandboxWorkbook_EveryRowEqualsWhatWasServed(PayloadVariant variant, ExportAnswer answer)
    {
        foreach (var format in new ExportTimeFormat?[] { null, ExportTimeFormat.ExcelDate, ExportTimeFormat.TextSeconds, ExportTimeFormat.TextMinutes, ExportTimeFormat.Mixed })
        {
            var sheet = Sheet(variant, answer, format);
            var problems = new PayloadProblems();

            var read = ExportWorkbook.Read(ItemExportEndpoint.Write(sheet), problems);

            Assert.Empty(problems.Messages);
            Assert.Equal(sheet.Rows.Count, read.Rows.Count);
            foreach (var (truth, row) in sheet.Rows.Zip(read.Rows))
            {
                var e = truth.Expected;
                Assert.Equal(truth.SheetRow, row.SheetRow);
                Assert.Equal(e.Title, row.Title);
                Assert.Equal(e.PublishTime, row.PublishTime);
                Assert.Equal(e.PublishTimePrecision, row.PublishTimePrecision.Width());
                Assert.Equal((e.Genre, e.ReviewStatus), (row.Genre, row.ReviewStatus));
                Assert.Equal(
                    (e.ViewCount, e.LikeCount, e.ShareCount, e.CommentCount, e.FavoriteCount, e.HomepageVisitCount, e.SubscribeCount),
                    (row.ViewCount, row.LikeCount, row.ShareCount, row.CommentCount, row.FavoriteCount, row.HomepageVisitCount, row.SubscribeCount));
                Assert.Equal(
                    (e.CompletionRate, e.CompletionRate5s, e.CoverClickRate, e.BounceRate2s, e.AvgViewSecond),
                    (row.CompletionRate, row.CompletionRate5s, row.CoverClickRate, row.BounceRate2s, row.AvgViewSecond));
                Assert.Equal(answer == ExportAnswer.ExtraColumns ? ItemExportSheet.ExtraHeaders.Count : 0, row.ExtraColumns.Count);
            }
        }
    }

    [Fact]
    public void Read_RealWorldWorkbook_ServesEveryFormatTheReaderMustKnow()
    {
        // Guards the sandbox itself: a truth test over one format only would prove little.
        var cells = Sheet(PayloadVariant.RealWorld, ExportAnswer.Workbook, ExportTimeFormat.Mixed).Rows.SelectMany(r => r.Cells.Values).ToList();

        Assert.Contains(cells, c => c is double);
        Assert.Contains(cells, c => c is DateTime);
        Assert.Contains(cells, c => c is string s && s.EndsWith('%'));
        Assert.Contains(cells, c => c is string s && s.EndsWith('万'));
        Assert.Contains(cells, c => c is string s && s.Contains(',', StringComparison.Ordinal) && char.IsAsciiDigit(s[0]));
        Assert.Contains(cells, c => c is string s && s.EndsWith('s') && char.IsAsciiDigit(s[0]));
        Assert.Contains(cells, c => c is "-");
        Assert.Contains(cells, c => c is string s && s.Length == 16 && s[4] == '-' && s[13] == ':');
        Assert.Contains(cells, c => c is string s && s.Length == 19 && s[4] == '-' && s[16] == ':');
    }

    [Fact]
    public void Read_ApproximateAndUnreadableCells_KeepTheirTextAndAreReportedOnce()
    {
        var bytes = Workbook(Official, ["标题", "2026-11-20 18:30:15", "视频", "公开", "1.2万", "高", "0.5", "0.1", "0.2", "33s", "abc", "1", "2", "3", "4", "5"],
            ["标题2", "2026-11-20 18:31:15", "视频", "公开", "2", "低", "0.5", "0.1", "0.2", "33s", "abc", "1", "2", "3", "4", "5"]);
        var problems = new PayloadProblems();

        var rows = ExportWorkbook.Read(bytes, problems).Rows;

        Assert.Equal(12000, rows[0].ViewCount);
        Assert.Null(rows[0].CompletionRate);
        Assert.Null(rows[0].LikeCount);
        Assert.Equal(new Dictionary<string, string> { ["播放量"] = "1.2万", ["完播率"] = "高", ["点赞量"] = "abc" }, rows[0].CellText);
        Assert.Equal(new Dictionary<string, string> { ["完播率"] = "低", ["点赞量"] = "abc" }, rows[1].CellText);
        Assert.Equal(3, problems.Messages.Count);
        Assert.Contains(problems.Messages, m => m.StartsWith("点赞量 \"abc\" is not a count", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NumericLookingText_StaysTextAndExact()
    {
        var bytes = Workbook(Official, ["00123", "2026-11-20 18:30:15", "视频", "TRUE", "7350123456789012345", "-", "-", "-", "-", "-", "2026-01-05", "0", "0", "0", "0", "0"]);
        var problems = new PayloadProblems();

        var row = ExportWorkbook.Read(bytes, problems).Rows.Single();

        Assert.Equal("00123", row.Title);
        Assert.Equal("TRUE", row.ReviewStatus);
        Assert.Equal(7350123456789012345, row.ViewCount);
        Assert.Null(row.LikeCount);
        Assert.Equal("2026-01-05", row.CellText["点赞量"]);
    }

    [Fact]
    public void Read_NumericCellBeyondDoublePrecision_IsNotSilentlyRounded()
    {
        var bytes = Workbook(Official, ["t", "2026-11-20 18:30:15", "视频", "公开", 7350123456789012345d, "-", "-", "-", "-", "-", 1d, 2d, 3d, 4d, 5d, 6d]);
        var problems = new PayloadProblems();

        var row = ExportWorkbook.Read(bytes, problems).Rows.Single();

        Assert.Null(row.ViewCount);
        Assert.True(row.CellText.ContainsKey("播放量"));
        Assert.Contains(problems.Messages, m => m.Contains("double precision", StringComparison.Ordinal));
        Assert.Equal((1L, 6L), (row.LikeCount!.Value, row.SubscribeCount!.Value));
    }

    [Theory]
    [InlineData("发布时间")]
    [InlineData("作品名称")]
    public void Read_RequiredColumnMissing_FailsWithOneMessageNamingIt(string missing)
    {
        var headers = Official.Where(h => h != missing).ToArray();
        var bytes = Workbook(headers, [.. headers.Select(_ => (object)"1")]);

        var error = Assert.Throws<ExportWorkbookException>(() => ExportWorkbook.Read(bytes, new PayloadProblems()));

        Assert.Contains($"no {missing} column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OptionalColumnMissing_RowsLandWithOneProblem()
    {
        var headers = Official.Where(h => h != "主页访问量").ToArray();
        var bytes = Workbook(headers, ["a", "2026-11-20 18:30", "视频", "公开", 1d, 0.1, 0.1, 0.1, 0.1, 3d, 1d, 1d, 1d, 1d, 1d], ["b", "2026-11-20 18:31", "视频", "公开", 1d, 0.1, 0.1, 0.1, 0.1, 3d, 1d, 1d, 1d, 1d, 1d]);
        var problems = new PayloadProblems();

        var read = ExportWorkbook.Read(bytes, problems);

        Assert.Equal(2, read.Rows.Count);
        Assert.All(read.Rows, r => Assert.Null(r.HomepageVisitCount));
        Assert.Equal(["主页访问量"], read.MissingColumns);
        Assert.Equal("the export has no 主页访问量 column: that value is left empty on every row", Assert.Single(problems.Messages));
    }

    [Fact]
    public void Read_HeadersWithSpacesCaseAndAliases_AreRecognized()
    {
        string[] headers = [" 作品名称 ", "发布时间", "5S完播率", "2秒跳出率", "涨粉量", "未知列"];
        var bytes = Workbook(headers, ["t", "2026-11-20 18:30:15", "50%", "10%", "7", "x"]);

        var read = ExportWorkbook.Read(bytes, new PayloadProblems());

        var row = read.Rows.Single();
        Assert.Equal((0.5m, 0.1m, 7L), (row.CompletionRate5s!.Value, row.BounceRate2s!.Value, row.SubscribeCount!.Value));
        Assert.Equal(["未知列"], read.ExtraHeaders);
        Assert.Equal("x", row.ExtraColumns["未知列"]);
    }

    [Fact]
    public void Read_HeaderBelowABannerRow_AndBlankRows_AreHandled()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Sheet1");
        sheet.Cell(1, 1).SetValue("作品列表导出 2026-11-20");
        for (var c = 0; c < Official.Length; c++)
        {
            sheet.Cell(2, c + 1).SetValue(Official[c]);
        }

        sheet.Cell(3, 1).SetValue("a");
        sheet.Cell(3, 2).SetValue("2026-11-20 18:30");
        sheet.Cell(5, 1).SetValue("b");
        sheet.Cell(5, 2).SetValue("2026-11-20 18:31");

        var rows = ExportWorkbook.Read(Save(workbook), new PayloadProblems()).Rows;

        Assert.Equal([(3, "a"), (5, "b")], rows.Select(r => (r.SheetRow, r.Title)));
    }

    [Fact]
    public void Read_DuplicateHeader_ReadsTheFirstAndSaysSo()
    {
        string[] headers = ["作品名称", "发布时间", "播放量", "播放量"];
        var problems = new PayloadProblems();

        var row = ExportWorkbook.Read(Workbook(headers, ["t", "2026-11-20 18:30", 5d, 6d]), problems).Rows.Single();

        Assert.Equal(5, row.ViewCount);
        Assert.Contains(problems.Messages, m => m.Contains("names 播放量 twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_HeaderOnlyOrBlankWorkbook_HasNoRows()
    {
        Assert.Empty(ExportWorkbook.Read(Workbook(Official), new PayloadProblems()).Rows);

        using var blank = new XLWorkbook();
        blank.AddWorksheet("Sheet1");
        Assert.Empty(ExportWorkbook.Read(Save(blank), new PayloadProblems()).Rows);
    }

    [Fact]
    public void Read_SheetWithoutAnyKnownHeader_IsUnusable()
    {
        var error = Assert.Throws<ExportWorkbookException>(() => ExportWorkbook.Read(Workbook(["名字", "日期"], ["a", "b"]), new PayloadProblems()));

        Assert.Contains("header row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedZipOrHtml_IsUnreadableNotACrash()
    {
        var whole = ItemExportEndpoint.Write(Sheet(PayloadVariant.RealWorld, ExportAnswer.Workbook, null));

        foreach (var body in new[] { whole[..(whole.Length / 2)], whole[..4], "<html>502 Bad Gateway</html>"u8.ToArray(), [] })
        {
            var error = Assert.Throws<ExportWorkbookException>(() => ExportWorkbook.Read(body, new PayloadProblems()));
            Assert.Contains("not a readable .xlsx workbook", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A window over every work of a 120-work account (all genres, review states and the awkward titles), exported in the
    /// hour its newest work was published: that work has no views yet, so its rates print "-".
    /// </summary>
    private static ExportSheet Sheet(PayloadVariant variant, ExportAnswer answer, ExportTimeFormat? format)
    {
        var world = new SandboxWorld(new SandboxOptions { Accounts = 1, ItemsPerAccount = 120, Variant = variant, Seed = 4 }, ShanghaiClock.Day(Harness.DefaultNow));
        world.Options.ItemExport.Answers["creator-01"] = answer;
        world.Options.ItemExport.PublishTimeFormat = format;
        var now = world.VisibleItems("creator-01", Harness.DefaultNow).First().PublishTime;
        return ItemExportSheet.Build(world, world.Accounts[0], new ExportQuery(0, long.MaxValue / 2, ExportQuery.AllGenres, true), now);
    }

    private static byte[] Workbook(string[] headers, params object[][] rows)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Sheet1");
        for (var c = 0; c < headers.Length; c++)
        {
            sheet.Cell(1, c + 1).SetValue(headers[c]);
        }

        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                if (rows[r][c] is double number)
                {
                    cell.SetValue(number);
                }
                else
                {
                    cell.SetValue((string)rows[r][c]);
                }
            }
        }

        return Save(workbook);
    }

    private static byte[] Save(XLWorkbook workbook)
    {
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}
