using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Configuration;

/// <summary>
/// Removes credentials from what we store or report, by the answer's structure, never by search-and-replace over its
/// data. Works on the bytes as served and changes only the spans it masks, so what is kept equals what was served
/// except the echo:
/// <list type="bullet">
/// <item>a property named <c>cookie</c> or <c>cookies</c>, anywhere, whatever its value;</item>
/// <item>inside the request echoes (<c>params</c>, pydantic's <c>input</c>) and outside the envelope's <c>data</c>
/// (envelope fields, error bodies), every string holding a secret: a whole cookie, the key, or one cookie value;</item>
/// <item>inside <c>data</c>, which the tables are built from, only a string holding a whole cookie or the whole key
/// (at least <see cref="MinWholeSecretInData"/> characters): a value that is a credential is an echo by definition,
/// and nothing shorter is looked for there, so a title or a number is never altered;</item>
/// <item>where the JSON breaks (a body cut off in transit, HTML, a plain-text error): a body cut inside an echo is cut
/// there, and the text after the break is unusable anyway, so it is searched for the secrets, their JSON-escaped forms,
/// a "cookie" property and a trailing piece of a secret.</item>
/// </list>
/// </summary>
internal sealed partial class SecretScrubber
{
    public const string Mask = "***";

    /// <summary>Secrets looked for inside <c>data</c>; start-up refuses cookies shorter than this, so none is skipped there in production.</summary>
    public const int MinWholeSecretInData = 16;

    /// <summary>A cookie value searched on its own (echoed without its name); shorter values are ordinary text.</summary>
    private const int MinCookieValue = 16;

    /// <summary>The shortest secret searched in text at all, and the shortest end of a cut-off secret worth masking.</summary>
    private const int MinSearched = 8;

    private static readonly byte[] MaskedString = Encoding.UTF8.GetBytes($"\"{Mask}\"");

    private readonly AccountRegistry? _accounts;
    private readonly IReadOnlyList<string> _apiKeys = [];
    private Snapshot _snapshot;

    /// <summary>Masks every key of the pool and every cookie the registry has loaded, including accounts added or cookies replaced after start.</summary>
    public SecretScrubber(AccountRegistry accounts, IOptions<TikHubOptions> tikHub)
    {
        _accounts = accounts;
        _apiKeys = Credentials.ApiKeys(tikHub.Value).Select(k => k.Secret).ToList();
        var cookies = accounts.KnownCookies;
        _snapshot = Build(cookies, cookies.Concat(_apiKeys));
    }

    public SecretScrubber(IEnumerable<string?> secrets) => _snapshot = Build([], secrets);

    private Needles Anywhere => Current.Anywhere;

    private Needles InData => Current.InData;

