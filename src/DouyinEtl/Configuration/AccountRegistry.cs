using DouyinEtl.Accounts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Configuration;

/// <summary>
/// The accounts to load, from both sources, read whenever a run starts rather than once per process, so an account
/// added or a cookie replaced with <c>douyin-etl accounts</c> is used by a running daemon's next run, no restart:
/// configuration accounts (<c>Accounts:N:*</c>; a <c>CookieFile</c> is read again each time) and accounts managed in
/// the warehouse (<c>etl.managed_account</c>, cookie decrypted). An id in both is a configuration error.
/// </summary>
internal sealed class AccountRegistry(IOptions<List<AccountOptions>> options, ManagedAccountStore store, AccountKeyRing keys)
{
    private readonly Lock _lock = new();
    // Configuration cookies are known from the start, as before accounts were read per run.
    private string[] _knownCookies = [.. options.Value.Where(a => a.Enabled).Select(SeedCookie).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal)];
    private HashSet<string> _lastLoad = new(StringComparer.Ordinal);

    /// <summary>The cookies of the last two loads (a replaced one included): each is masked wherever it is echoed.</summary>
    public IReadOnlyList<string> KnownCookies => Volatile.Read(ref _knownCookies);

    /// <summary>
    /// The enabled accounts of both sources. With <paramref name="withCookies"/> false (status, replay) no cookie is read
    /// or decrypted, so no key is needed, and <see cref="Account.Cookie"/> is empty.
    /// </summary>
    public async Task<IReadOnlyList<Account>> LoadAsync(CancellationToken cancellationToken, bool withCookies = true)
    {
        var configured = options.Value;
        List<ManagedAccountRow> managed;
        try
        {
            managed = await store.ListAsync(cancellationToken);
        }
        catch (PostgresException ex) when (!withCookies && ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            managed = []; // status as the analyst login, which may not read etl.managed_account: configured accounts only
        }

        var clash = managed.Select(m => m.AccountId).Intersect(configured.Select(a => a.Id), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (clash.Count > 0)
        {
            var id = clash[0];
            throw new AccountSourceException(
                $"Account '{id}' is both in the configuration (Accounts:{configured.FindIndex(a => a.Id == id)}) and managed in the warehouse: " +
                $"keep one — delete it from the configuration, or run `douyin-etl accounts remove {id}`." +
                (clash.Count > 1 ? $" Also in both: {string.Join(", ", clash.Skip(1))}." : ""));
        }

        var accounts = new List<Account>();
        foreach (var account in configured.Where(a => a.Enabled))
        {
            accounts.Add(new Account(account.Id, string.IsNullOrWhiteSpace(account.Name) ? account.Id : account.Name, withCookies ? Credentials.Cookie(account) : ""));
        }

        foreach (var row in managed.Where(m => m.Enabled && m.Cookie is not null))
        {
            accounts.Add(new Account(row.AccountId, row.DisplayName, withCookies ? keys.Open(row.AccountId, row.Cookie!) : "") { Source = AccountSource.Warehouse });
        }

        if (withCookies)
        {
            Remember(accounts.Select(a => a.Cookie));
        }

        return accounts;
    }

    /// <summary>The accounts named on the command line, or all of them; unknown names, or no account at all, are a configuration error.</summary>
    public static IReadOnlyList<Account> Select(IReadOnlyList<Account> all, IReadOnlyCollection<string> ids)
    {
        if (all.Count == 0)
        {
            throw new ConfigurationException(
                "No enabled account: add one with `douyin-etl accounts add <id> --name <name> --cookie-stdin` (stored encrypted in the warehouse), " +
                "or configure Accounts__0__Id and Accounts__0__Cookie (or Accounts__0__CookieFile).");
        }

        if (ids.Count == 0)
        {
            return all;
        }

        var unknown = ids.Where(id => all.All(a => a.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(
                $"--account {string.Join(", ", unknown)}: no such enabled account. Enabled: {string.Join(", ", all.Select(a => a.Id))}.");
        }

        return [.. all.Where(a => ids.Contains(a.Id))];
    }

    private static string SeedCookie(AccountOptions account)
    {
        try
        {
            return Credentials.Cookie(account);
        }
        catch (AccountSourceException)
        {
            return ""; // reported when a run reads it
        }
    }

    /// <summary>
    /// The cookies of this load and of the one before: a run that started before a cookie was replaced still uses the old
    /// one, so it stays masked for a while, but a daemon replacing cookies for months does not mask an ever longer list.
    /// </summary>
    private void Remember(IEnumerable<string> cookies)
    {
        lock (_lock)
        {
            var current = cookies.Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
            var known = current.Union(_lastLoad, StringComparer.Ordinal).ToArray();
            _lastLoad = current;
            if (!known.ToHashSet(StringComparer.Ordinal).SetEquals(_knownCookies))
            {
                Volatile.Write(ref _knownCookies, known);
            }
        }
    }
}

/// <summary>A configuration problem found after start-up validation (e.g. in command-line arguments): exit code 64.</summary>
internal class ConfigurationException(string message) : Exception(message);
