namespace DouyinEtl.Sandbox.World;

public sealed record SandboxAccount(string Id, string Name, string Cookie)
{
    // The cookie is a credential even in the sandbox: tests scan logs for it, so it must never be printed by accident.
    public override string ToString() => $"SandboxAccount {{ Id = {Id}, Name = {Name} }}";
}
