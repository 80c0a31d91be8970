using System.Data;
using System.Text;
using Dapper;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>
/// Searches text and whole databases for credentials: each cookie whole, each of its values, and every
/// <see cref="FragmentLength"/>-character piece of those values and of each API key (a fragment of a secret is a leak too).
/// </summary>
internal sealed class SecretScan
{
    /// <summary>Long enough that random hex elsewhere (request ids, digests) cannot match by chance.</summary>
    public const int FragmentLength = 16;

    private readonly HashSet<string> _fragments = new(StringComparer.Ordinal);

    public SecretScan(IEnumerable<string> cookies, IEnumerable<string> apiKeys)
    {
        foreach (var cookie in cookies)
        {
            foreach (var pair in cookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                AddFragments(pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            }
        }

        foreach (var key in apiKeys)
        {
            AddFragments(key);
        }
    }

    public int FragmentCount => _fragments.Count;

    /// <summary>A fresh API key, long and random like a real one.</summary>
    public static string NewApiKey() => "thk_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>True when <paramref name="text"/> holds any secret or fragment of one.</summary>
    public bool Leaks(string text)
    {
        var lookup = _fragments.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i + FragmentLength <= text.Length; i++)
        {
            if (lookup.Contains(text.AsSpan(i, FragmentLength)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every table of <paramref name="schemas"/> row by row as text (bytea decoded as UTF-8); returns "schema.table" of
    /// each table holding a secret, and how many rows were read.
    /// </summary>
    public async Task<(List<string> Leaking, long Rows)> ScanDatabaseAsync(string connectionString, params string[] schemas)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = (await connection.QueryAsync<(string Table, string[] ByteaColumns)>("""
            SELECT format('%I.%I', t.table_schema, t.table_name),
                   coalesce(array_agg(quote_ident(c.column_name::text)) FILTER (WHERE c.data_type = 'bytea'), '{}')
            FROM information_schema.tables t
            JOIN information_schema.columns c USING (table_schema, table_name)
            WHERE t.table_schema = ANY(@schemas) AND t.table_type = 'BASE TABLE'
            GROUP BY 1 ORDER BY 1
            """, new { schemas })).ToList();
        var leaking = new List<string>();
        long rows = 0;
        foreach (var (table, byteaColumns) in tables)
        {
            var select = string.Concat(byteaColumns.Select(c => ", " + c));
            await using var command = new NpgsqlCommand($"SELECT t::text{select} FROM {table} t", connection);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
            var leaks = false;
            while (await reader.ReadAsync())
            {
                rows++;
                leaks |= Leaks(reader.GetString(0));
                for (var i = 1; i < reader.FieldCount; i++)
                {
                    leaks |= !await reader.IsDBNullAsync(i) && Leaks(Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(i)));
                }
            }

            if (leaks)
            {
                leaking.Add(table);
            }
        }

        return (leaking, rows);
    }

    private void AddFragments(string secret)
    {
        for (var i = 0; i + FragmentLength <= secret.Length; i++)
        {
            _fragments.Add(secret.Substring(i, FragmentLength));
        }
    }
}
