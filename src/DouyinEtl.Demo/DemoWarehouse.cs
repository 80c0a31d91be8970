using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Demo;

/// <summary>
/// Where the demo writes: its own local cluster (private, password-protected, kept between demos), or a database
/// named with <c>--warehouse</c> that holds no account but sandbox ones. It never uses the environment's warehouse.
/// </summary>
internal static class DemoWarehouse
{
    private const string DemoDatabase = "douyin_demo";

    /// <summary>Every table column of the worker's schemas that names accounts (a new table with an account_id is covered too).</summary>
    private const string AccountColumns = """
        SELECT format('%I.%I', c.table_schema, c.table_name) AS table_name, format('%I', c.column_name) AS column_name, c.data_type = 'ARRAY' AS is_array
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema IN ('douyin', 'etl', 'raw') AND t.table_type = 'BASE TABLE' AND c.column_name IN ('account_id', 'accounts')
        ORDER BY 1, 2
        """;

    private const string ConfiguredAccounts = "SELECT account_id, display_name FROM douyin.account";

    /// <summary>Text printed to open the warehouse with psql, and the cluster when the demo runs its own.</summary>
    internal sealed record Target(string ConnectionString, string PsqlCommand, LocalPostgres? Postgres);

    public static async Task<Target> OpenAsync(string? warehouse, string directory, CancellationToken cancellationToken)
    {
        if (warehouse is not null)
        {
            await RefuseForeignAccountsAsync(warehouse, cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(warehouse);
            return new Target(warehouse, $"psql \"host={builder.Host} port={builder.Port} user={builder.Username} dbname={builder.Database}\"", null);
        }

        Console.WriteLine($"Starting a local PostgreSQL in {directory} …");
        LocalPostgres postgres;
        try
        {
            postgres = await LocalPostgres.StartAsync(directory, durable: true, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            // A directory that is not safely ours, no server binaries, initdb or pg_ctl failing: one message, exit 64.
            throw new ConfigurationException("The demo's cluster could not start: " + ex.Message);
        }

        await using (var connection = new NpgsqlConnection(postgres.ConnectionString()))
        {
            await connection.OpenAsync(cancellationToken);
            var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name = DemoDatabase }, cancellationToken: cancellationToken));
            if (!exists)
            {
                await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {DemoDatabase}", cancellationToken: cancellationToken));
            }
        }

        return new Target(postgres.ConnectionString(DemoDatabase), postgres.PsqlCommand(DemoDatabase), postgres);
    }

    /// <summary>
    /// A database "holds an account" when any row of the worker's schemas names it: douyin.account (the configured
    /// accounts, with their display names), etl.account_status, checkpoints, problems, runs, landed calls, every per-account
    /// table. One that is not a sandbox account (id and name as sandbox worlds make them) means production data:
    /// refused before anything is written, migrations included. Only reads.
    /// </summary>
    private static async Task RefuseForeignAccountsAsync(string warehouse, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(warehouse);
        await connection.OpenAsync(cancellationToken);
        string? foreign = null;
        string? where = null;
        foreach (var (table, column, isArray) in await connection.QueryAsync<(string Table, string Column, bool IsArray)>(new CommandDefinition(AccountColumns, cancellationToken: cancellationToken)))
        {
            var sql = isArray
                ? $"SELECT a FROM {table}, unnest({column}) AS a WHERE a !~ @Pattern LIMIT 1"
                : $"SELECT {column} FROM {table} WHERE {column} !~ @Pattern LIMIT 1";
            foreign = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql, new { Pattern = SandboxWorld.AccountIdPattern }, cancellationToken: cancellationToken));
            if (foreign is not null)
            {
                where = $"{table}.{column}";
                break;
            }
        }

        if (foreign is null && await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('douyin.account') IS NOT NULL", cancellationToken: cancellationToken)))
        {
            var named = (await connection.QueryAsync<(string Id, string? Name)>(new CommandDefinition(ConfiguredAccounts, cancellationToken: cancellationToken)))
                .FirstOrDefault(a => !SandboxWorld.IsSandboxAccount(a.Id, a.Name));
            (foreign, where) = named.Id is null ? (null, null) : (named.Id, "douyin.account, under another name than the sandbox's");
        }

        if (foreign is not null)
        {
            throw new ConfigurationException(
                $"The --warehouse database holds account '{foreign}' ({where}), which is not a sandbox account: the demo writes only to a database " +
                "that holds nothing but sandbox accounts, so it changed nothing. Name an empty database, or leave out --warehouse to use the demo's own cluster.");
        }
    }
}
