namespace DouyinEtl.Testing;

/// <summary>Credentials that pass start-up validation (the shape of a real creator-center cookie) for hosts that never call anyone.</summary>
internal static class TestCredentials
{
    public const string Cookie = "sessionid=0123456789abcdef0123456789abcdef; sid_tt=0123456789abcdef0123456789abcdef";

    public const string ApiKey = "test-api-key";

    /// <summary>Settings a worker host validates without a failure (it never connects: nothing listens there).</summary>
    public static readonly Dictionary<string, string?> ValidSettings = new()
    {
        ["ConnectionStrings:Warehouse"] = "Host=127.0.0.1;Database=x;Username=u",
        ["TikHub:ApiKey"] = "key",
        ["Accounts:0:Id"] = "brand-a",
        ["Accounts:0:Cookie"] = Cookie,
    };
}
