using DouyinEtl.Upstream;

namespace DouyinEtl.UnitTests.Upstream;

/// <summary>The one table of the creator platform's inner codes, which the live client and the replay both read.</summary>
public sealed class InnerStatusesTests
{
    [Theory]
    [InlineData(0, "Ok", null)]
    [InlineData(10001, "NoDataYet", null)]
    [InlineData(200001, "RangeTooLarge", null)]
    [InlineData(8, "Error", "CookieExpired")]
    [InlineData(2190008, "Error", "CookieExpired")]
    [InlineData(10008, "Error", "CookieExpired")]
    [InlineData(7, "Error", "NoPermission")]
    [InlineData(5, "Error", null)]
    [InlineData(-1, "Error", null)]
    public void Read_MapsTheCode(int code, string status, string? account)
    {
        var (read, unusable) = InnerStatuses.Read(code);

        Assert.Equal(status, read.ToString());
        Assert.Equal(account, unusable?.ToString());
    }
}
