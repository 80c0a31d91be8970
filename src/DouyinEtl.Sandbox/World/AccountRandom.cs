namespace DouyinEtl.Sandbox.World;

/// <summary>Seeded generators for account-level data, so each account × day is the same whatever else was asked before.</summary>
internal static class AccountRandom
{
    public static Random For(SandboxWorld world, int accountIndex, int salt, DateOnly day)
    {
        // Seeds that differ by small steps give correlated sequences: mix them first (SplitMix64's finalizer).
        var z = unchecked((ulong)((world.Options.Seed * 1_000_003L) + (salt * 15_485_863L) + (accountIndex * 104_729L) + day.DayNumber));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return new Random((int)((z ^ (z >> 31)) & int.MaxValue));
    }

    public static int IndexOf(SandboxWorld world, SandboxAccount account)
    {
        for (var i = 0; i < world.Accounts.Count; i++)
        {
            if (world.Accounts[i].Id == account.Id)
            {
                return i;
            }
        }

        throw new ArgumentException($"{account.Id} is not an account of this world", nameof(account));
    }
}
