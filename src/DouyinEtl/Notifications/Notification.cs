namespace DouyinEtl.Notifications;

/// <summary>One state change told to people (a row of <c>etl.notification</c>).</summary>
internal sealed record Notification(
    long NotificationId,
    DateTime CreatedAt,
    string Kind,
    string Severity,
    string Subject,
    string? AccountId,
    string? Job,
    long? RunId,
    string Title,
    string Message);

internal static class NotificationKinds
{
    public const string CookieExpired = "cookie_expired";
    public const string NoPermission = "no_permission";
    public const string AccountOk = "account_ok";
    public const string RunFailed = "run_failed";
    public const string RunPartlyFailed = "run_partly_failed";
    public const string RunOk = "run_ok";
    public const string StreamStale = "stream_stale";
    public const string StreamFresh = "stream_fresh";
    public const string BudgetSpent = "budget_spent";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        CookieExpired, NoPermission, AccountOk, RunFailed, RunPartlyFailed, RunOk, StreamStale, StreamFresh, BudgetSpent,
    };

    public static string Severity(string kind) => kind switch
    {
        CookieExpired or NoPermission or RunFailed => "critical",
        AccountOk or RunOk or StreamFresh => "resolved",
        _ => "warning",
    };
}
