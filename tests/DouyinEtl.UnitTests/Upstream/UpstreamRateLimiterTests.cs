using DouyinEtl.Upstream;

namespace DouyinEtl.UnitTests.Upstream;

/// <summary>The limiter's schedule, read from the slots it hands out at given instants (no clock, no waiting).</summary>
public sealed class UpstreamRateLimiterTests
{
    private static readonly long Second = TimeProvider.System.TimestampFrequency;

    [Fact]
    public void Reserve_OnOneEndpoint_SpacesCallsByTheEndpointInterval()
    {
        var limiter = new UpstreamRateLimiter(10, 5, TimeProvider.System);

        var slots = Enumerable.Range(0, 4).Select(_ => limiter.Reserve("a", 0)).ToList();

        Assert.Equal([0, Second / 5, 2 * Second / 5, 3 * Second / 5], slots);
    }

    [Fact]
    public void Reserve_ForAnIdleEndpoint_TakesAFreeKeySlotBetweenTheCallsQueuedForABusyOne()
    {
        var limiter = new UpstreamRateLimiter(10, 5, TimeProvider.System);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            limiter.Reserve("watch_trend", 0); // 0, 0.2 s, 0.4 s
        }

        var other = limiter.Reserve("play_source", 0);
        var another = limiter.Reserve("danmaku", 0);

        // Queued behind the watch trend's last slot, these would wait until 0.5 s and 0.6 s, leaving the key idle.
        Assert.Equal(Second / 10, other);
        Assert.Equal(3 * Second / 10, another);
    }

    [Fact]
    public void Reserve_ManyCallersOnManyEndpoints_NeverBreaksEitherLimit()
    {
        var limiter = new UpstreamRateLimiter(10, 5, TimeProvider.System);
        var random = new Random(3);
        var endpoints = new[] { "a", "b", "b", "b", "c", "d", "e", "f" };
        var slots = new List<(string Endpoint, long Slot)>();
        var now = 0L;
        for (var i = 0; i < 2_000; i++)
        {
            now += random.Next(0, (int)(Second / 20));
            var endpoint = endpoints[random.Next(endpoints.Length)];
            var slot = limiter.Reserve(endpoint, now);
            Assert.True(slot >= now);
            slots.Add((endpoint, slot));
        }

        var byTime = slots.OrderBy(s => s.Slot).ToList();
        Assert.All(byTime.Zip(byTime.Skip(1)), pair => Assert.True(pair.Second.Slot - pair.First.Slot >= Second / 10, "two calls on the key closer than 1/10 s"));
        foreach (var endpoint in byTime.GroupBy(s => s.Endpoint))
        {
            var times = endpoint.Select(s => s.Slot).ToList();
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Second / 5, $"two calls on {endpoint.Key} closer than 1/5 s"));
        }

        // Demand above the key's rate keeps the key busy (2,000 calls in about 200 s), although 3 calls in 8 go to one
        // endpoint held to half that rate; handing out slots in arrival order would lose a key slot per b after b (~228 s).
        var span = (byTime[^1].Slot - byTime[0].Slot) / (double)Second;
        Assert.True(span <= 2_000 * 0.1 * 1.05, $"{span:0.0} s for 2,000 calls at 10/s");
    }

    [Fact]
    public void Pause_HoldsEveryEndpointUntilItHasPassed()
    {
        var limiter = new UpstreamRateLimiter(10, 5, TimeProvider.System);
        var now = TimeProvider.System.GetTimestamp();

        limiter.Pause(TimeSpan.FromSeconds(2));

        Assert.True(limiter.Reserve("a", now) >= now + (2 * Second) - (Second / 100));
        Assert.True(limiter.Reserve("b", now) >= now + (2 * Second) - (Second / 100));
    }
}
