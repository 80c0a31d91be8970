using DouyinEtl.Accounts;

namespace DouyinEtl.Configuration;

/// <summary>
/// Reads the secret files and refuses credentials that cannot be real, at start, so a placeholder never reaches
/// TikHub (or the masking of what is stored). Messages name the key and the problem, never the value.
/// </summary>
internal static class Credentials
{
    /// <summary>
    /// The shortest cookie accepted. A creator-center login rides on a session cookie — <c>sessionid</c>,
    /// <c>sessionid_ss</c> or <c>sid_tt</c>, each 32 hex digits — so the shortest cookie that can log in is
    /// <c>sid_tt=</c> plus 32 digits, 39 characters; one copied from the browser is 1–4 KB. Anything under 32 is a
    /// placeholder (<c>TODO</c>, <c>x</c>, <c>1</c>), and would also be too short to mask safely where it is echoed.
    /// </summary>
    public const int MinCookieLength = 32;

    /// <summary>Why <paramref name="cookie"/> (trimmed) cannot be a creator-center cookie, or null.</summary>
    public static string? CookieProblem(string cookie)
    {
        if (cookie.Contains('\r', StringComparison.Ordinal) || cookie.Contains('\n', StringComparison.Ordinal))
        {
            return "has a line break inside: a cookie is one line of name=value pairs";
        }

        var pairs = cookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!pairs.Any(IsPair))
        {
            return "is not a cookie: expected name=value pairs separated by '; ', as the browser sends them to creator.douyin.com (sessionid=…; sid_tt=…)";
        }

        return cookie.Length < MinCookieLength
            ? $"is {cookie.Length} characters long: a creator-center login cookie carries a 32-digit session id (sessionid=…) and cannot be shorter than {MinCookieLength}; copy the whole Cookie header of creator.douyin.com"
            : null;
    }

    /// <summary>Why <paramref name="key"/> cannot be sent as a bearer key, or null.</summary>
    public static string? ApiKeyProblem(string key)
    {
        if (key.Contains('\r', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal))
        {
            return "has a line break inside: a key is one line";
        }

        return key.Length != key.Trim().Length ? "has whitespace around it: remove it (TikHub would refuse the key)" : null;
    }

    /// <summary>
    /// Reads a secret file; one trailing line break (as editors and <c>echo</c> write it) is not part of the secret.
    /// Returns why it cannot be read, or null.
    /// </summary>
    public static string? ReadFile(string path, out string content)
    {
        content = "";
        if (Directory.Exists(path))
        {
            return "is a directory, not a file";
        }

        try
        {
            content = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return "does not exist";
        }
        catch (DirectoryNotFoundException)
        {
            return "does not exist";
        }
        catch (UnauthorizedAccessException)
        {
            return $"cannot be read by the user this process runs as ({Environment.UserName}): permission denied; make it readable by that user (or its group)";
        }
        catch (IOException ex)
        {
            return $"cannot be read: {ex.Message}";
        }

        content = content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2]
            : content.EndsWith('\n') ? content[..^1]
            : content;
        return null;
    }

    /// <summary>The bearer key, from <c>TikHub:ApiKey</c> or the file <c>TikHub:ApiKeyFile</c> names; null when there is none to read.</summary>
    public static string? ApiKey(TikHubOptions options) =>
        !string.IsNullOrWhiteSpace(options.ApiKey) ? options.ApiKey
        : options.ApiKeyFile is { } file && ReadFile(file, out var key) is null ? key
        : null;

    /// <summary>
    /// The key pool: <c>TikHub:ApiKey</c> (or its file) first, then every entry of <c>TikHub:ApiKeys</c>, each with its
    /// limits. Keys that cannot be read are left out (the validator refused them at start).
    /// </summary>
    public static IReadOnlyList<UpstreamKey> ApiKeys(TikHubOptions options)
    {
        var keys = new List<UpstreamKey>();
        if (ApiKey(options) is { Length: > 0 } single)
        {
            keys.Add(new UpstreamKey(UpstreamKey.Fingerprint(single), single, options.RequestsPerSecond, options.RequestsPerSecondPerEndpoint));
        }

        foreach (var entry in options.ApiKeys)
        {
            if (PoolKey(entry, out var secret) is null && secret.Length > 0)
            {
                keys.Add(new UpstreamKey(
                    string.IsNullOrWhiteSpace(entry.Name) ? UpstreamKey.Fingerprint(secret) : entry.Name,
                    secret,
                    entry.RequestsPerSecond ?? options.RequestsPerSecond,
                    entry.RequestsPerSecondPerEndpoint ?? options.RequestsPerSecondPerEndpoint));
            }
        }

        return keys;
    }

    /// <summary>Reads one pool entry's key (<c>Key</c>, else the file <c>KeyFile</c> names); returns why it cannot be read, or null.</summary>
    public static string? PoolKey(TikHubKeyOptions entry, out string secret)
    {
        secret = "";
        if (!string.IsNullOrEmpty(entry.Key))
        {
            secret = entry.Key;
            return null;
        }

        return string.IsNullOrWhiteSpace(entry.KeyFile) ? null : ReadFile(entry.KeyFile, out secret);
    }

    /// <summary>A cookie: from <c>Accounts:N:Cookie</c> or the file <c>Accounts:N:CookieFile</c> names, trimmed.</summary>
    public static string Cookie(AccountOptions account)
    {
        if (!string.IsNullOrWhiteSpace(account.Cookie) || string.IsNullOrWhiteSpace(account.CookieFile))
        {
            return (account.Cookie ?? "").Trim();
        }

        // Read again at every run, so checked again as at start: a file replaced by an empty one or a placeholder since.
        return ReadCookieFile(account.CookieFile, out var cookie) is { } problem
            ? throw new AccountSourceException($"CookieFile '{account.CookieFile}' of account '{account.Id}' {problem}.")
            : cookie;
    }

    /// <summary>Reads a cookie file, trimmed; why it holds no usable cookie (unreadable, empty, not a cookie), or null.</summary>
    public static string? ReadCookieFile(string path, out string cookie)
    {
        if (ReadFile(path, out cookie) is { } unreadable)
        {
            return unreadable;
        }

        cookie = cookie.Trim();
        if (cookie.Length == 0)
        {
            return "is empty: it must hold the account's cookie";
        }

        return CookieProblem(cookie) is { } problem ? $"holds a cookie that {problem}" : null;
    }

    private static bool IsPair(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && equals < pair.Length - 1 && !pair.AsSpan(0, equals).ContainsAny(" \t");
    }
}
