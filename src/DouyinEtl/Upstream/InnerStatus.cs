using DouyinEtl.Runs;

namespace DouyinEtl.Upstream;

/// <summary>How the creator platform's own status inside <c>data</c> reads, once the account-level ones are handled.</summary>
internal enum InnerStatus
{
    Ok,

    /// <summary>10001: too few plays for this analysis yet. Not a failure: try again later.</summary>
    NoDataYet,

    /// <summary>200001: more than 1000 works in the requested window. Split the window.</summary>
    RangeTooLarge,

    /// <summary>Any other non-zero status; kept raw and reported.</summary>
    Error,
}

/// <summary>
/// The one table from the creator platform's status code inside <c>data</c> to what it means, read by the live client
/// and by the replay alike. <c>Account</c> is set for the codes about the account rather than the request: the client
/// stops the account on them (<see cref="AccountUnavailableException"/>) and nothing is written from them.
/// </summary>
internal static class InnerStatuses
{
    public static (InnerStatus Status, AccountState? Account) Read(int code) => code switch
    {
        0 => (InnerStatus.Ok, null),
        10001 => (InnerStatus.NoDataYet, null),
        200001 => (InnerStatus.RangeTooLarge, null),
        8 or 2190008 or 10008 => (InnerStatus.Error, AccountState.CookieExpired),
        7 => (InnerStatus.Error, AccountState.NoPermission),
        _ => (InnerStatus.Error, null),
    };
}
