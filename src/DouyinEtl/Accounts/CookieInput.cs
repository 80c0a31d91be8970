using System.Text;
using DouyinEtl.Configuration;

namespace DouyinEtl.Accounts;

/// <summary>
/// The cookie an operator hands to <c>accounts add</c> / <c>set-cookie</c>: from a file or standard input, never the
/// command line (shell history, <c>ps</c>). Refused before it is stored when it cannot be a creator-center cookie;
/// messages describe it, never quote it.
/// </summary>
internal static class CookieInput
{
    /// <summary>
    /// A creator-center login rides on a session cookie (<c>sessionid</c>, <c>sid_tt</c>: 32 hex digits), so no real
    /// cookie is shorter than this; shorter input is a placeholder or a truncated paste.
    /// </summary>
    public const int MinLength = 32;

    public static async Task<string> ReadAsync(string? file, bool fromStdin, CancellationToken cancellationToken)
    {
        if (file is not null && fromStdin)
        {
            throw new ConfigurationException("Give the cookie one way: --cookie-file or --cookie-stdin, not both.");
        }

        string cookie;
        if (file is not null)
        {
            try
            {
                cookie = await File.ReadAllTextAsync(file, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"--cookie-file '{file}' cannot be read ({ex.GetType().Name}).");
            }
        }
        else if (fromStdin)
        {
            cookie = Console.IsInputRedirected ? await Console.In.ReadToEndAsync(cancellationToken) : ReadHidden();
        }
        else
        {
            throw new ConfigurationException(
                "Give the cookie with --cookie-file <file> or --cookie-stdin (e.g. pasted, or `pbpaste | douyin-etl accounts set-cookie <id> --cookie-stdin`); " +
                "never on the command line, where shell history and ps would keep it.");
        }

        cookie = cookie.Trim();
        return Problem(cookie) is { } problem ? throw new ConfigurationException($"The cookie given {problem}. Nothing was changed.") : cookie;
    }

    /// <summary>Why <paramref name="cookie"/> (trimmed) cannot be a creator-center cookie, or null.</summary>
    public static string? Problem(string cookie)
    {
        if (cookie.Length == 0)
        {
            return "is empty";
        }

        if (cookie.Contains('\n', StringComparison.Ordinal) || cookie.Contains('\r', StringComparison.Ordinal))
        {
            return "has a line break inside: a cookie is one line of name=value pairs";
        }

        var pairs = cookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!pairs.Any(p => p.IndexOf('=', StringComparison.Ordinal) is > 0 and var i && i < p.Length - 1))
        {
            return "is not a cookie: expected name=value pairs separated by '; ' (the Cookie header of creator.douyin.com)";
        }

        return cookie.Length < MinLength ? $"is {cookie.Length} characters long; a creator-center login cookie is at least {MinLength}: copy the whole Cookie header" : null;
    }

    /// <summary>A terminal: the cookie is typed or pasted without being echoed, ended by Enter.</summary>
    private static string ReadHidden()
    {
        Console.Error.Write("Paste the cookie (not shown), then press Enter: ");
        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return text.ToString();
    }
}
