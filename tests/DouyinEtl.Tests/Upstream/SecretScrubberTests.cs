using System.Text.Json.Nodes;
using DouyinEtl.Upstream;

namespace DouyinEtl.Tests.Upstream;

public sealed class SecretScrubberTests
{
    private const string Cookie = "sessionid=0123456789abcdef0123456789abcdef; sid_tt=0123456789abcdef0123456789abcdef; uid_tt=fedcba9876543210fedcba9876543210";

    [Fact]
    public void ScrubJson_MasksCookiePropertiesAndEchoesAnywhereInTheTree()
    {
        var scrubber = new SecretScrubber([Cookie, "api-key-123456"]);
        var envelope = JsonNode.Parse($$"""
            { "params": { "cookie": "{{Cookie}}", "count": 10 },
              "detail": { "params": { "Cookie": "{{Cookie}}" } },
              "data": { "echo": ["before uid_tt=fedcba9876543210fedcba9876543210 after", "clean"], "key": "Bearer api-key-123456" } }
            """)!;

        scrubber.ScrubJson(envelope);

        var text = envelope.ToJsonString();
        Assert.DoesNotContain("0123456789abcdef0123456789abcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fedcba9876543210fedcba9876543210", text, StringComparison.Ordinal);
        Assert.DoesNotContain("api-key-123456", text, StringComparison.Ordinal);
        Assert.Equal("***", envelope["params"]!["cookie"]!.GetValue<string>());
        Assert.Equal(10, envelope["params"]!["count"]!.GetValue<int>());
        Assert.Equal("clean", envelope["data"]!["echo"]![1]!.GetValue<string>());
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
