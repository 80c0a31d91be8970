using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Tests.Streams.ItemAnalytics;
using DouyinEtl.Tests.Streams.ItemList;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// PostgreSQL restarted (a durable cluster of the test's own, stopped as by a crash) while a job writes: the units in flight
/// wait for it, land the answers they already have, and the run succeeds with nothing paid twice and nothing half written.
/// </summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public Task Run_WhilePostgresRestarts_RidesItOutWithoutPayingTwice() => WithRestartableClusterAsync(async cluster =>
    {
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(30)),
            database: cluster.Database);
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        var summary = await cluster.RunWhileRestartingAsync(harness, "item-analytics", restartAfterBilled: billedBefore + 30);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, $"{summary.Outcome}: {summary.Error}");
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Database unavailable", StringComparison.Ordinal));
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        Assert.Empty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));
        var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics' AND http_status = 200");
        Assert.Equal(requests, harness.Sandbox.Calls.TotalBilled - billedBefore);
    });

    [Fact]
    public Task ItemList_WhilePostgresRestarts_ReadsThePagesItLandedBackInsteadOfPayingAgain() => WithRestartableClusterAsync(async cluster =>
    {
        // Windows of many small pages: a unit re-run after the outage starts its window again, and the pages it landed
        // before (dropped from memory once landed) come back from raw.api_call, not from the upstream.
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 400, TimeSpan.FromMilliseconds(20)),
            new Dictionary<string, string?> { ["ItemList:PageSize"] = "5" },
            database: cluster.Database);

        var summary = await cluster.RunWhileRestartingAsync(harness, "item-list", restartAfterBilled: 40);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, $"{summary.Outcome}: {summary.Error}");
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Database unavailable", StringComparison.Ordinal));
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
        Assert.Empty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));

        // Both accounts ask the same first page of each month: the account is part of what makes a request.
        var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (account_id, endpoint, request::text)) FROM raw.api_call WHERE http_status = 200");
        Assert.Equal(requests, harness.Sandbox.Calls.TotalBilled);
    });

    private static async Task WithRestartableClusterAsync(Func<RestartableCluster, Task> test)
    {
        var directory = Path.Combine(Path.GetTempPath(), "douyin-etl-pg-restart-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await LocalPostgres.StartAsync(directory, durable: true, CancellationToken.None);
        try
        {
            await using (var admin = new NpgsqlConnection(postgres.ConnectionString()))
            {
                await admin.ExecuteAsync("CREATE DATABASE restarted");
            }

            await test(new RestartableCluster(postgres, directory));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await postgres.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record RestartableCluster(LocalPostgres Postgres, string Directory)
    {
        public string Database => Postgres.ConnectionString("restarted");

        /// <summary>Runs the job; once the sandbox has billed <paramref name="restartAfterBilled"/> calls, stops the server as a crash would and starts it again 1.5 s later.</summary>
        public async Task<RunSummary> RunWhileRestartingAsync(Harness harness, string job, long restartAfterBilled)
        {
            var restart = Task.Run(async () =>
            {
                while (harness.Sandbox.Calls.TotalBilled < restartAfterBilled)
                {
                    await Task.Delay(2);
                }

                await Postgres.StopAsync("immediate", CancellationToken.None);
                await Task.Delay(1500);
                await LocalPostgres.StartAsync(Directory, durable: true, CancellationToken.None);
            });
            var summary = await harness.RunAsync(job);
            await restart;
            return summary;
        }
    }
}
