using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.UnitTests.Streams.ItemExport;

/// <summary>Every value format the real "作品列表导出.xlsx" carries (RESEARCH.md §4), cell by cell.</summary>
public sealed class ExportValuesTests
{
    [Theory]
    [InlineData("196", 196L, false)]
    [InlineData("1,234", 1234L, false)]
    [InlineData("12,345,678", 12345678L, false)]
    [InlineData("1.2万", 12000L, true)]
    [InlineData("3.5w", 35000L, true)]
    [InlineData("2亿", 200000000L, true)]
    [InlineData(" 42 ", 42L, false)]
    [InlineData("7350123456789012345", 7350123456789012345L, false)]
    public void Count_Text_ReadsEveryPrintedForm(string text, long expected, bool approximate)
    {
        var value = ExportValues.Count(ExportCell.OfText(text));

        Assert.Equal(expected, value.Value);
        Assert.False(value.Unreadable);
        Assert.Equal(approximate, value.Approximate);
    }

    [Theory]
    [InlineData(0d, 0L)]
    [InlineData(196d, 196L)]
    [InlineData(9007199254740991d, 9007199254740991L)]
    public void Count_Number_IsExactBelowDoublePrecision(double number, long expected) =>
        Assert.Equal(expected, ExportValues.Count(ExportCell.OfNumber(number)).Value);

