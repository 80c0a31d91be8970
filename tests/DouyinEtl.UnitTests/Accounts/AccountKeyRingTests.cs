using System.Security.Cryptography;
using System.Text;
using DouyinEtl.Accounts;

namespace DouyinEtl.UnitTests.Accounts;

public sealed class AccountKeyRingTests
{
    private const string Cookie = "sessionid=3f2a9c01d4e5b6a7c8d9e0f1a2b3c4d5; sid_tt=0123456789abcdef0123456789abcdef; passport_csrf_token=deadbeef";

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Seal_ThenOpen_GivesTheCookieBack_FromCiphertextThatHoldsNoneOfIt()
    {
        var ring = new AccountKeyRing(Key, []);

        var first = ring.Seal("brand-a", Cookie);
        var second = ring.Seal("brand-a", Cookie);

        Assert.Equal(Cookie, ring.Open("brand-a", first));
        Assert.Equal(AccountKeyRing.KeyIdOf(Key), first.KeyId);
        Assert.Equal(16, first.KeyId.Length);
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        var plain = Encoding.UTF8.GetBytes(Cookie);
        for (var i = 0; i + 8 <= plain.Length; i++)
        {
            Assert.True(first.Ciphertext.AsSpan().IndexOf(plain.AsSpan(i, 8)) < 0, "the ciphertext holds 8 bytes of the cookie");
        }
    }

    [Fact]
    public void Open_ACiphertextMovedToAnotherAccount_Fails_BecauseTheAccountIdIsBound()
    {
        var ring = new AccountKeyRing(Key, []);
        var sealedForA = ring.Seal("brand-a", Cookie);

        var refused = Assert.Throws<AccountSourceException>(() => ring.Open("brand-b", sealedForA));

        Assert.StartsWith($"Account 'brand-b': its stored cookie does not decrypt with key id {AccountKeyRing.KeyIdOf(Key)}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sessionid", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithAnotherKey_IsOneLineNamingTheAccountAndBothKeyIds_NeverAKeyOrTheCookie()
    {
        var other = RandomNumberGenerator.GetBytes(32);
        var sealedCookie = new AccountKeyRing(Key, []).Seal("brand-a", Cookie);

        var refused = Assert.Throws<AccountSourceException>(() => new AccountKeyRing(other, []).Open("brand-a", sealedCookie));

        Assert.Equal(
            $"Account 'brand-a': its cookie is encrypted with key id {AccountKeyRing.KeyIdOf(Key)}, which this process does not have " +
            $"(Secrets:AccountKey is key id {AccountKeyRing.KeyIdOf(other)}). Give it that key as Secrets:AccountKey or in Secrets:PreviousAccountKeys, " +
            "or set the cookie again: douyin-etl accounts set-cookie brand-a --cookie-stdin",
            refused.Message);
        Assert.DoesNotContain(Convert.ToBase64String(Key), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(other), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnderAPreviousKey_Works_AndSealAlwaysUsesTheCurrentOne()
    {
        var old = new AccountKeyRing(Key, []).Seal("brand-a", Cookie);
        var rotated = new AccountKeyRing(RandomNumberGenerator.GetBytes(32), [Key]);

        Assert.Equal(Cookie, rotated.Open("brand-a", old));
        Assert.Equal(rotated.CurrentKeyId, rotated.Seal("brand-a", Cookie).KeyId);
        Assert.NotEqual(old.KeyId, rotated.CurrentKeyId);
    }

    [Fact]
    public void Seal_WithoutAKey_SaysHowToMakeOne()
    {
        var refused = Assert.Throws<AccountSourceException>(() => new AccountKeyRing(null, []).Seal("brand-a", Cookie));

        Assert.Contains("Secrets:AccountKey is not set", refused.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all!", "is not base64")]
    [InlineData("c2hvcnQ=", "must be 32 bytes")]
    public void KeyProblem_NamesWhatIsWrong(string key, string expected) =>
        Assert.Contains(expected, AccountKeyRing.KeyProblem(key), StringComparison.Ordinal);

    [Theory]
    [InlineData("Secrets:AccountKey", "c2hvcnQta2V5LW9mLTE2Yg==", "Secrets:AccountKey must be 32 bytes (base64 of 32 random bytes, `openssl rand -base64 32`), got 16.")]
    [InlineData("Secrets:AccountKey", "not-base64-but-secret!", "Secrets:AccountKey is not base64: generate a key with `openssl rand -base64 32`.")]
    [InlineData("Secrets:PreviousAccountKeys", "not-base64-but-secret!", "Secrets:PreviousAccountKeys (key 1 of 1) is not base64: generate a key with `openssl rand -base64 32`.")]
    public void Start_WithAMalformedKey_IsOneMessageNamingTheSetting_NeverItsValue(string setting, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(TestCredentials.ValidSettings)
        {
            ["Secrets:AccountKey"] = Convert.ToBase64String(Key),
            [setting] = value,
        };
        using var host = DouyinEtl.Hosting.WorkerHost.CreateBuilder(DouyinEtl.Hosting.WorkerRole.Accounts, settings).Build();

        var failure = Assert.Single(DouyinEtl.Hosting.WorkerHost.Validate(host.Services));

        Assert.Equal(expected, failure);
    }
}
