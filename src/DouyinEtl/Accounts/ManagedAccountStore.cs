using Dapper;
using Npgsql;

namespace DouyinEtl.Accounts;

/// <summary>A row of <c>etl.managed_account</c>: the cookie only as ciphertext.</summary>
internal sealed record ManagedAccountRow(
    string AccountId,
    string DisplayName,
    bool Enabled,
    string? CookieKeyId,
    byte[]? CookieNonce,
    byte[]? CookieCiphertext,
    byte[]? CookieTag,
    DateTime? CookieSetAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public SealedCookie? Cookie => CookieKeyId is null ? null : new SealedCookie(CookieKeyId, CookieNonce!, CookieCiphertext!, CookieTag!);
}

/// <summary>
/// The accounts kept in <c>etl.managed_account</c>: what <c>douyin-etl accounts</c> changes and every run reads. Cookies
/// go in and come out through <see cref="AccountKeyRing"/>; nothing here ever holds one in clear for longer than a call.
/// </summary>
internal sealed class ManagedAccountStore(NpgsqlDataSource dataSource, AccountKeyRing keys, TimeProvider clock)
{
    private const string SelectAll = """
        SELECT account_id, display_name, enabled, cookie_key_id, cookie_nonce, cookie_ciphertext, cookie_tag, cookie_set_at, created_at, updated_at
        FROM etl.managed_account
        ORDER BY account_id
        """;

    private const string Insert = """
        INSERT INTO etl.managed_account (account_id, display_name, enabled, cookie_key_id, cookie_nonce, cookie_ciphertext, cookie_tag, cookie_set_at, created_at, updated_at)
        VALUES (@Id, @Name, true, @KeyId, @Nonce, @Ciphertext, @Tag, @CookieSetAt, @Now, @Now)
        ON CONFLICT (account_id) DO NOTHING
        """;

    private const string UpdateCookie = """
        UPDATE etl.managed_account
        SET cookie_key_id = @KeyId, cookie_nonce = @Nonce, cookie_ciphertext = @Ciphertext, cookie_tag = @Tag, cookie_set_at = @CookieSetAt, updated_at = @Now
        WHERE account_id = @Id
        """;

    private const string UpdateEnabled = "UPDATE etl.managed_account SET enabled = @Enabled, updated_at = @Now WHERE account_id = @Id";

    private const string Delete = "DELETE FROM etl.managed_account WHERE account_id = @Id";

    private const string LockAll = """
        SELECT account_id, display_name, enabled, cookie_key_id, cookie_nonce, cookie_ciphertext, cookie_tag, cookie_set_at, created_at, updated_at
        FROM etl.managed_account
        WHERE cookie_key_id IS NOT NULL
        ORDER BY account_id
        FOR UPDATE
        """;

    /// <summary>Every managed account, enabled or not; none when the table does not exist yet (a database not migrated to V085).</summary>
    public async Task<List<ManagedAccountRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return [.. await connection.QueryAsync<ManagedAccountRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
    }

    /// <summary>Adds an account, with its cookie if one is given; false when the id is managed already.</summary>
    public async Task<bool> AddAsync(string accountId, string name, string? cookie, CancellationToken cancellationToken)
    {
        var sealedCookie = cookie is null ? null : keys.Seal(accountId, cookie);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Insert, Parameters(accountId, sealedCookie, name), cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Replaces the cookie; false when no such managed account exists.</summary>
    public async Task<bool> SetCookieAsync(string accountId, string cookie, CancellationToken cancellationToken)
    {
        var sealedCookie = keys.Seal(accountId, cookie);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateCookie, Parameters(accountId, sealedCookie), cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> SetEnabledAsync(string accountId, bool enabled, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            UpdateEnabled, new { Id = accountId, Enabled = enabled, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Forgets the account and its cookie; what it loaded stays in the warehouse.</summary>
    public async Task<bool> RemoveAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Delete, new { Id = accountId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Re-encrypts every cookie not under <c>Secrets:AccountKey</c> with it, in one transaction: a cookie this process
    /// cannot open stops it before anything changed. Returns how many were re-encrypted and how many were current already.
    /// </summary>
    public async Task<(int Rekeyed, int Current)> RekeyAsync(CancellationToken cancellationToken)
    {
        var current = keys.CurrentKeyId ?? throw new AccountSourceException("Secrets:AccountKey is not set: `accounts rekey` encrypts every cookie with it; set it (and the old key in Secrets:PreviousAccountKeys) first.");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ManagedAccountRow>(new CommandDefinition(LockAll, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        var rekeyed = 0;
        foreach (var row in rows.Where(r => r.CookieKeyId != current))
        {
            var resealed = keys.Seal(row.AccountId, keys.Open(row.AccountId, row.Cookie!));
            await connection.ExecuteAsync(new CommandDefinition(
                UpdateCookie,
                Parameters(row.AccountId, resealed) with { CookieSetAt = row.CookieSetAt },
                transaction,
                cancellationToken: cancellationToken));
            rekeyed++;
        }

        await transaction.CommitAsync(cancellationToken);
        return (rekeyed, rows.Count - rekeyed);
    }

    private CookieParameters Parameters(string accountId, SealedCookie? sealedCookie, string? name = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new CookieParameters(accountId, sealedCookie?.KeyId, sealedCookie?.Nonce, sealedCookie?.Ciphertext, sealedCookie?.Tag, sealedCookie is null ? null : now, now, name);
    }

    private sealed record CookieParameters(string Id, string? KeyId, byte[]? Nonce, byte[]? Ciphertext, byte[]? Tag, DateTime? CookieSetAt, DateTime Now, string? Name);
}
