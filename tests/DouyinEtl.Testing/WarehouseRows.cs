using Dapper;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>Rows read by the truth checks, from a connection string (the harness's in tests, the warehouse's in the demo).</summary>
internal static class WarehouseRows
{
    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }
}
