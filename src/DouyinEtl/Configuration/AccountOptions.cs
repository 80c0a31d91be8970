namespace DouyinEtl.Configuration;

/// <summary>One entry of the <c>Accounts</c> list. The cookie comes from <c>Accounts__N__Cookie</c> or a mounted secret file.</summary>
internal sealed class AccountOptions
{
    public const string Section = "Accounts";

    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string? Cookie { get; set; }

    public string? CookieFile { get; set; }

    public bool Enabled { get; set; } = true;
}
