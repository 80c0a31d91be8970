using Dapper;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>
/// A LOGIN role that is a member of douyin_analyst, made the way the analyst guide tells operators to make the
/// Metabase login. Roles belong to the whole server, so each gets a unique name and is dropped again.
/// </summary>
internal sealed class AnalystLogin : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private AnalystLogin(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<AnalystLogin> CreateAsync(string adminConnectionString)
    {
        var name = "t_metabase_" + Guid.NewGuid().ToString("N")[..12];
        var password = Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE douyin_analyst");
        }

        var login = new NpgsqlConnectionStringBuilder(adminConnectionString) { Username = name, Password = password, Pooling = false };
        return new AnalystLogin(adminConnectionString, name, login.ConnectionString);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP ROLE IF EXISTS {Name}");
    }
}
