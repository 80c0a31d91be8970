using System.Text.Json;
using DouyinEtl.Json;

namespace DouyinEtl.UnitTests.Json;

public sealed class JsonReadTests
{
    [Theory]
    [InlineData("196", 196)]
    [InlineData("1,234", 1234)]
    [InlineData("1.2万", 12000)]
    [InlineData("3.5w", 35000)]
    [InlineData("2亿", 200000000)]
    [InlineData("1.000000", 1)]
    [InlineData(" 42 ", 42)]
    public void TryParseCount_ReadsTheFormsTheCreatorCenterUses(string text, long expected)
    {
        Assert.True(JsonRead.TryParseCount(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("58%")]
    public void TryParseCount_RefusesWhatIsNotACount(string text) => Assert.False(JsonRead.TryParseCount(text, out _));

    [Theory]
    [InlineData("\"58.5%\"", "0.585")]
    [InlineData("\"0.696970\"", "0.696970")]
    [InlineData("\"33.00s\"", "33.00")]
    [InlineData("\"12秒\"", "12")]
    [InlineData("0.25", "0.25")]
    public void TryDecimal_ReadsRatesAndDurations(string json, string expected)
    {
        Assert.True(JsonRead.TryDecimal(JsonDocument.Parse(json).RootElement, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("\"-\"")]
    [InlineData("\"--\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("\"N/A\"")]
    public void Placeholders_AreNoValueNotZeroAndNotAProblem(string json)
    {
        var problems = new PayloadProblems();
        var element = JsonDocument.Parse($$"""{"v": {{json}} }""").RootElement;

        Assert.Null(problems.Count(element, "v"));
        Assert.Null(problems.Decimal(element, "v"));
        Assert.Empty(problems.Messages);
    }

    [Fact]
    public void Id_ReadsA19DigitNumberFromItsTextNotThroughADouble()
    {
        var element = JsonDocument.Parse("""{"id": 7412345678901234567, "other": "7559536212910853422"}""").RootElement;
        var problems = new PayloadProblems();

        Assert.Equal("7412345678901234567", problems.Id(element, "id"));
        Assert.Equal("7559536212910853422", problems.Id(element, "other"));
        Assert.NotEqual("7412345678901234567", ((long)(double)7412345678901234567).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
    [Fact]
    public void Key_TooLongForAnIndex_IsReportedAndReadAsMissing()
    {
        var problems = new PayloadProblems();
        var entry = JsonDocument.Parse($$"""{ "keyword": "{{new string('词', 400)}}", "short": "抖音" }""").RootElement;

        Assert.Null(problems.Key(entry, "keyword"));
        Assert.Equal("抖音", problems.Key(entry, "short"));
        Assert.Contains("too long", Assert.Single(problems.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Section_ThatIsNotAnObject_IsReportedNotSilentlyMissing()
    {
        var problems = new PayloadProblems();
        var item = JsonDocument.Parse("""{ "metrics": "[object Object]", "review": { "status": 1 }, "gone": null }""").RootElement;

        Assert.Null(problems.Section(item, "metrics"));
        Assert.NotNull(problems.Section(item, "review"));
        Assert.Null(problems.Section(item, "gone"));
        Assert.Null(problems.Path(item, "metrics", "play_count"));
        Assert.Equal(["'metrics' is not an object: \"[object Object]\""], problems.Messages);
    }

    [Fact]
    public void Expect_AFieldEveryShapeCarries_IsReportedWhenAbsentButNotWhenNullOrAPlaceholder()
    {
        var problems = new PayloadProblems();
        var point = JsonDocument.Parse("""{ "key": "00:01", "other": 1 }""").RootElement;

        Assert.False(problems.Expect(point, "a point of 'current_item'", "value"));
        Assert.True(problems.Expect(JsonDocument.Parse("""{ "value": null }""").RootElement, "a point", "value"));
        Assert.True(problems.Expect(JsonDocument.Parse("""{ "ratio": "-" }""").RootElement, "a pair", "value", "ratio"));
        Assert.Equal(["a point of 'current_item' has no 'value'"], problems.Messages);
    }
}
