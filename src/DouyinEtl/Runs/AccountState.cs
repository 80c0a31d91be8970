namespace DouyinEtl.Runs;

/// <summary>What a run learned about an account's cookie, kept in <c>etl.account_status</c>.</summary>
internal enum AccountState
{
    Ok,
    CookieExpired,
    NoPermission,
}

internal static class AccountStateExtensions
{
    /// <summary>What the state means, in words.</summary>
    public static string Describe(this AccountState state) => state switch
    {
        AccountState.CookieExpired => "cookie expired",
        AccountState.NoPermission => "no permission for this data",
        _ => "ok",
    };

    /// <summary>What the operator does about it. A refused permission is not fixed by a new cookie, so it does not say to get one.</summary>
    public static string Advice(this AccountState state) => state switch
    {
        AccountState.CookieExpired => "log in to creator.douyin.com as the account again and replace its cookie",
        AccountState.NoPermission =>
            "the creator center does not open its data center (数据中心) to this login: check that the cookie is the account's own " +
            "(not a collaborator's or another account's) and that the account's type has the data center; a fresh cookie of the same login will not help",
        _ => "nothing",
    };
}
