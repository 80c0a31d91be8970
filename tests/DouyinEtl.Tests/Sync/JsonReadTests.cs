using System.Text.Json;
using DouyinEtl.Sync;

namespace DouyinEtl.Tests.Sync;

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
}
