using Dapper;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Tests.Warehouse;

/// <summary>
/// Rules for everything in the analyst schema after all migrations, read from the catalog so that tables and views
/// added by any later migration are held to them too: described, readable by the analyst role, free of raw payloads.
/// </summary>
public sealed class AnalystSchemaTests
{
    private const string HowToFix =
        "Every table, view and column in schema douyin needs a COMMENT (English + the Chinese term, unit, source endpoint, " +
        "update cadence; the table's or view's own comment must carry the Chinese term). Add them in a new migration, then regenerate docs/data-dictionary.md.";

    [Fact]
    public async Task EveryTableViewAndColumnOfTheAnalystSchema_HasAComment()
    {
        await using var connection = await MigratedDatabaseAsync();

        var relations = await DataDictionary.ReadAsync(connection, DataDictionary.AnalystSchema, CancellationToken.None);

        Assert.Contains(relations, r => r.Name == "item_daily_growth" && r.Kind == "view");
        var missing = MissingComments(relations);
        Assert.True(missing.Count == 0, HowToFix + "\nMissing:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public async Task TheCommentRule_CatchesAnUndescribedTableViewOrColumn()
    {
        await using var connection = await MigratedDatabaseAsync();
        await connection.ExecuteAsync("""
            CREATE TABLE douyin.newly_merged (id text PRIMARY KEY, plays bigint);
            COMMENT ON COLUMN douyin.newly_merged.id IS 'Item id (作品ID).';
            CREATE VIEW douyin.newly_merged_view AS SELECT 1 AS answer;
            COMMENT ON VIEW douyin.newly_merged_view IS 'English only, no Chinese term.';
            """);

        var missing = MissingComments(await DataDictionary.ReadAsync(connection, DataDictionary.AnalystSchema, CancellationToken.None));

        Assert.Equal(
            ["douyin.newly_merged (table): no comment", "douyin.newly_merged.plays: no comment", "douyin.newly_merged_view (view): no Chinese term", "douyin.newly_merged_view.answer: no comment"],
            missing);
    }

    [Fact]
    public async Task EveryRelationOfTheAnalystSchema_IsReadableByTheAnalystRole_AndNoneOfRawOrEtl()
    {
        await using var connection = await MigratedDatabaseAsync();

        var privileges = await connection.QueryAsync<(string Relation, string Schema, bool CanSelect)>("""
            SELECT format('%I.%I', n.nspname, c.relname), n.nspname, has_table_privilege('douyin_analyst', c.oid, 'SELECT')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('douyin', 'raw', 'etl', 'partitions') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """);

        Assert.Empty(privileges.Where(p => p.Schema == "douyin" && !p.CanSelect).Select(p => p.Relation));
        Assert.Empty(privileges.Where(p => p.Schema != "douyin" && p.CanSelect).Select(p => p.Relation));
        Assert.Contains(privileges, p => p.Schema == "partitions");
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT has_schema_privilege('douyin_analyst', 'douyin', 'USAGE')"));

        // Months are read through their parent table in douyin; Metabase, shown only what the role may use, never lists them.
        Assert.False(await connection.ExecuteScalarAsync<bool>(
            "SELECT has_schema_privilege('douyin_analyst', 'raw', 'USAGE') OR has_schema_privilege('douyin_analyst', 'etl', 'USAGE') OR has_schema_privilege('douyin_analyst', 'partitions', 'USAGE')"));
    }

    [Fact]
    public async Task ATableAddedByALaterMigration_IsReadableByTheAnalystRoleWithoutItsOwnGrant()
    {
        await using var connection = await MigratedDatabaseAsync();

        await connection.ExecuteAsync("CREATE TABLE douyin.added_later (id text PRIMARY KEY)");

        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT has_table_privilege('douyin_analyst', 'douyin.added_later', 'SELECT')"));
    }

    [Fact]
    public async Task NoViewOfTheAnalystSchema_ReadsTheRawSchema()
    {
        await using var connection = await MigratedDatabaseAsync();

        var readsRaw = await connection.QueryAsync<string>("""
            SELECT DISTINCT format('%I.%I -> %I.%I', vn.nspname, v.relname, tn.nspname, t.relname)
            FROM pg_rewrite r
            JOIN pg_class v ON v.oid = r.ev_class
            JOIN pg_namespace vn ON vn.oid = v.relnamespace
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
            JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE vn.nspname = 'douyin' AND tn.nspname = 'raw'
            """);

        Assert.Empty(readsRaw);
    }

    [Fact]
    public async Task AnalystRoleMigration_RacingOnTwoDatabasesOfOneServer_BothSucceedWithOneRole()
    {
        // Roles are server-wide: use a role of our own, so this test can create it while others use douyin_analyst.
        var role = "t_analyst_" + Guid.NewGuid().ToString("N")[..12];
        var first = await PostgresServer.CreateDatabaseAsync();
        var second = await PostgresServer.CreateDatabaseAsync();
        var roleMigration = MigrationRunner.Embedded.Single(m => m.Sql.Contains("CREATE ROLE douyin_analyst", StringComparison.Ordinal));
        var earlier = MigrationRunner.Embedded.Where(m => m.Version < roleMigration.Version).ToList();
        var sql = roleMigration.Sql.Replace("douyin_analyst", role, StringComparison.Ordinal);
        try
        {
            foreach (var database in new[] { first, second })
            {
                await using var connection = await OpenAsync(database);
                foreach (var migration in earlier)
                {
                    await connection.ExecuteAsync(migration.Sql);
                }
            }

            // The first database creates the role but has not committed when the second one tries: the second waits
            // on the catalog's unique index, then loses the race and must carry on with the role the first made.
            await using var holder = await OpenAsync(first);
            await using (var transaction = await holder.BeginTransactionAsync())
            {
                await holder.ExecuteAsync(sql, transaction: transaction);
                var racer = Task.Run(async () =>
                {
                    await using var connection = await OpenAsync(second);
                    await connection.ExecuteAsync(sql);
                });
                await WaitUntilBlockedAsync(first, new NpgsqlConnectionStringBuilder(second).Database!, racer);
                await transaction.CommitAsync();
                await racer;
            }

            await using (var again = await OpenAsync(second))
            {
                await again.ExecuteAsync(sql); // applying it where the role exists is a no-op
            }

            Assert.Equal(1, await holder.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_roles WHERE rolname = @role AND NOT rolcanlogin", new { role }));
            foreach (var database in new[] { first, second })
            {
                await using var connection = await OpenAsync(database);
                Assert.True(await connection.ExecuteScalarAsync<bool>($"SELECT has_table_privilege('{role}', 'douyin.item_latest_metrics', 'SELECT')"));
                Assert.False(await connection.ExecuteScalarAsync<bool>($"SELECT has_table_privilege('{role}', 'raw.api_call', 'SELECT')"));
            }
        }
        finally
        {
            foreach (var database in new[] { first, second })
            {
                await using var connection = await OpenAsync(database);
                await connection.ExecuteAsync($"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN DROP OWNED BY {role}; END IF; END $$");
            }

            await using var cleanup = await OpenAsync(first);
            await cleanup.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    /// <summary>The comment rule of the house style, as a list of what breaks it.</summary>
    private static List<string> MissingComments(IEnumerable<CatalogRelation> relations)
    {
        var missing = new List<string>();
        foreach (var relation in relations)
        {
            if (string.IsNullOrWhiteSpace(relation.Comment))
            {
                missing.Add($"{relation.QualifiedName} ({relation.Kind}): no comment");
            }
            else if (!relation.Comment.Any(c => c is >= '\u4e00' and <= '\u9fff'))
            {
                missing.Add($"{relation.QualifiedName} ({relation.Kind}): no Chinese term");
            }

            missing.AddRange(relation.Columns.Where(c => string.IsNullOrWhiteSpace(c.Comment)).Select(c => $"{relation.QualifiedName}.{c.Name}: no comment"));
        }

        return missing;
    }

    private static async Task WaitUntilBlockedAsync(string observerDatabase, string database, Task racer)
    {
        // A connection of its own: pg_stat_activity is read once per transaction.
        await using var observer = await OpenAsync(observerDatabase);
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(2) && !racer.IsCompleted)
        {
            var waiting = await observer.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = @database AND wait_event_type = 'Lock')", new { database });
            if (waiting)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail(racer.IsCompleted ? $"the second migration finished without waiting: {racer.Exception?.GetBaseException().Message}" : "the second migration never reached the role");
    }

    private static async Task<NpgsqlConnection> MigratedDatabaseAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(database))
        {
            await Migrations.Runner(dataSource).MigrateAsync(CancellationToken.None);
        }

        return await OpenAsync(database);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
