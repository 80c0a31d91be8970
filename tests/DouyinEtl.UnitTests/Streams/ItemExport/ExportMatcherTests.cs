using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.UnitTests.Streams.ItemExport;

public sealed class ExportMatcherTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);

    // Two re-uploads of "猫咪日常" seconds apart in the same minute, and a third the next minute.
    private static readonly KnownItem[] Items =
    [
        new("7000000000000000001", "猫咪日常 第6期 #vlog", Noon.AddSeconds(4)),
        new("7000000000000000002", "猫咪日常 第6期 #vlog", Noon.AddSeconds(48)),
        new("7000000000000000003", "猫咪日常 第6期 #vlog", Noon.AddSeconds(75)),
        new("7000000000000000004", "换行\r\n的标题", Noon.AddHours(1)),
        new("7000000000000000005", "周末探店", Noon.AddHours(2)),
    ];

    [Fact]
    public void Match_TitleAndPublishSecond_IsTheOneWork()
    {
        var match = ExportMatcher.Match([Row("猫咪日常 第6期 #vlog", Noon.AddSeconds(48), TimePrecision.Second)], Items).Single();

        Assert.Equal((MatchStatus.Matched, "7000000000000000002"), (match.Status, match.ItemId));
        Assert.Equal("title + publish second", match.Detail);
    }

    [Fact]
    public void Match_MinuteShowingTwoReuploads_IsAmbiguousWithBothCandidates()
    {
        var match = ExportMatcher.Match([Row("猫咪日常 第6期 #vlog", Noon, TimePrecision.Minute)], Items).Single();

        Assert.Equal(MatchStatus.Ambiguous, match.Status);
        Assert.Null(match.ItemId);
        Assert.Equal(["7000000000000000001", "7000000000000000002"], match.Candidates);
    }

    [Fact]
    public void Match_MinuteWithOneWork_IsMatched() =>
        Assert.Equal("7000000000000000003", ExportMatcher.Match([Row("猫咪日常 第6期 #vlog", Noon.AddMinutes(1), TimePrecision.Minute)], Items).Single().ItemId);

    [Fact]
    public void Match_AmbiguousRowWhoseOtherCandidateAnotherRowHolds_IsResolvedByElimination()
    {
        ExportRow[] rows = [Row("猫咪日常 第6期 #vlog", Noon, TimePrecision.Minute), Row("猫咪日常 第6期 #vlog", Noon.AddSeconds(4), TimePrecision.Second)];

        var matches = ExportMatcher.Match(rows, Items);

        Assert.Equal("7000000000000000001", matches[1].ItemId);
        Assert.Equal((MatchStatus.Matched, "7000000000000000002"), (matches[0].Status, matches[0].ItemId));
        Assert.Contains("other rows of the export", matches[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_BothReuploadsPrintedToTheMinute_StayAmbiguous()
    {
        var matches = ExportMatcher.Match([Row("猫咪日常 第6期 #vlog", Noon, TimePrecision.Minute), Row("猫咪日常 第6期 #vlog", Noon, TimePrecision.Minute)], Items);

        Assert.All(matches, m => Assert.Equal(MatchStatus.Ambiguous, m.Status));
    }

    [Fact]
    public void Match_TwoRowsClaimingOneWork_TrustNeither()
    {
        var matches = ExportMatcher.Match([Row("周末探店", Noon.AddHours(2), TimePrecision.Second), Row("周末探店", Noon.AddHours(2), TimePrecision.Second)], Items);

        Assert.All(matches, m => Assert.Equal(MatchStatus.Ambiguous, m.Status));
        Assert.All(matches, m => Assert.Contains("2 rows of the export", m.Detail, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("换行\n的标题")]
    [InlineData("换行 的标题")]
    [InlineData("  换行\r\n的标题 ")]
    public void Match_TitleDiffersOnlyInLineEndsOrSpaces_StillMatches(string printed) =>
        Assert.Equal("7000000000000000004", ExportMatcher.Match([Row(printed, Noon.AddHours(1), TimePrecision.Second)], Items).Single().ItemId);

    [Fact]
    public void Match_TitleDiffersInContent_DoesNotMatch() =>
        Assert.Equal(MatchStatus.Unmatched, ExportMatcher.Match([Row("换行的标题", Noon.AddHours(1), TimePrecision.Second)], Items).Single().Status);

    [Theory]
    [InlineData("没见过的作品", 0, "no known work has this title")]
    [InlineData("周末探店", 1, "1 known work(s) have this title, none published in that second")]
    public void Match_NoWork_IsUnmatchedWithTheReason(string title, int secondsOff, string detail)
    {
        var match = ExportMatcher.Match([Row(title, Noon.AddHours(2).AddSeconds(secondsOff), TimePrecision.Second)], Items).Single();

        Assert.Equal(MatchStatus.Unmatched, match.Status);
        Assert.StartsWith(detail, match.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RowWithoutTitleOrTime_IsUnmatchedNotDropped()
    {
        var matches = ExportMatcher.Match([Row(null, Noon, TimePrecision.Second), Row("周末探店", null, TimePrecision.Second), Row("", null, TimePrecision.Second)], Items);

        Assert.Equal(3, matches.Count);
        Assert.Equal(
            ["the row has no title, and no known work without a caption was published in that second", "the row's publish time is missing or unreadable", "the row has no title and its publish time is missing or unreadable"],
            matches.Select(m => m.Detail));
    }

    // A work without a caption: the export's 作品名称 is empty, and only its publish time can join it (its 主页访问量 is only there).
    private static readonly KnownItem[] WithUncaptioned =
    [
        .. Items,
        new("7000000000000000006", "", Noon.AddHours(3).AddSeconds(10)),
        new("7000000000000000007", "有标题的作品", Noon.AddHours(3).AddSeconds(20)),
        new("7000000000000000008", "", Noon.AddHours(4).AddSeconds(10)),
        new("7000000000000000009", null, Noon.AddHours(4).AddSeconds(40)),
    ];

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Match_RowWithoutTitle_JoinsTheOnlyWorkWithoutACaptionPublishedThen(string? title)
    {
        var match = ExportMatcher.Match([Row(title, Noon.AddHours(3).AddSeconds(10), TimePrecision.Second)], WithUncaptioned).Single();

        Assert.Equal((MatchStatus.Matched, "7000000000000000006"), (match.Status, match.ItemId));
        Assert.Equal("no title: the account's only work without a caption published in that second", match.Detail);
    }

    [Fact]
    public void Match_RowWithoutTitle_IsNeverJoinedToAWorkWithACaption()
    {
        // The minute holds a captioned work and an uncaptioned one: the captioned one shows its caption in the export.
        var minute = ExportMatcher.Match([Row("", Noon.AddHours(3), TimePrecision.Minute)], WithUncaptioned).Single();
        var captionedSecond = ExportMatcher.Match([Row("", Noon.AddHours(3).AddSeconds(20), TimePrecision.Second)], WithUncaptioned).Single();

        Assert.Equal((MatchStatus.Matched, "7000000000000000006"), (minute.Status, minute.ItemId));
        Assert.Equal(MatchStatus.Unmatched, captionedSecond.Status);
    }

    [Fact]
    public void Match_RowWithoutTitleInAMinuteOfSeveralUncaptionedWorks_IsAmbiguousWithCandidates()
    {
        // A work whose title item-list did not give (null) may be the one without a caption too.
        var match = ExportMatcher.Match([Row("", Noon.AddHours(4), TimePrecision.Minute)], WithUncaptioned).Single();

        Assert.Equal(MatchStatus.Ambiguous, match.Status);
        Assert.Equal(["7000000000000000008", "7000000000000000009"], match.Candidates);
    }

    [Fact]
    public void Match_TwoUncaptionedRowsOfOneMinute_ResolveByElimination()
    {
        ExportRow[] rows = [Row("", Noon.AddHours(4), TimePrecision.Minute), Row("", Noon.AddHours(4).AddSeconds(40), TimePrecision.Second)];

        var matches = ExportMatcher.Match(rows, WithUncaptioned);

        Assert.Equal(["7000000000000000008", "7000000000000000009"], matches.Select(m => m.ItemId));
        Assert.All(matches, m => Assert.Equal(MatchStatus.Matched, m.Status));
    }

    [Fact]
    public void TitleKey_KeepsEmojiAndZeroWidthJoinersButNotNul() =>
        Assert.Equal("👨‍👩‍👧 a b", ExportMatcher.TitleKey("\0👨‍👩‍👧\t a\r\nb\uFFFD"));

    private static ExportRow Row(string? title, DateTimeOffset? publishTime, TimePrecision precision) => new(
        2, title, publishTime, precision, "视频", "公开", 1, null, null, null, null, null, null, null, null, null, null, null,
        new Dictionary<string, string>(), new Dictionary<string, string>());
}