    [Fact]
    public void Count_NumberBeyondDoublePrecision_IsRefusedNotRounded()
    {
        // What ClosedXML hands back for a cell holding 7350123456789012345: the last digits are already gone.
        var value = ExportValues.Count(ExportCell.OfNumber(7350123456789012345d));

        Assert.Null(value.Value);
        Assert.True(value.Unreadable);
        Assert.Contains("double precision", value.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("--")]
    [InlineData("")]
    [InlineData("N/A")]
    public void Count_Placeholder_IsNoValueNotZero(string text)
    {
        var value = ExportValues.Count(ExportCell.OfText(text));

        Assert.Null(value.Value);
        Assert.False(value.Unreadable);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("58%")]
    [InlineData("1.23456万")]
    public void Count_NotACount_IsUnreadable(string text) => Assert.True(ExportValues.Count(ExportCell.OfText(text)).Unreadable);

    [Fact]
    public void Count_FractionalNumberOrDate_IsUnreadable()
    {
        Assert.True(ExportValues.Count(ExportCell.OfNumber(1.5)).Unreadable);
        Assert.True(ExportValues.Count(ExportCell.OfDate(new DateTime(2026, 1, 5))).Unreadable);
    }

    [Theory]
    [InlineData("58.5%", "0.585")]
    [InlineData("58.52%", "0.5852")]
    [InlineData("0%", "0")]
    [InlineData("100%", "1")]
    [InlineData("0.696970", "0.696970")]
    [InlineData(" 0.25 ", "0.25")]
    public void Rate_Text_PercentOrFraction(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ExportValues.Rate(ExportCell.OfText(text)).Value);

    [Fact]
    public void Rate_Number_IsTheFractionAsPrinted()
    {
        Assert.Equal(0.585213m, ExportValues.Rate(ExportCell.OfNumber(0.585213)).Value);
        Assert.Equal(0m, ExportValues.Rate(ExportCell.OfNumber(0)).Value);
    }

    [Theory]
    [InlineData("58.5")]
    [InlineData("150%")]
    [InlineData("0.5s")]
    [InlineData("高")]
    public void Rate_OutsideZeroToOneOrNotARate_IsUnreadableNotGuessed(string text) => Assert.True(ExportValues.Rate(ExportCell.OfText(text)).Unreadable);

    [Fact]
    public void Rate_NumberAboveOne_IsUnreadable() => Assert.True(ExportValues.Rate(ExportCell.OfNumber(58.5)).Unreadable);

    [Fact]
    public void Rate_Dash_IsNoValue() => Assert.Equal(default, ExportValues.Rate(ExportCell.OfText("-")));

    [Theory]
    [InlineData("33.00s", "33.00")]
    [InlineData("33.12s", "33.12")]
    [InlineData("12秒", "12")]
    [InlineData("7.5", "7.5")]
    public void Seconds_Text_WithOrWithoutUnit(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ExportValues.Seconds(ExportCell.OfText(text)).Value);

    [Fact]
    public void Seconds_NumberOrTimeCell()
    {
        Assert.Equal(33.123456m, ExportValues.Seconds(ExportCell.OfNumber(33.123456)).Value);
        Assert.Equal(65m, ExportValues.Seconds(ExportCell.OfDuration(TimeSpan.FromSeconds(65))).Value);
    }

    [Theory]
    [InlineData("1分05秒")]
    [InlineData("-3s")]
    [InlineData("33%")]
    public void Seconds_Unsupported_IsUnreadable(string text) => Assert.True(ExportValues.Seconds(ExportCell.OfText(text)).Unreadable);

    [Theory]
    [InlineData("2026-11-20 18:30:15", "2026-11-20T10:30:15Z", "Second")]
    [InlineData("2026/11/20 18:30:15", "2026-11-20T10:30:15Z", "Second")]
    [InlineData("2026.11.20 18:30:15", "2026-11-20T10:30:15Z", "Second")]
    [InlineData("2026-11-20 18:30", "2026-11-20T10:30:00Z", "Minute")]
    [InlineData("2026/1/5 8:05", "2026-01-05T00:05:00Z", "Minute")]
    [InlineData("2026-01-01 07:59", "2025-12-31T23:59:00Z", "Minute")]
    [InlineData("2026-11-20", "2026-11-19T16:00:00Z", "Day")]
    public void PublishTime_Text_IsBeijingTimeWithItsPrecision(string text, string utc, string precision)
    {
        var (time, actualPrecision) = ExportValues.PublishTime(ExportCell.OfText(text));

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), time.Value);
        Assert.Equal(Enum.Parse<TimePrecision>(precision), actualPrecision);
    }

    [Fact]
    public void PublishTime_ExcelDate_IsBeijingTimeToTheSecondDespiteSerialNoise()
    {
        // 46346.4376736111 is 2026-11-20 10:30:15 less a fraction of a millisecond, as serial dates come back.
        var (time, precision) = ExportValues.PublishTime(ExportCell.OfDate(DateTime.FromOADate(46346.4376736111)));

        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 30, 15, TimeSpan.Zero), time.Value);
        Assert.Equal(TimePrecision.Second, precision);
    }

    [Fact]
    public void PublishTime_BareSerialNumber_IsReadAsADate() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 30, 15, TimeSpan.Zero), ExportValues.PublishTime(ExportCell.OfNumber(46346.4376736111)).Time.Value);

    [Theory]
    [InlineData("昨天 18:30")]
    [InlineData("20/11/2026 18:30")]
    [InlineData("-")]
    public void PublishTime_NotADate_IsUnreadable(string text) => Assert.True(ExportValues.PublishTime(ExportCell.OfText(text)).Time.Unreadable);

    [Fact]
    public void PublishTime_NumberThatIsNoDate_IsUnreadable() => Assert.True(ExportValues.PublishTime(ExportCell.OfNumber(7350123456789012345d)).Time.Unreadable);

    [Fact]
    public void Text_KeepsTextExactly_AndFlagsNumbersThatLostDigits()
    {
        Assert.Equal(("  00123 ", null), ExportValues.Text(ExportCell.OfText("  00123 ")));
        Assert.Equal(("196", null), ExportValues.Text(ExportCell.OfNumber(196)));
        Assert.NotNull(ExportValues.Text(ExportCell.OfNumber(7350123456789012345d)).Why);
        Assert.Equal((null, null), ExportValues.Text(ExportCell.Empty));
    }
}
