using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Upstream;

namespace DouyinEtl.Tests.Streams.AuthorDiagnosis;

public sealed class AuthorDiagnosisEndToEndTests
{
    [Theory]
    [InlineData(PayloadVariant.RealWorld)]
    [InlineData(PayloadVariant.Documented)]
    public async Task Run_EitherPayloadShape_RowsEqualSandboxTruth(PayloadVariant variant)
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.Variant) = (2, variant));

        var summary = await harness.RunAsync("author-diagnosis");

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, summary.Counters.Problems);

        // 2026-11-20 18:30 Beijing: yesterday's diagnosis is out.
        var day = new DateOnly(2026, 11, 19);
        var expected = DiagnosisTruth.Expected(harness.Sandbox.World, day, variant);
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected, await harness.QueryAsync<DiagnosisInWarehouse>(DiagnosisTruth.RowsSql));
    }

    [Fact]
    public async Task Run_AroundTheNoonUpdate_LoadsTheDayTheCreatorCenterShowsAndNeverPaysTwiceForADay()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);
        var billed = () => harness.Sandbox.Calls.For(UpstreamEndpoints.AuthorDiagnosis).Snapshot().Billed;

        // Saturday 2026-11-21, Beijing time (UTC+8).
        harness.SetNow(new DateTimeOffset(2026, 11, 21, 11, 0, 0, TimeSpan.FromHours(8)));
        await harness.RunAsync("author-diagnosis");
        Assert.Equal(2, billed());
        harness.SetNow(new DateTimeOffset(2026, 11, 21, 11, 59, 0, TimeSpan.FromHours(8)));
        await harness.RunAsync("author-diagnosis");
        Assert.Equal(2, billed());

        harness.SetNow(new DateTimeOffset(2026, 11, 21, 12, 30, 0, TimeSpan.FromHours(8)));
        await harness.RunAsync("author-diagnosis");
        Assert.Equal(4, billed());
        harness.SetNow(new DateTimeOffset(2026, 11, 21, 23, 0, 0, TimeSpan.FromHours(8)));
        await harness.RunAsync("author-diagnosis");

        // Next morning, before noon, the creator center still shows Friday's numbers: already loaded, nothing paid.
        harness.SetNow(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(8)));
        var nextMorning = await harness.RunAsync("author-diagnosis");

        Assert.Equal(0, nextMorning.Counters.Calls);
        Assert.Equal(4, billed());
        Assert.Equal(
            [new DateTime(2026, 11, 19), new DateTime(2026, 11, 20)],
            await harness.QueryAsync<DateTime>("SELECT DISTINCT data_day::timestamp FROM douyin.author_diagnosis ORDER BY 1"));
        Assert.Equal(20, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.author_diagnosis"));
        var friday = AuthorDiagnosisWorld.For(harness.Sandbox.World, harness.Sandbox.World.Accounts[0], new DateOnly(2026, 11, 20)).Single(v => v.Dimension == "PlayCnt");
        Assert.Equal(friday.OwnValue, await harness.ScalarAsync<decimal>(
            "SELECT own_value FROM douyin.author_diagnosis WHERE account_id = 'creator-01' AND data_day = '2026-11-20' AND dimension = 'PlayCnt'"));
    }

    [Fact]
    public async Task Run_AsTheDailyCookieCheck_MarksAnExpiredAccountAndConfirmsTheOthers()
    {
        await using var harness = await Harness.StartAsync(s => (s.Accounts, s.ExpiredAccounts) = (2, ["creator-02"]));

        var summary = await harness.RunAsync("author-diagnosis");

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(2, summary.Counters.BilledCalls);
        Assert.Equal("ok", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-01'"));
        Assert.Equal("cookie_expired", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = 'creator-02'"));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.author_diagnosis WHERE account_id = 'creator-02'"));
    }
}
