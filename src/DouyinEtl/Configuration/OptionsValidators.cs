using Microsoft.Extensions.Options;

namespace DouyinEtl.Configuration;

// Each validator collects every problem and names the configuration key, so a bad config is one readable message.

/// <param name="apiKeyRequired">False for commands that call nothing upstream (status, replay).</param>
internal sealed partial class TikHubOptionsValidator(bool apiKeyRequired = true) : IValidateOptions<TikHubOptions>
{
    public ValidateOptionsResult Validate(string? name, TikHubOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"TikHub:BaseUrl '{options.BaseUrl}' is not an http(s) URL (e.g. https://api.tikhub.io or https://api.tikhub.dev).");
        }

        if (!apiKeyRequired)
        {
            // Not asked for, so not checked: status and replay never call upstream.
        }
        else if (string.IsNullOrWhiteSpace(options.ApiKey) && string.IsNullOrWhiteSpace(options.ApiKeyFile) && options.ApiKeys.Count == 0)
        {
            failures.Add("TikHub:ApiKey is missing: set the environment variable TikHub__ApiKey, or TikHub:ApiKeyFile to a file that holds the key (or a pool: TikHub__ApiKeys__0__Key, …).");
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(options.ApiKey) || !string.IsNullOrWhiteSpace(options.ApiKeyFile))
            {
                ValidateSingleKey(options, failures);
            }

            ValidateKeyPool(options, failures);
        }

        if (options.RequestsPerSecond is <= 0 or > 1000)
        {
            failures.Add($"TikHub:RequestsPerSecond must be between 0 and 1000, got {options.RequestsPerSecond}.");
        }

        if (options.RequestsPerSecondPerEndpoint is <= 0 or > 1000)
        {
            failures.Add($"TikHub:RequestsPerSecondPerEndpoint must be between 0 and 1000, got {options.RequestsPerSecondPerEndpoint}.");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(100) || options.AttemptTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"TikHub:AttemptTimeout must be between 00:00:00.1 and 00:10:00, got {options.AttemptTimeout}.");
        }

        if (options.DownloadTimeout < options.AttemptTimeout)
        {
            failures.Add($"TikHub:DownloadTimeout ({options.DownloadTimeout}) must not be shorter than TikHub:AttemptTimeout ({options.AttemptTimeout}).");
        }

        if (options.MaxRetries is < 0 or > 20)
        {
            failures.Add($"TikHub:MaxRetries must be between 0 and 20, got {options.MaxRetries}.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("TikHub:RetryBaseDelay must be >= 0 and TikHub:RetryMaxDelay must be >= TikHub:RetryBaseDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSingleKey(TikHubOptions options, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            if (Credentials.ApiKeyProblem(options.ApiKey) is { } problem)
            {
                failures.Add($"TikHub:ApiKey {problem}.");
            }
        }
        else if (Credentials.ReadFile(options.ApiKeyFile!, out var key) is { } unreadable)
        {
            failures.Add($"TikHub:ApiKeyFile '{options.ApiKeyFile}' {unreadable}.");
        }
        else if (string.IsNullOrWhiteSpace(key))
        {
            failures.Add($"TikHub:ApiKeyFile '{options.ApiKeyFile}' is empty: it must hold the key.");
        }
        else if (Credentials.ApiKeyProblem(key) is { } problem)
        {
            failures.Add($"TikHub:ApiKeyFile '{options.ApiKeyFile}' holds a key that {problem}.");
        }
    }

    /// <summary>Each entry of <c>TikHub:ApiKeys</c>: a readable one-line key, its own (never the same key twice), a usable name and limits.</summary>
    private static void ValidateKeyPool(TikHubOptions options, List<string> failures)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Credentials.ApiKey(options) is { Length: > 0 } single)
        {
            seen[single] = "TikHub:ApiKey";
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var entry = options.ApiKeys[i];
            var path = $"TikHub:ApiKeys:{i}";
            if (Credentials.PoolKey(entry, out var secret) is { } unreadable)
            {
                failures.Add($"{path}:KeyFile '{entry.KeyFile}' {unreadable}.");
            }
            else if (string.IsNullOrWhiteSpace(secret))
            {
                failures.Add($"{path} has no key: set the environment variable TikHub__ApiKeys__{i}__Key, or {path}:KeyFile to a file that holds it.");
            }
            else if (Credentials.ApiKeyProblem(secret) is { } problem)
            {
                failures.Add($"{path}:Key {problem}.");
            }
            else if (seen.TryGetValue(secret, out var first))
            {
                failures.Add($"{path} is the same key as {first}: each key of the pool must be a different key (its quota would be counted twice).");
            }
            else
            {
                seen[secret] = path;
                var name = string.IsNullOrWhiteSpace(entry.Name) ? UpstreamKey.Fingerprint(secret) : entry.Name;
                if (!string.IsNullOrWhiteSpace(entry.Name) && !KeyName().IsMatch(entry.Name))
                {
                    failures.Add($"{path}:Name '{entry.Name}' must be 1–40 letters, digits, '.', '_' or '-'.");
                }
                else if (names.TryGetValue(name, out var other))
                {
                    failures.Add($"{path}:Name '{name}' is already the name of {other}.");
                }

                names[name] = path;
            }

            if (entry.RequestsPerSecond is <= 0 or > 1000)
            {
                failures.Add($"{path}:RequestsPerSecond must be between 0 and 1000, got {entry.RequestsPerSecond}.");
            }

            if (entry.RequestsPerSecondPerEndpoint is <= 0 or > 1000)
            {
                failures.Add($"{path}:RequestsPerSecondPerEndpoint must be between 0 and 1000, got {entry.RequestsPerSecondPerEndpoint}.");
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,40}$")]
    private static partial System.Text.RegularExpressions.Regex KeyName();
}