    /// <summary>The secrets to look for, rebuilt when the registry has loaded cookies it had not seen.</summary>
    private Snapshot Current
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (_accounts is { } accounts && !ReferenceEquals(accounts.KnownCookies, snapshot.Cookies))
            {
                var cookies = accounts.KnownCookies;
                snapshot = Build(cookies, cookies.Concat(_apiKeys));
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot;
        }
    }

    private static Snapshot Build(IReadOnlyList<string> cookies, IEnumerable<string?> secrets)
    {
        var whole = new HashSet<string>(StringComparer.Ordinal);
        var anywhere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                continue;
            }

            whole.Add(secret);
            anywhere.Add(secret);
            foreach (var pair in secret.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
                if (value.Length >= MinCookieValue)
                {
                    anywhere.Add(value);
                }
            }
        }

        return new Snapshot(cookies, new Needles(anywhere.Where(s => s.Length >= MinSearched)), new Needles(whole.Where(s => s.Length >= MinWholeSecretInData)));
    }

    private sealed record Snapshot(IReadOnlyList<string> Cookies, Needles Anywhere, Needles InData);

    /// <summary>A message (an error text, a problem, a reason) with every secret masked.</summary>
    public string Scrub(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var masked = Scrub(bytes);
        return ReferenceEquals(masked, bytes) ? text : Encoding.UTF8.GetString(masked);
    }

    /// <summary>
    /// The bytes of an answer with every echo of a credential masked (see the class summary); the same array when
    /// there is nothing to mask. Bytes that are not JSON (a cut-off zip, HTML) come back byte for byte unless they hold a secret.
    /// </summary>
    public byte[] Scrub(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var splices = new List<(int Start, int End)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 1024 });
        var echo = new Stack<Container>();
        var pending = Property.Other;
        var cookieValueStart = -1;
        var last = 0;
        try
        {
            while (reader.Read())
            {
                var within = echo.Count > 0 ? echo.Peek() : Container.Metadata;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pending = Classify(ref reader, echo.Count);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when pending == Property.Cookie:
                        cookieValueStart = (int)reader.TokenStartIndex;
                        reader.Skip();
                        splices.Add((cookieValueStart, (int)reader.BytesConsumed));
                        cookieValueStart = -1;
                        pending = Property.Other;
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        echo.Push(pending switch
                        {
                            Property.Echo => Container.Echo,
                            Property.Data => Container.Data,
                            _ => within,
                        });
                        pending = Property.Other;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        echo.Pop();
                        break;
                    default:
                        var inData = pending == Property.Data || (within == Container.Data && pending != Property.Echo);
                        if (pending == Property.Cookie
                            || (reader.TokenType == JsonTokenType.String && (inData ? InData : Anywhere).Within(ref reader)))
                        {
                            splices.Add(((int)reader.TokenStartIndex, (int)reader.BytesConsumed));
                        }

                        pending = Property.Other;
                        break;
                }

                last = (int)reader.BytesConsumed;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Broken(body, splices, last, cookieValueStart, pending, echo.Count > 0 && echo.Peek() == Container.Echo);
        }

        return Splice(body, splices, body.Length, []);
    }

    /// <summary>JSON that breaks at <paramref name="last"/>: the part read is masked as above, the rest as text (or cut, inside an echo).</summary>
    private byte[] Broken(byte[] body, List<(int Start, int End)> splices, int last, int cookieValueStart, Property pending, bool insideEcho)
    {
        if (cookieValueStart >= 0)
        {
            return Splice(body, splices, cookieValueStart, Encoding.UTF8.GetBytes(Mask));
        }

        if (pending == Property.Cookie)
        {
            // Cut off inside the echoed cookie: keep up to its opening quote.
            var rest = body.AsSpan(last);
            var quote = rest.Length - rest.TrimStart(" \t\r\n"u8).Length;
            var keep = last + (quote < rest.Length && rest[quote] == '"' ? quote + 1 : quote);
            return Splice(body, splices, keep, Encoding.UTF8.GetBytes(Mask));
        }

        if (insideEcho)
        {
            return Splice(body, splices, last, Encoding.UTF8.GetBytes(Mask));
        }

        var tail = body.AsSpan(last);
        var scrubbedTail = ScrubText(tail);
        return splices.Count == 0 && scrubbedTail.AsSpan().SequenceEqual(tail) ? body : Splice(body, splices, last, scrubbedTail);
    }

    private static byte[] Splice(byte[] body, List<(int Start, int End)> splices, int length, byte[] tail)
    {
        if (splices.Count == 0 && length == body.Length && tail.Length == 0)
        {
            return body;
        }

        var output = new MemoryStream(length + tail.Length);
        var position = 0;
        foreach (var (start, end) in splices)
        {
            output.Write(body, position, start - position);
            output.Write(MaskedString);
            position = end;
        }

        output.Write(body, position, length - position);
        output.Write(tail);
        return output.ToArray();
    }

    /// <summary>
    /// Text whose structure is unknown. Latin-1 maps each byte to one char and back, so the bytes around a mask stay
    /// exactly as they were, whatever their encoding; the secrets are matched as their UTF-8 bytes.
    /// </summary>
    private byte[] ScrubText(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        foreach (var secret in Anywhere.Latin1Forms)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        // A body cut off in transit may end inside the echoed cookie: mask a "cookie" property's text whether or not its
        // closing quote arrived, and whatever piece of a secret the text ends with.
        text = CookieProperty().Replace(text, m => m.Groups["name"].Value + Mask + m.Groups["end"].Value);
        foreach (var secret in Anywhere.Latin1Forms)
        {
            for (var length = Math.Min(secret.Length - 1, text.Length); length >= MinSearched; length--)
            {
                if (text.EndsWith(secret.AsSpan(0, length), StringComparison.Ordinal))
                {
                    text = text[..^length] + Mask;
                    break;
                }
            }
        }

        return Encoding.Latin1.GetBytes(text);
    }

    private static Property Classify(ref Utf8JsonReader reader, int depth)
    {
        string name;
        try
        {
            name = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A name with an escaped half of a surrogate pair: no name we look for.
            return Property.Other;
        }

        if (name.Equals("cookie", StringComparison.OrdinalIgnoreCase) || name.Equals("cookies", StringComparison.OrdinalIgnoreCase))
        {
            return Property.Cookie;
        }

        // TikHub's envelope echoes the request as "params" (also inside an error's "detail"); FastAPI's 422 as "input".
        if (name is "params" or "input")
        {
            return Property.Echo;
        }

        return depth == 1 && name == "data" ? Property.Data : Property.Other;
    }

    [GeneratedRegex("""(?<name>"cookies?"\s*:\s*")(?!\*\*\*")(?:[^"\\]|\\.)*(?<end>"|$)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CookieProperty();

    private enum Property
    {
        Other,
        Cookie,
        Echo,
        Data,
    }

    /// <summary>Where a value sits: the envelope's data (the tables' source), a request echo, or anything else.</summary>
    private enum Container
    {
        Metadata,
        Data,
        Echo,
    }

    /// <summary>Secrets to find in a JSON string: as UTF-8, and in the escaped forms an encoder may write them.</summary>
    private sealed class Needles
    {
        private readonly string[] _secrets;
        private readonly byte[][] _utf8Forms;
        private readonly int _shortest;

        public Needles(IEnumerable<string> secrets)
        {
            // Longest first, so a whole cookie is masked before its values.
            _secrets = [.. secrets.OrderByDescending(s => s.Length)];
            var forms = new List<string>();
            foreach (var secret in _secrets)
            {
                var escaped = JsonEncodedText.Encode(secret).ToString();
                foreach (var form in new[] { secret, escaped, secret.Replace("/", "\\/", StringComparison.Ordinal), escaped.Replace("/", "\\/", StringComparison.Ordinal) })
                {
                    if (!forms.Contains(form, StringComparer.Ordinal))
                    {
                        forms.Add(form);
                    }
                }
            }

            _utf8Forms = [.. forms.Select(Encoding.UTF8.GetBytes)];
            Latin1Forms = [.. _utf8Forms.Select(Encoding.Latin1.GetString)];
            _shortest = _utf8Forms.Length == 0 ? int.MaxValue : _utf8Forms.Min(f => f.Length);
        }

        public string[] Latin1Forms { get; }

        /// <summary>Whether the string token under <paramref name="reader"/> holds a secret, escaped or not.</summary>
        public bool Within(ref Utf8JsonReader reader)
        {
            var raw = reader.ValueSpan;
            if (raw.Length < _shortest)
            {
                return false;
            }

            foreach (var form in _utf8Forms)
            {
                if (raw.IndexOf(form) >= 0)
                {
                    return true;
                }
            }

            if (!reader.ValueIsEscaped)
            {
                return false;
            }

            string text;
            try
            {
                text = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // An escaped half of a surrogate pair: only the raw forms above can be matched.
                return false;
            }

            return _secrets.Any(s => text.Contains(s, StringComparison.Ordinal));
        }
    }
}
