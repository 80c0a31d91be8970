using Dapper;
using Npgsql;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>
/// The read-only role, through a real LOGIN made the way the analyst guide says, on a loaded warehouse whose raw
/// and etl tables hold payloads and problems: everything in douyin is readable, nothing in raw or etl is, nothing can
/// be written, and nothing readable holds a credential.
/// </summary>
[Collection(AnalystWarehouseCollection.Name)]
public sealed class AnalystRoleTests(AnalystWarehouseFixture fixture)
{
    private readonly Harness _harness = fixture.Harness;

    [Fact]
    public async Task Analyst_ReadsEveryTableAndViewOfTheAnalystSchema()
    {
        await using var login = await AnalystLogin.CreateAsync(_harness.ConnectionString);
        await using var connection = await login.OpenAsync();

        var relations = await RelationsAsync("douyin");
        Assert.True(relations.Count >= 15, $"expected the douyin tables and views, found {relations.Count}");
        foreach (var relation in relations)
        {
            await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {relation}");
        }

        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM douyin.item_latest_metrics") > 0);
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM douyin.pipeline_problem") > 0, "pipeline health must reach the analyst through the douyin views");
    }

    [Fact]
    public async Task Analyst_CannotReadRawPayloadsOrAnyEtlTableOrPartition()
    {
        await using var login = await AnalystLogin.CreateAsync(_harness.ConnectionString);
        await using var connection = await login.OpenAsync();
        Assert.True(await _harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE payload IS NOT NULL") > 0, "raw must hold payloads for this test to mean anything");

        var payload = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<string>("SELECT payload::text FROM raw.api_call LIMIT 1"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, payload.SqlState);

        // The monthly partitions too: analysts read them through their parent tables in douyin.
        var closed = (await RelationsAsync("raw")).Concat(await RelationsAsync("etl")).Concat(await RelationsAsync("partitions")).ToList();
        Assert.Contains("etl.run", closed);
        Assert.Contains("partitions.item_metric_snapshot_default", closed);
        foreach (var relation in closed)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {relation}"));
            Assert.True(error.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{relation}: {error.MessageText}");
        }
    }

    [Fact]
    public async Task Analyst_CannotWriteOrCreateAnything()
    {
        await using var login = await AnalystLogin.CreateAsync(_harness.ConnectionString);
        await using var connection = await login.OpenAsync();

        foreach (var statement in new[]
                 {
                     "UPDATE douyin.item SET title = 'x'",
                     "DELETE FROM douyin.item_metric_snapshot",
                     "INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at) VALUES ('x', 'x', now(), now())",
                     "CREATE TABLE douyin.scratch (x int)",
                     "CREATE VIEW douyin.scratch AS SELECT 1 AS x",
                 })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));
            Assert.True(error.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {error.MessageText}");
        }
    }

    [Fact]
    public async Task NothingTheAnalystCanRead_HoldsACookieOrTheApiKey()
    {
        await using var login = await AnalystLogin.CreateAsync(_harness.ConnectionString);
        await using var connection = await login.OpenAsync();
        var secrets = _harness.Sandbox.World.Accounts.Select(a => a.Cookie)
            .Concat(_harness.Sandbox.World.Accounts.Select(a => a.Cookie.Split(';')[0].Split('=')[1]))
            .Append(_harness.Sandbox.Options.ApiKey)
            .ToList();

        foreach (var relation in await RelationsAsync("douyin"))
        {
            var dump = string.Join('\n', await connection.QueryAsync<string>($"SELECT t::text FROM {relation} t"));
            Assert.All(secrets, secret => Assert.False(dump.Contains(secret, StringComparison.Ordinal), $"{relation} shows a credential"));
        }
    }

    private async Task<List<string>> RelationsAsync(string schema) => await _harness.QueryAsync<string>(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1",
        new { schema });
}
