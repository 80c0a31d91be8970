using System.Text;
using DouyinEtl.Configuration;

namespace DouyinEtl.UnitTests.Configuration;

public sealed class SecretScrubberTests
{
    private const string Cookie = "sessionid=0123456789abcdef0123456789abcdef; sid_tt=0123456789abcdef0123456789abcdef; uid_tt=fedcba9876543210fedcba9876543210";

    [Fact]
    public void Scrub_Envelope_MasksTheEchoesAndKeepsEveryOtherByteAsServed()
    {
        var scrubber = new SecretScrubber([Cookie, "api-key-123456"]);
        var served = $$$"""
            {"code":200,"params":{"cookie":"{{{Cookie}}}","count":10},
             "detail":{"params":{"Cookie":"{{{Cookie}}}","raw":"cookie={{{Cookie}}}"}},
             "data":{"title":"uid_tt=fedcba9876543210fedcba9876543210 and 0123456789abcdef0123456789abcdef",
                     "n":123,"key":"Bearer api-key-123456","nested":{"params":{"echo":"{{{Cookie}}}"}},
                     "unknown_echo":"{{{Cookie}}}","odd":"caf\u00e9 \u0000 \ud83d"}}
            """;

        var masked = Encoding.UTF8.GetString(scrubber.Scrub(Encoding.UTF8.GetBytes(served)));

        var expected = served
            .Replace($"\"cookie\":\"{Cookie}\"", "\"cookie\":\"***\"", StringComparison.Ordinal)
            .Replace($"\"Cookie\":\"{Cookie}\"", "\"Cookie\":\"***\"", StringComparison.Ordinal)
            .Replace($"\"cookie={Cookie}\"", "\"***\"", StringComparison.Ordinal)
            .Replace($"\"echo\":\"{Cookie}\"", "\"echo\":\"***\"", StringComparison.Ordinal)
            .Replace($"\"unknown_echo\":\"{Cookie}\"", "\"unknown_echo\":\"***\"", StringComparison.Ordinal);
        Assert.Equal(expected, masked);
        Assert.DoesNotContain(Cookie, masked, StringComparison.Ordinal);

        // The data keeps what is not a whole credential: a cookie's value in a title, a short key, a number.
        Assert.Contains("uid_tt=fedcba9876543210fedcba9876543210 and 0123456789abcdef0123456789abcdef", masked, StringComparison.Ordinal);
        Assert.Contains("Bearer api-key-123456", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("的")]
    [InlineData("TODO")]
    [InlineData("sessionid")]
    public void Scrub_ACookieThatIsPartOfTheData_ChangesOnlyTheEcho(string cookie)
    {
        // Start-up refuses such cookies; the masking must not depend on it.
        var scrubber = new SecretScrubber([cookie]);
        var served = $$$"""
            {"code":200,"message":"ok","params":{"cookie":"{{{cookie}}}","start_time":1761926400000},
             "data":{"status_code":0,"item_list":[{"title":"1 的 TODO sessionid 第1条","metrics":{"view_count":"1111","like_rate":0.11}},
                                                 {"title":"{{{cookie}}}","id":"7311111111111111111"}]}}
            """;

        var masked = Encoding.UTF8.GetString(scrubber.Scrub(Encoding.UTF8.GetBytes(served)));

        Assert.Equal(served.Replace($"\"cookie\":\"{cookie}\"", "\"cookie\":\"***\"", StringComparison.Ordinal), masked);
    }

    [Fact]
    public void Scrub_ValidationErrorEchoingTheBody_MasksTheInput()
    {
        var scrubber = new SecretScrubber([Cookie]);
        var served = $$$"""{"detail":[{"type":"missing","loc":["body","item_id"],"msg":"Field required","input":{"cookie":"{{{Cookie}}}","x":1}},{"loc":["body","cookie"],"input":"{{{Cookie}}}"}]}""";

        var masked = Encoding.UTF8.GetString(scrubber.Scrub(Encoding.UTF8.GetBytes(served)));

        Assert.Equal("""{"detail":[{"type":"missing","loc":["body","item_id"],"msg":"Field required","input":{"cookie":"***","x":1}},{"loc":["body","cookie"],"input":"***"}]}""", masked);
    }

    [Fact]
    public void Scrub_NamesAndValuesThatAreNotValidText_AreWalkedAndKept()
    {
        var scrubber = new SecretScrubber([Cookie]);
        var served = $$$$"""{"\ud800":"x","params":{"cookie":"{{{{Cookie}}}}"},"data":{"title":"half \udc00 pair","\udbff":{"cookie":1}}}""";

        var masked = Encoding.UTF8.GetString(scrubber.Scrub(Encoding.UTF8.GetBytes(served)));

        Assert.Equal("""{"\ud800":"x","params":{"cookie":"***"},"data":{"title":"half \udc00 pair","\udbff":{"cookie":"***"}}}""", masked);
    }

    [Fact]
    public void Scrub_BytesThatAreNotText_ComeBackByteForByte()
    {
        var scrubber = new SecretScrubber([Cookie]);
        var zip = new byte[] { (byte)'P', (byte)'K', 3, 4, 0xff, 0xfe, 0xc3, 0x28, 0x80, 0x00, (byte)'"', 0xe2, 0x82 };

        Assert.Same(zip, scrubber.Scrub(zip));
    }

    [Fact]
    public void Scrub_BodyCutOffInsideAnEchoedObjectOrAfterTheCookie_KeepsNoPieceOfIt()
    {
        var scrubber = new SecretScrubber([Cookie]);
        var asObject = $$$"""{"code":200,"params":{"cookies":{"sessionid":"0123456789abcdef0123456789abcdef","sid_tt":"0123""";
        var afterTheCookie = $$$"""{"code":200,"params":{"cookie":"{{{Cookie}}}","raw":"{{{Cookie[..30]}}}""";

        Assert.Equal("""{"code":200,"params":{"cookies":***""", scrubber.Scrub(asObject));
        Assert.Equal("""{"code":200,"params":{"cookie":"***","raw":***""", scrubber.Scrub(afterTheCookie));
    }

    [Fact]
    public void Scrub_RemovesACookieFragmentFromPlainText()
    {
        var scrubber = new SecretScrubber([Cookie]);

        var text = scrubber.Scrub("<html>session 0123456789abcdef0123456789abcdef expired</html>");

        Assert.Equal("<html>session *** expired</html>", text);
    }

    [Fact]
    public void Scrub_RemovesACookieThatTheBodyCarriesJsonEscaped()
    {
        const string cookie = "sessionid=ab+cd/ef; sid_guard=0123456789abcdef%7C1767225600%7CSat%2C+28-Feb-2026";
        var scrubber = new SecretScrubber([cookie]);

        // As an encoder that escapes '+' and '/' writes the echoed params (and how raw bytes of such an envelope are kept).
        var text = scrubber.Scrub("""{"params":{"cookie":"sessionid=ab\u002Bcd\/ef; sid_guard=0123456789abcdef%7C1767225600%7CSat%2C\u002B28-Feb-2026"}}""");

        Assert.DoesNotContain("0123456789abcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ab\\u002Bcd", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(100)]
    public void Scrub_BodyCutOffInsideTheEchoedCookie_KeepsNoPieceOfIt(int cut)
    {
        // A malformed-JSON answer: TikHub's envelope cut off in transit, here inside the echoed params.cookie.
        var scrubber = new SecretScrubber([Cookie]);
        var body = $$$"""{"code":200,"params":{"cookie":"{{{Cookie}}}","count":10},"data":{}}""";
        var cutOff = body[..(body.IndexOf("sessionid", StringComparison.Ordinal) + cut)];

        var text = scrubber.Scrub(cutOff);

        Assert.Equal("""{"code":200,"params":{"cookie":"***""", text);
    }

    [Fact]
    public void Scrub_TextEndingInAPieceOfASecret_MasksThePiece()
    {
        var scrubber = new SecretScrubber([Cookie]);

        Assert.Equal("<html>token fedcba98***", scrubber.Scrub("<html>token fedcba98fedcba9876543210fedc"));
        Assert.Equal("nothing secret here", scrubber.Scrub("nothing secret here"));
    }

    [Fact]
    public void Account_ToString_NeverPrintsTheCookie()
    {
        var account = new DouyinEtl.Configuration.Account("brand-a", "Brand A", Cookie);

        Assert.DoesNotContain("sessionid", account.ToString(), StringComparison.Ordinal);
    }
}
