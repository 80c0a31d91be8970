namespace DouyinEtl.Configuration;

/// <summary>Where an account comes from: the configuration (environment, secret files) or <c>douyin-etl accounts add</c> (the warehouse).</summary>
internal enum AccountSource
{
    Configuration,
    Warehouse,
}

/// <summary>A creator account we load, with its creator-center cookie (from configuration, or decrypted from the warehouse).</summary>
internal sealed record Account(string Id, string Name, string Cookie)
{
    public AccountSource Source { get; init; } = AccountSource.Configuration;

    // Records print every property by default; the cookie is a credential to the creator's account.
    public override string ToString() => $"Account {{ Id = {Id}, Name = {Name}, Source = {Source} }}";
}
