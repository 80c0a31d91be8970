namespace DouyinEtl.Configuration;

/// <summary>A creator account we load, with its creator-center cookie resolved from the environment or a secret file.</summary>
internal sealed record Account(string Id, string Name, string Cookie)
{
    // Records print every property by default; the cookie is a credential to the creator's account.
    public override string ToString() => $"Account {{ Id = {Id}, Name = {Name} }}";
}
