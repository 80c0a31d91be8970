using Microsoft.Extensions.Options;

namespace DouyinEtl.Configuration;

/// <summary>
/// The enabled accounts with their cookies read once at start (from configuration or secret files). Commands that call
/// nothing upstream (status, replay) do not require cookies: an account without one has an empty cookie.
/// </summary>
internal sealed class AccountRegistry
{
    public AccountRegistry(IOptions<List<AccountOptions>> options)
    {
        All = [.. options.Value
            .Where(a => a.Enabled)
            .Select(a => new Account(
                a.Id,
                string.IsNullOrWhiteSpace(a.Name) ? a.Id : a.Name,
                Credentials.Cookie(a)))];
    }

    public IReadOnlyList<Account> All { get; }

    /// <summary>The accounts named on the command line, or all of them; unknown names are a configuration error.</summary>
    public IReadOnlyList<Account> Select(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return All;
        }

        var unknown = ids.Where(id => All.All(a => a.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(
                $"--account {string.Join(", ", unknown)}: no such enabled account. Configured: {string.Join(", ", All.Select(a => a.Id))}.");
        }

        return [.. All.Where(a => ids.Contains(a.Id))];
    }
}

/// <summary>A configuration problem found after start-up validation (e.g. in command-line arguments): exit code 64.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
