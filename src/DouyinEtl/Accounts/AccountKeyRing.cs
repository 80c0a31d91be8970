using System.Security.Cryptography;
using System.Text;
using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Accounts;

/// <summary>A cookie sealed with AES-256-GCM: the id of the key, the nonce, the ciphertext and the tag.</summary>
internal sealed record SealedCookie(string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>
/// Encrypts and decrypts managed accounts' cookies with <c>Secrets:AccountKey</c> (and, after a rotation, the keys in
/// <c>Secrets:PreviousAccountKeys</c>). AES-256-GCM from .NET's own cryptography; a fresh random nonce per encryption;
/// the account id is the associated data, so a ciphertext moved to another account fails to open. A key's id is
/// derived from the key itself (HMAC-SHA256 of a fixed label), so an id can never be paired with the wrong key and
/// nothing but the key has to be configured.
/// </summary>
internal sealed class AccountKeyRing
{
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[]? _current;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AccountKeyRing(IOptions<SecretsOptions> options)
        : this(Decode(options.Value.AccountKey), SplitKeys(options.Value.PreviousAccountKeys).Select(Decode).OfType<byte[]>())
    {
    }

    public AccountKeyRing(byte[]? current, IEnumerable<byte[]> previous)
    {
        _current = current;
        foreach (var key in previous.Prepend(current).OfType<byte[]>())
        {
            _keys.TryAdd(KeyIdOf(key), key);
        }
    }

    /// <summary>The id of <c>Secrets:AccountKey</c>; null when it is not set.</summary>
    public string? CurrentKeyId => _current is null ? null : KeyIdOf(_current);

    public bool CanOpen(string keyId) => _keys.ContainsKey(keyId);

    public static string KeyIdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(HMACSHA256.HashData(key, "douyin-etl account key id"u8))[..16];

    public SealedCookie Seal(string accountId, string cookie)
    {
        if (_current is null)
        {
            throw new AccountSourceException(
                "Secrets:AccountKey is not set: managed accounts' cookies are stored encrypted with it. Generate one with `openssl rand -base64 32` " +
                "and give it to every douyin-etl process as the environment variable Secrets__AccountKey (or a file of that name in Secrets__Directory).");
        }

        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var plain = Encoding.UTF8.GetBytes(cookie);
        var ciphertext = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(_current, TagBytes))
        {
            aes.Encrypt(nonce, plain, ciphertext, tag, AssociatedData(accountId));
        }

        CryptographicOperations.ZeroMemory(plain);
        return new SealedCookie(KeyIdOf(_current), nonce, ciphertext, tag);
    }

    /// <summary>The cookie in clear; a key this process lacks, or a ciphertext that does not open, is one line naming the account and the key id.</summary>
    public string Open(string accountId, SealedCookie sealedCookie)
    {
        if (!_keys.TryGetValue(sealedCookie.KeyId, out var key))
        {
            throw new AccountSourceException(
                $"Account '{accountId}': its cookie is encrypted with key id {sealedCookie.KeyId}, which this process does not have " +
                $"({Describe()}). Give it that key as Secrets:AccountKey or in Secrets:PreviousAccountKeys, or set the cookie again: " +
                $"douyin-etl accounts set-cookie {accountId} --cookie-stdin");
        }

        var plain = new byte[sealedCookie.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedCookie.Nonce, sealedCookie.Ciphertext, sealedCookie.Tag, plain, AssociatedData(accountId));
            return Encoding.UTF8.GetString(plain);
        }
        catch (CryptographicException)
        {
            throw new AccountSourceException(
                $"Account '{accountId}': its stored cookie does not decrypt with key id {sealedCookie.KeyId} (the row was altered or copied " +
                $"from another account). Set the cookie again: douyin-etl accounts set-cookie {accountId} --cookie-stdin");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Why <paramref name="base64"/> is not a usable key (completing "Secrets:AccountKey …"), or null.</summary>
    public static string? KeyProblem(string base64)
    {
        var bytes = Decode(base64);
        if (bytes is null)
        {
            return "is not base64: generate a key with `openssl rand -base64 32`.";
        }

        return bytes.Length == KeyBytes ? null : $"must be {KeyBytes} bytes (base64 of 32 random bytes, `openssl rand -base64 32`), got {bytes.Length}.";
    }

    public static List<string> SplitKeys(string? keys) =>
        [.. (keys ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static byte[]? Decode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string Describe()
    {
        var previous = _keys.Keys.Where(id => id != CurrentKeyId).ToList();
        return (CurrentKeyId is null ? "Secrets:AccountKey is not set" : $"Secrets:AccountKey is key id {CurrentKeyId}")
            + (previous.Count == 0 ? "" : $"; Secrets:PreviousAccountKeys: {string.Join(", ", previous)}");
    }

    private static byte[] AssociatedData(string accountId) => Encoding.UTF8.GetBytes("douyin-etl account cookie\n" + accountId);
}
