using DouyinEtl.Upstream;

namespace DouyinEtl.UnitTests.Upstream;

/// <summary>When the breaker trips, call by call on a pinned clock (the processes against real dead servers are in UpstreamBreakerTests).</summary>
public sealed class UpstreamBreakerRuleTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 1, 30, 0, TimeSpan.FromHours(8));

    [Fact]
    public void FiveFailuresInARow_TripOnlyOnceNothingWasAnsweredForTheWindow()
    {
        var clock = new FixedClock(Start);
        var breaker = new UpstreamBreaker(5, TimeSpan.FromSeconds(30), "http://tikhub.test", clock);

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(breaker.Failed("connection refused"));
        }

        clock.Now = Start.AddSeconds(29);
        Assert.Null(breaker.Failed("connection refused"));
        clock.Now = Start.AddSeconds(31);
        var tripped = breaker.Failed("connection refused");

        Assert.NotNull(tripped);
        Assert.StartsWith("TikHub unreachable at http://tikhub.test: connection refused (6 calls in a row", tripped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFailures_TripAfterTwiceTheWindowWithoutAnAnswer_WhenFewCallsAreOutAtOnce()
    {
        var clock = new FixedClock(Start);
        var breaker = new UpstreamBreaker(5, TimeSpan.FromSeconds(30), "http://tikhub.test", clock);

        clock.Now = Start.AddSeconds(34);
        Assert.Null(breaker.Failed("timed out"));
        Assert.Null(breaker.Failed("timed out"));
        clock.Now = Start.AddSeconds(59);
        Assert.Null(breaker.Failed("timed out"));
        clock.Now = Start.AddSeconds(61);

        Assert.NotNull(breaker.Failed("timed out"));
    }

    [Fact]
    public void AnAnswer_ClosesIt_AndTheSilenceCountsFromThatAnswer()
    {
        var clock = new FixedClock(Start);
        var breaker = new UpstreamBreaker(5, TimeSpan.FromSeconds(30), "http://tikhub.test", clock);
        Assert.Null(breaker.Failed("timed out"));

        clock.Now = Start.AddSeconds(50);
        breaker.Answered();
        clock.Now = Start.AddSeconds(100);
        Assert.Null(breaker.Failed("timed out"));
        clock.Now = Start.AddSeconds(109);
        Assert.Null(breaker.Failed("timed out"));
        clock.Now = Start.AddSeconds(111);

        Assert.NotNull(breaker.Failed("timed out"));
    }

    [Fact]
    public void ZeroFailures_TurnsItOff()
    {
        var clock = new FixedClock(Start);
        var breaker = new UpstreamBreaker(0, TimeSpan.FromSeconds(30), "http://tikhub.test", clock);
        clock.Now = Start.AddHours(1);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Null(breaker.Failed("timed out")));
    }
}
