using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Accounts;

/// <summary>
/// One account as <c>accounts list</c> and <c>status</c> show it: where it comes from, whether it is enabled, what is
/// known about its cookie (never the cookie) and its last state. Reads no cookie and needs no key.
/// </summary>
internal sealed record AccountListing(string AccountId, string Name, string Source, bool Enabled, string Cookie, string? State, DateTimeOffset? StateSince)
{
    private const string States = "SELECT account_id, state, state_since FROM etl.account_status";

    /// <summary>
    /// Configuration accounts in their order, then managed ones by id. A login that may not read <c>etl</c> (the analyst
    /// role) gets the configuration accounts only, with <paramref name="warehouseReadable"/> false.
    /// </summary>
    public static async Task<(List<AccountListing> Accounts, bool WarehouseReadable)> LoadAsync(
        IReadOnlyList<AccountOptions> configured, ManagedAccountStore store, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        List<ManagedAccountRow> managed;
        Dictionary<string, (string State, DateTime Since)> states;
        try
        {
            managed = await store.ListAsync(cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            states = (await connection.QueryAsync<(string AccountId, string State, DateTime Since)>(new CommandDefinition(States, cancellationToken: cancellationToken)))
                .ToDictionary(s => s.AccountId, s => (s.State, s.Since), StringComparer.Ordinal);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return ([.. configured.Select((a, i) => Configured(a, i, null))], false);
        }

        var accounts = configured.Select((a, i) => Configured(a, i, states.TryGetValue(a.Id, out var s) ? s : null)).ToList();
        foreach (var row in managed)
        {
            var state = states.TryGetValue(row.AccountId, out var s) ? s : ((string, DateTime)?)null;
            var cookie = row.CookieKeyId is null
                ? "none: set one with accounts set-cookie"
                : $"encrypted, set {Time(row.CookieSetAt!.Value)}, key id {row.CookieKeyId}";
            accounts.Add(new AccountListing(row.AccountId, row.DisplayName, "warehouse", row.Enabled, cookie, state?.Item1, Utc(state?.Item2)));
        }

        return (accounts, true);
    }

    private static AccountListing Configured(AccountOptions account, int index, (string State, DateTime Since)? state) => new(
        account.Id,
        string.IsNullOrWhiteSpace(account.Name) ? account.Id : account.Name,
        $"configuration (Accounts:{index})",
        account.Enabled,
        account.CookieFile is { Length: > 0 } file && string.IsNullOrWhiteSpace(account.Cookie) ? $"file {file}" : "setting Accounts:" + index + ":Cookie",
        state?.State,
        Utc(state?.Since));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static string Time(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Runs.ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
