using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Upstream;

/// <summary>
/// Removes credentials from anything we store or report: every configured cookie (whole, and each long cookie value
/// on its own, in case a fragment is echoed) and the TikHub key. JSON is cleaned structurally, so escaping cannot hide a match.
/// </summary>
internal sealed partial class SecretScrubber
{
    public const string Mask = "***";

    private readonly AccountRegistry? _accounts;
    private readonly string? _apiKey;
    private Snapshot _snapshot;

    /// <summary>Masks the key and every cookie the registry has loaded, including accounts added or cookies replaced after start.</summary>
    public SecretScrubber(AccountRegistry accounts, IOptions<TikHubOptions> tikHub)
        : this(accounts.KnownCookies.Append(ApiKey(tikHub.Value)))
    {
        _accounts = accounts;
        _apiKey = ApiKey(tikHub.Value);
        _snapshot = _snapshot with { Cookies = accounts.KnownCookies };
    }

    public SecretScrubber(IEnumerable<string?> secrets) => _snapshot = new Snapshot([], Build(secrets));

    /// <summary>The secrets to look for, rebuilt when the registry has loaded cookies it had not seen.</summary>
    private string[] Secrets
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (_accounts is { } accounts && !ReferenceEquals(accounts.KnownCookies, snapshot.Cookies))
            {
                var cookies = accounts.KnownCookies;
                snapshot = new Snapshot(cookies, Build(cookies.Append(_apiKey)));
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot.Secrets;
        }
    }

    private static string[] Build(IEnumerable<string?> secrets)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                continue;
            }

            all.Add(secret);
            foreach (var pair in secret.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
                if (value.Length >= 16)
                {
                    all.Add(value);
                }
            }
        }

        // Bytes kept as text (a garbled body, an envelope with unreadable escapes) may carry a secret JSON-escaped
        // ("+" as \u002B, "/" as \/), which a plain search would miss.
        foreach (var secret in all.ToList())
        {
            foreach (var escaped in new[] { secret, JsonEncodedText.Encode(secret).ToString() })
            {
                all.Add(escaped);
                all.Add(escaped.Replace("/", "\\/", StringComparison.Ordinal));
            }
        }

        // Longest first, so a whole cookie is masked before its fragments.
        return [.. all.OrderByDescending(s => s.Length)];
    }

    private sealed record Snapshot(IReadOnlyList<string> Cookies, string[] Secrets);

    /// <summary>The shortest end of a cut-off secret worth masking: shorter pieces say nothing.</summary>
    private const int MinPiece = 8;

    public string Scrub(string text)
    {
        foreach (var secret in Secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        // A body cut off in transit (garbled JSON) may end inside the echoed cookie: mask a "cookie" property's text
        // whether or not its closing quote arrived, and whatever piece of a secret the text ends with.
        text = CookieProperty().Replace(text, m => m.Groups["name"].Value + Mask + m.Groups["end"].Value);
        return WithoutTrailingPiece(text);
    }

    public bool Contains(string text) =>
        Secrets.Any(s => text.Contains(s, StringComparison.Ordinal)) || CookieProperty().IsMatch(text) || WithoutTrailingPiece(text).Length != text.Length;

    public byte[] Scrub(byte[] utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        return Contains(text) ? Encoding.UTF8.GetBytes(Scrub(text)) : utf8;
    }

    private string WithoutTrailingPiece(string text)
    {
        foreach (var secret in Secrets)
        {
            for (var length = Math.Min(secret.Length - 1, text.Length); length >= MinPiece; length--)
            {
                if (text.EndsWith(secret.AsSpan(0, length), StringComparison.Ordinal))
                {
                    return text[..^length] + Mask;
                }
            }
        }

        return text;
    }

    [GeneratedRegex("""(?<name>"cookies?"\s*:\s*")(?!\*\*\*")(?:[^"\\]|\\.)*(?<end>"|$)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CookieProperty();

    /// <summary>Drops every property named "cookie" and masks secrets inside any other string value, in place.</summary>
    public void ScrubJson(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (name.Equals("cookie", StringComparison.OrdinalIgnoreCase) || name.Equals("cookies", StringComparison.OrdinalIgnoreCase))
                    {
                        obj[name] = Mask;
                        continue;
                    }

                    var child = obj[name];
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && Contains(text))
                    {
                        obj[name] = Scrub(text);
                    }
                    else
                    {
                        ScrubJson(child);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text) && Contains(text))
                    {
                        array[i] = Scrub(text);
                    }
                    else
                    {
                        ScrubJson(array[i]);
                    }
                }

                break;
        }
    }

    private static string? ApiKey(TikHubOptions options) =>
        !string.IsNullOrWhiteSpace(options.ApiKey) ? options.ApiKey
        : options.ApiKeyFile is { } file && File.Exists(file) ? File.ReadAllText(file).Trim()
        : null;
}
