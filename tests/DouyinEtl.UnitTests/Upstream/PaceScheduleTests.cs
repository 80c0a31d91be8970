using DouyinEtl.Configuration;
using DouyinEtl.Upstream;

namespace DouyinEtl.UnitTests.Upstream;

/// <summary>
/// The pace's schedule, read from the slots it hands out at given instants (no clock, no waiting, no database): the
/// rows of <c>etl.upstream_pace</c> are kept in a dictionary, updated as <see cref="SharedPace"/> stores them.
/// </summary>
public sealed class PaceScheduleTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    private static readonly UpstreamKey KeyA = new("a", "secret-a", 10, 5);

    [Fact]
    public void Reserve_OnOneEndpoint_SpacesCallsByTheEndpointInterval()
    {
        var book = new Book();

        var slots = Enumerable.Range(0, 4).Select(_ => book.Reserve([KeyA], "a", 0).Slot).ToList();

        Assert.Equal([0, Second / 5, 2 * Second / 5, 3 * Second / 5], slots);
    }

    [Fact]
    public void Reserve_ForAnIdleEndpoint_TakesAFreeKeySlotBetweenTheCallsQueuedForABusyOne()
    {
        var book = new Book();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            book.Reserve([KeyA], "watch_trend", 0); // 0, 0.2 s, 0.4 s
        }

        var other = book.Reserve([KeyA], "play_source", 0).Slot;
        var another = book.Reserve([KeyA], "danmaku", 0).Slot;

        // Queued behind the watch trend's last slot, these would wait until 0.5 s and 0.6 s, leaving the key idle.
        Assert.Equal(Second / 10, other);
        Assert.Equal(3 * Second / 10, another);
    }

    [Fact]
    public void Reserve_ManyCallersOnManyEndpoints_NeverBreaksEitherLimit()
    {
        var book = new Book();
        var slots = RandomDemand(book, [KeyA], 2_000);

        AssertLimitsKept(slots, KeyA);

        // Demand above the key's rate keeps the key busy (2,000 calls in about 200 s), although 3 calls in 8 go to one
        // endpoint held to half that rate; handing out slots in arrival order would lose a key slot per b after b (~228 s).
        var span = (slots.Max(s => s.Slot) - slots.Min(s => s.Slot)) / (double)Second;
        Assert.True(span <= 2_000 * 0.1 * 1.05, $"{span:0.0} s for 2,000 calls at 10/s");
    }

    [Fact]
    public void Reserve_OnAPausedKey_WaitsUntilThePauseHasPassed()
    {
        var book = new Book();
        book.Pause(KeyA, 2 * Second);

        Assert.Equal(2 * Second, book.Reserve([KeyA], "a", 0).Slot);
        Assert.Equal(2 * Second + (Second / 10), book.Reserve([KeyA], "b", Second).Slot);
    }

    [Fact]
    public void Reserve_OverAPool_UsesEveryKeyWithinItsOwnLimits_AndGoesAsFastAsTheirSum()
    {
        var book = new Book();
        var slow = new UpstreamKey("slow", "secret-slow", 4, 2);
        var slots = RandomDemand(book, [KeyA, slow], 1_400);

        AssertLimitsKept(slots.Where(s => s.Key == KeyA).ToList(), KeyA);
        AssertLimitsKept(slots.Where(s => s.Key == slow).ToList(), slow);

        // 14 calls a second together: 1,400 calls in about 100 s, each key busy in proportion to its rate.
        var span = (slots.Max(s => s.Slot) - slots.Min(s => s.Slot)) / (double)Second;
        Assert.True(span <= 100 * 1.05, $"{span:0.0} s for 1,400 calls at 10/s + 4/s");
        Assert.InRange(slots.Count(s => s.Key == slow), 380, 420);
    }

    [Fact]
    public void Reserve_WhenOneKeyIsPaused_TakesTheOther()
    {
        var book = new Book();
        var other = new UpstreamKey("b", "secret-b", 10, 5);
        book.Pause(KeyA, 30 * Second);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(other, book.Reserve([KeyA, other], "a", 0).Key));
    }

    private static List<PaceChoice> RandomDemand(Book book, IReadOnlyList<UpstreamKey> keys, int calls)
    {
        var random = new Random(3);
        var endpoints = new[] { "a", "b", "b", "b", "c", "d", "e", "f" };
        var slots = new List<PaceChoice>();
        var now = 0L;
        for (var i = 0; i < calls; i++)
        {
            now += random.Next(0, (int)(Second / 20));
            var choice = book.Reserve(keys, endpoints[random.Next(endpoints.Length)], now);
            Assert.True(choice.Slot >= now);
            slots.Add(choice);
        }

        return slots;
    }

    private static void AssertLimitsKept(List<PaceChoice> slots, UpstreamKey key)
    {
        var byTime = slots.OrderBy(s => s.Slot).ToList();
        var keyInterval = Second / (long)key.RequestsPerSecond;
        var endpointInterval = Second / (long)key.RequestsPerSecondPerEndpoint;
        Assert.All(byTime.Zip(byTime.Skip(1)), pair => Assert.True(pair.Second.Slot - pair.First.Slot >= keyInterval, $"two calls on {key.Id} closer than its interval"));
        foreach (var endpoint in byTime.GroupBy(s => s.Endpoint))
        {
            var times = endpoint.Select(s => s.Slot).ToList();
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= endpointInterval, $"two calls on {key.Id} × {endpoint.Key} closer than its interval"));
        }
    }

    /// <summary>The rows of <c>etl.upstream_pace</c>, kept as <see cref="SharedPace"/> stores them.</summary>
    private sealed class Book
    {
        private readonly Dictionary<(string Key, string Endpoint), (long[] Slots, long? PausedUntil)> _rows = [];

        public PaceChoice Reserve(IReadOnlyList<UpstreamKey> keys, string endpoint, long now)
        {
            var choice = SharedPace.Choose(keys, endpoint, _rows, now);
            _rows[(choice.Key.Id, "")] = (choice.KeySlots, _rows.GetValueOrDefault((choice.Key.Id, "")).PausedUntil);
            _rows[(choice.Key.Id, endpoint)] = (choice.EndpointSlots, null);
            return choice;
        }

        public void Pause(UpstreamKey key, long until) => _rows[(key.Id, "")] = (_rows.GetValueOrDefault((key.Id, "")).Slots ?? [], until);
    }
}