/// <param name="credentialsRequired">False for commands that call nothing upstream (status, replay): accounts optional, cookies not needed.</param>
internal sealed class AccountListValidator(bool credentialsRequired = true) : IValidateOptions<List<AccountOptions>>
{
    public ValidateOptionsResult Validate(string? name, List<AccountOptions> accounts)
    {
        // An empty list is fine: accounts may be managed in the warehouse (`douyin-etl accounts add`); a run with no
        // enabled account in either source is refused when it starts (AccountRegistry.Select).
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < accounts.Count; index++)
        {
            var account = accounts[index];
            var key = $"Accounts:{index}";
            if (string.IsNullOrWhiteSpace(account.Id) || !account.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                failures.Add($"{key}:Id '{account.Id}' must be a non-empty name of letters, digits, '-', '_' or '.'.");
            }
            else if (!seen.Add(account.Id))
            {
                failures.Add($"{key}:Id '{account.Id}' is used by more than one account.");
            }

            if (!account.Enabled || !credentialsRequired)
            {
                continue;
            }

            var hasCookie = !string.IsNullOrWhiteSpace(account.Cookie);
            var hasFile = !string.IsNullOrWhiteSpace(account.CookieFile);
            if (!hasCookie && !hasFile)
            {
                failures.Add($"{key}:Cookie is missing for account '{account.Id}': set Accounts__{index}__Cookie or {key}:CookieFile.");
            }
            else if (hasCookie && hasFile)
            {
                failures.Add($"{key} sets both Cookie and CookieFile for account '{account.Id}': keep one.");
            }
            else if (hasFile)
            {
                if (Credentials.ReadCookieFile(account.CookieFile!, out _) is { } problem)
                {
                    failures.Add($"{key}:CookieFile '{account.CookieFile}' for account '{account.Id}' {problem}.");
                }
            }
            else if (Credentials.CookieProblem(account.Cookie!.Trim()) is { } problem)
            {
                failures.Add($"{key}:Cookie for account '{account.Id}' {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        var failures = new OptionFailures("Sync");
        if (options.MaxCallsPerRun < 0)
        {
            failures.Add($"Sync:MaxCallsPerRun must be 0 (no limit) or positive, got {options.MaxCallsPerRun}.");
        }

        failures.Between("Concurrency", options.Concurrency, 1, 64);
        if (options.ProgressEvery < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Sync:ProgressEvery must be at least 00:00:01, got {options.ProgressEvery}.");
        }

        failures.Between("ShutdownGrace", options.ShutdownGrace, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        failures.Between("DatabaseRetryFor", options.DatabaseRetryFor, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        if (options.ClaimPollEvery < TimeSpan.FromMilliseconds(50) || options.ClaimPollEvery > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Sync:ClaimPollEvery must be between 00:00:00.05 and 00:01:00, got {options.ClaimPollEvery}.");
        }

        if (options.BreakerConsecutiveFailures is < 0 or > 1000)
        {
            failures.Add($"Sync:BreakerConsecutiveFailures must be between 0 (breaker off) and 1000, got {options.BreakerConsecutiveFailures}.");
        }

        failures.Between("BreakerWindow", options.BreakerWindow, TimeSpan.Zero, TimeSpan.FromMinutes(30));
        return failures.Result;
    }
}
