using System.Text.Json;
using DouyinEtl.Warehouse;

namespace DouyinEtl.UnitTests.Warehouse;

public sealed class TextTests
{
    [Theory]
    [InlineData("""{"t":"a\u0000b"}""", """{"t":"a\ufffdb"}""", 1)]
    [InlineData("""{"t":"lone \ud83d high"}""", """{"t":"lone \ufffd high"}""", 1)]
    [InlineData("""{"t":"lone \uDE00 low"}""", """{"t":"lone \ufffd low"}""", 1)]
    [InlineData("""{"t":"\ude00\ud83d reversed"}""", """{"t":"\ufffd\ufffd reversed"}""", 2)]
    [InlineData("""{"t":"pair \ud83d\ude00 kept"}""", """{"t":"pair \ud83d\ude00 kept"}""", 0)]
    [InlineData("""{"t":"escaped backslash \\ud83d is text"}""", """{"t":"escaped backslash \\ud83d is text"}""", 0)]
    [InlineData("""{"t":"escaped then real \\\ud83d"}""", """{"t":"escaped then real \\\ufffd"}""", 1)]
    [InlineData("""{"t":"\u4e2d\u6587"}""", """{"t":"\u4e2d\u6587"}""", 0)]
    public void StorableJson_ReplacesOnlyEscapesPostgreSqlAndSystemTextJsonCannotHold(string json, string expected, int replacements)
    {
        var storable = Text.StorableJson(json, out var replaced);

        Assert.Equal(expected, storable);
        Assert.Equal(replacements, replaced);
        Assert.NotNull(JsonDocument.Parse(storable).RootElement.GetProperty("t").GetString());
    }
}
