using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>
/// Applies the numbered SQL files under <c>migrations/</c> (embedded in the binary) in order, each in its own
/// transaction, under an advisory lock so several replicas starting at once apply each file exactly once. A file
/// that changed after it was applied stops everything: applied migrations are history, changes go in a new file.
/// Then partition maintenance brings the monthly partitions up to date (<see cref="PartitionMaintenance"/>).
/// </summary>
internal sealed partial class MigrationRunner(NpgsqlDataSource dataSource, PartitionMaintenance partitions, ILogger<MigrationRunner> log)
{
    // Arbitrary but fixed: every process of every version must agree on it. Partition maintenance takes it too.
    public const long AdvisoryLockKey = 0x44_6f_75_79_69_6e_45; // "DouyinE"

    private const string Bootstrap = """
        CREATE SCHEMA IF NOT EXISTS etl;
        CREATE TABLE IF NOT EXISTS etl.schema_migration (
            version    integer PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE etl.schema_migration IS 'Migrations applied to this database (from migrations/*.sql), with their SHA-256.';
        """;

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>Applies what is pending (up to <paramref name="throughVersion"/>, e.g. to fill an older schema in a test); returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken, int throughVersion = int.MaxValue)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // No command timeout: another process's migration may take minutes (V090 on a large warehouse); a stop still cancels the wait.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken, commandTimeout: 0));
        var appliedNow = new List<int>();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(Bootstrap, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(new CommandDefinition(
                "SELECT version, name, checksum FROM etl.schema_migration", cancellationToken: cancellationToken)))
                .ToDictionary(m => m.Version);

            var edited = Embedded
                .Where(m => applied.TryGetValue(m.Version, out var a) && a.Checksum != m.Checksum)
                .Select(m => m.FileName)
                .ToList();
            if (edited.Count > 0)
            {
                throw new MigrationException(
                    $"Migration file(s) {string.Join(", ", edited)} changed after they were applied to this database. " +
                    "Applied migrations must never be edited: restore the original file and put the change in a new numbered file.");
            }

            var unknown = applied.Keys.Except(Embedded.Select(m => m.Version)).Order().ToList();
            if (unknown.Count > 0)
            {
                throw new MigrationException(
                    $"The database has migration(s) {string.Join(", ", unknown)} that this build does not know: it is older than the schema. Deploy the newer build.");
            }

            foreach (var migration in Embedded.Where(m => !applied.ContainsKey(m.Version) && m.Version <= throughVersion))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // No time limit: a migration that rewrites a large table (V090) takes time in proportion to its rows, and
                // one cut off would roll back and start over at every start, for ever.
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken, commandTimeout: 0));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO etl.schema_migration (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    migration,
                    transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(log, migration.FileName);
                appliedNow.Add(migration.Version);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }

        await partitions.RunAsync(cancellationToken);
        return appliedNow;
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            var fileName = resource["migrations/".Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new MigrationException($"Migration file '{fileName}' must be named V<number>__<name>.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, fileName, sql, checksum));
        }

        var duplicates = migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new MigrationException($"Several migration files share version(s) {string.Join(", ", duplicates)}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"^V(\d+)__([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Applied migration {FileName}")]
    private static partial void LogApplied(ILogger logger, string fileName);
}

internal sealed record Migration(int Version, string Name, string FileName, string Sql, string Checksum);

internal sealed class MigrationException(string message) : Exception(message);
