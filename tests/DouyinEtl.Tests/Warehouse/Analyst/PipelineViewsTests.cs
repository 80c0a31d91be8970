using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>The pipeline-health views against what the runs reported and what the sandbox counted.</summary>
[Collection(AnalystWarehouseCollection.Name)]
public sealed class PipelineViewsTests(AnalystWarehouseFixture fixture)
{
    private readonly Harness _harness = fixture.Harness;

    [Fact]
    public async Task PipelineRunAndDaily_ShowEveryRunAndTheCallsTheSandboxCounted()
    {
        var runs = await _harness.QueryAsync<(long RunId, string Status, long Calls, long BilledCalls, decimal EstimatedCostUsd)>(
            "SELECT run_id, status, calls, billed_calls, estimated_cost_usd FROM douyin.pipeline_run ORDER BY run_id");
        var daily = await _harness.QueryAsync<(string Day, long Runs, long RunsPartlyFailed, long BilledCalls, decimal EstimatedCostUsd)>(
            "SELECT day::text, sum(runs)::bigint, sum(runs_partly_failed)::bigint, sum(billed_calls)::bigint, sum(estimated_cost_usd) FROM douyin.pipeline_daily GROUP BY day ORDER BY day");

        Assert.Equal(fixture.Runs.Select(r => r.RunId), runs.Select(r => r.RunId));
        Assert.Equal(fixture.Runs.Select(r => r.Counters.BilledCalls), runs.Select(r => r.BilledCalls));
        Assert.Equal(_harness.Sandbox.Calls.TotalBilled, runs.Sum(r => r.BilledCalls));
        Assert.Equal(_harness.Sandbox.Calls.TotalBilled, daily.Sum(d => d.BilledCalls));
        Assert.Equal(runs.Sum(r => r.EstimatedCostUsd), daily.Sum(d => d.EstimatedCostUsd));
        Assert.True(runs.Sum(r => r.EstimatedCostUsd) > 0);
        Assert.Equal(["2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24", "2026-11-28"], daily.Select(d => d.Day));
        Assert.Equal([3, 2, 1, 1, 2], daily.Select(d => d.Runs)); // item-list, and live-rooms on the first and last day
        Assert.Equal(fixture.Runs.Count(r => r.Outcome == RunOutcome.PartlyFailed), daily.Sum(d => d.RunsPartlyFailed));
    }

    [Fact]
    public async Task AccountStatusAndProblems_NameTheExpiredCookie()
    {
        var accounts = await _harness.QueryAsync<(string AccountId, string? State, bool? CookieExpired)>(
            "SELECT account_id, state, cookie_expired FROM douyin.pipeline_account_status ORDER BY account_id");
        var problems = await _harness.QueryAsync<(string Job, string? AccountId, string Kind)>("SELECT job, account_id, kind FROM douyin.pipeline_problem");

        Assert.Equal(_harness.Sandbox.World.Accounts.Select(a => a.Id), accounts.Select(a => a.AccountId));
        Assert.All(accounts, a => Assert.Equal(a.AccountId == AnalystWarehouseFixture.ExpiredAccount, a.CookieExpired));
        Assert.Contains(("item-list", (string?)AnalystWarehouseFixture.ExpiredAccount, "cookie_expired"), problems);
    }

    [Fact]
    public async Task StreamStatus_ShowsTheLastCompletionPerAccountAndTheLastRunThatCoveredIt()
    {
        var status = await _harness.QueryAsync<(string Stream, string AccountId, DateTime LastCompletedAt, string LastRunStatus)>(
            "SELECT stream, account_id, last_completed_at, last_run_status FROM douyin.pipeline_stream_status WHERE stream = 'item-list' ORDER BY account_id");

        Assert.Equal(_harness.Sandbox.World.Accounts.Select(a => a.Id), status.Select(s => s.AccountId));
        Assert.All(status.Where(s => s.AccountId != AnalystWarehouseFixture.ExpiredAccount), s => Assert.Equal(AnalystWarehouseFixture.RunTimes[^1].UtcDateTime, s.LastCompletedAt));
        Assert.Equal(AnalystWarehouseFixture.RunTimes[3].UtcDateTime, status.Single(s => s.AccountId == AnalystWarehouseFixture.ExpiredAccount).LastCompletedAt);
        // The last run was partly failed as a whole (one cookie expired); it loaded everything of the other accounts.
        Assert.All(status, s => Assert.Equal(s.AccountId == AnalystWarehouseFixture.ExpiredAccount ? "failed" : "succeeded", s.LastRunStatus));
        Assert.Equal("partly_failed", await _harness.ScalarAsync<string>("SELECT status FROM douyin.pipeline_run WHERE job = 'item-list' ORDER BY run_id DESC LIMIT 1"));
    }

    [Fact]
    public async Task StreamStatus_IsStaleWhenNothingCompletedForMoreThan25Hours()
    {
        // Staleness is measured against the database clock: move two accounts' checkpoints relative to it, then undo.
        await using var connection = await _harness.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, """
            UPDATE etl.checkpoint SET completed_at = now() - interval '2 hours' WHERE account_id = 'creator-01' AND completed_at IS NOT NULL;
            UPDATE etl.checkpoint SET completed_at = now() - interval '26 hours' WHERE account_id = 'creator-02' AND completed_at IS NOT NULL;
            """, transaction: transaction);

        var stale = (await Dapper.SqlMapper.QueryAsync<(string AccountId, bool IsStale)>(connection, "SELECT account_id, is_stale FROM douyin.pipeline_stream_status WHERE stream = 'item-list'", transaction: transaction))
            .ToDictionary(s => s.AccountId, s => s.IsStale);
        await transaction.RollbackAsync();

        Assert.False(stale["creator-01"]);
        Assert.True(stale["creator-02"]);
    }
}
