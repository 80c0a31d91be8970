using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Notifications;

/// <summary>
/// Notifications to people: when to tell them (<see cref="StaleAfter"/>) and where (<see cref="Sinks"/>). A sink's URL
/// and signing secret are credentials (a webhook URL carries its token): environment or secret files only.
/// </summary>
internal sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>False: no state is compared and nothing is sent (the demo turns them off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A stream is stale when none of its units completed for this long: 25 h, as <c>douyin.pipeline_stream_status</c>.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(25);

    /// <summary>Per HTTP attempt to a sink.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a failed attempt, within one delivery (later runs try again anyway).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first retry's delay; each next one doubles it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A notification not delivered this long after it was recorded is given up (status failed): news that old helps nobody.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    public List<NotificationSinkOptions> Sinks { get; set; } = [];
}

/// <summary>One place notifications go: <c>Notifications:Sinks:N:*</c>.</summary>
internal sealed class NotificationSinkOptions
{
    /// <summary>webhook (generic JSON), feishu (or lark), dingtalk, wecom or slack.</summary>
    public string Type { get; set; } = "";

    /// <summary>How logs and <c>etl.notification_delivery</c> name the sink (never by its URL); default <c>type-N</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The webhook URL. A credential: environment (<c>Notifications__Sinks__0__Url</c>) or a secret file only.</summary>
    public string? Url { get; set; }

    /// <summary>Signing secret: Feishu's and DingTalk's "签名校验/加签", or an HMAC key for the generic webhook. A credential too.</summary>
    public string? Secret { get; set; }

    /// <summary>Only these kinds, comma-separated (e.g. <c>cookie_expired,account_ok</c>); empty means all.</summary>
    public string? Events { get; set; }
}

internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new OptionFailures("Notifications");
        if (options.StaleAfter < TimeSpan.FromHours(1))
        {
            failures.Add($"Notifications:StaleAfter must be at least 01:00:00, got {options.StaleAfter}.");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(2))
        {
            failures.Add($"Notifications:Timeout must be between 00:00:00.1 and 00:02:00, got {options.Timeout}.");
        }

        failures.Between("Retries", options.Retries, 0, 5);
        failures.Between("RetryDelay", options.RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        failures.NotNegative("GiveUpAfter", options.GiveUpAfter);

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sinks.Count; i++)
        {
            var sink = options.Sinks[i];
            var key = $"Notifications:Sinks:{i}";
            if (NotificationSink.ParseType(sink.Type) is not { } type)
            {
                failures.Add($"{key}:Type '{sink.Type}' is not one of {string.Join(", ", NotificationSink.Types)}.");
                continue;
            }

            // The URL is never printed: it carries the sink's token.
            if (string.IsNullOrWhiteSpace(sink.Url))
            {
                failures.Add($"{key}:Url is missing: set the environment variable Notifications__Sinks__{i}__Url (or a file of that name in Secrets__Directory).");
            }
            else if (!Uri.TryCreate(sink.Url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{key}:Url is not an http(s) URL (value not shown: it holds the webhook's token).");
            }

            if (!string.IsNullOrEmpty(sink.Secret) && type is SinkType.WeCom or SinkType.Slack)
            {
                failures.Add($"{key}:Secret is set, but a {type} webhook is not signed: remove it (its URL is its only credential).");
            }

            var unknown = NotificationSink.SplitEvents(sink.Events).Where(e => !NotificationKinds.All.Contains(e)).ToList();
            if (unknown.Count > 0)
            {
                failures.Add($"{key}:Events has unknown kind(s) {string.Join(", ", unknown)}; kinds: {string.Join(", ", NotificationKinds.All)}.");
            }

            if (!names.Add(NotificationSink.NameOf(sink, i)))
            {
                failures.Add($"{key}:Name '{NotificationSink.NameOf(sink, i)}' is used by another sink.");
            }
        }

        return failures.Result;
    }
}
