namespace DouyinEtl.Configuration;

internal sealed class TikHubOptions
{
    public const string Section = "TikHub";

    public string BaseUrl { get; set; } = "https://api.tikhub.io";

    /// <summary>Bearer key. Supply it by environment (<c>TikHub__ApiKey</c>) or <see cref="ApiKeyFile"/>, never in appsettings.json.</summary>
    public string? ApiKey { get; set; }

    public string? ApiKeyFile { get; set; }

    /// <summary>
    /// A pool of keys, each with its own limits (<c>TikHub__ApiKeys__0__Key</c>, or <c>…__KeyFile</c>, or a file
    /// <c>TikHub__ApiKeys__0__Key</c> in the secrets directory). With <see cref="ApiKey"/> too, that key is one more of the pool.
    /// </summary>
    public List<TikHubKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>TikHub's documented quota per key.</summary>
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>TikHub's older documentation: "in most cases 5 requests/second to the same endpoint".</summary>
    public double RequestsPerSecondPerEndpoint { get; set; } = 5;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Excel export is generated on request; TikHub advises 60 s or more.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries after the first attempt for 429, 5xx, timeouts, network errors, "Please retry" 400s and garbled bodies.</summary>
    public int MaxRetries { get; set; } = 6;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rough price per billed call in USD, for cost estimates in run summaries.</summary>
    public decimal PricePerCall { get; set; } = 0.001m;
}

/// <summary>One key of <c>TikHub:ApiKeys</c>. Limits left unset are <c>TikHub:RequestsPerSecond…</c>.</summary>
internal sealed class TikHubKeyOptions
{
    /// <summary>Names the key in tables, logs and metrics (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>); default <c>key-</c> + 8 hex digits of its SHA-256.</summary>
    public string? Name { get; set; }

    /// <summary>The key, from the environment or the secrets directory only.</summary>
    public string? Key { get; set; }

    public string? KeyFile { get; set; }

    public double? RequestsPerSecond { get; set; }

    public double? RequestsPerSecondPerEndpoint { get; set; }
}
