namespace DouyinEtl.Upstream;

/// <summary>
/// The slot rule for one key, pure: a call takes the earliest instant at or after <c>from</c> that is one interval
/// away from every slot already reserved on the key and on its endpoint. Slots are not handed out in arrival order: a
/// call to an idle endpoint takes a free key slot between the spaced-out calls queued for a busy one, instead of
/// waiting behind them (which left the key idle and held a job spread over several endpoints well below the key's
/// rate). Instants are plain numbers in any unit (the shared pace uses <see cref="TimeSpan"/> ticks of the database clock).
/// </summary>
internal static class PaceSchedule
{
    /// <summary>One interval in ticks for <paramref name="perSecond"/>, rounded up to whole microseconds (what timestamptz keeps).</summary>
    public static long Interval(double perSecond)
    {
        var ticks = (long)Math.Ceiling(TimeSpan.TicksPerSecond / perSecond);
        return (ticks + TimeSpan.TicksPerMicrosecond - 1) / TimeSpan.TicksPerMicrosecond * TimeSpan.TicksPerMicrosecond;
    }

    /// <summary>The earliest slot at or after <paramref name="from"/> that keeps both limits. Both lists ascending.</summary>
    public static long Earliest(IReadOnlyList<long> keySlots, long keyInterval, IReadOnlyList<long> endpointSlots, long endpointInterval, long from)
    {
        var slot = from;
        while (true)
        {
            var free = EarliestFree(endpointSlots, endpointInterval, EarliestFree(keySlots, keyInterval, slot));
            if (free == slot)
            {
                return slot;
            }

            slot = free;
        }
    }

    /// <summary>The slots still constraining anything at <paramref name="now"/>, with <paramref name="slot"/> added, ascending.</summary>
    public static long[] With(IEnumerable<long> slots, long interval, long now, long slot) => Live(slots.Append(slot), interval, now);

    /// <summary>Slots an interval in the past no longer constrain anything; what stays is bounded by the callers waiting.</summary>
    public static long[] Live(IEnumerable<long> slots, long interval, long now) =>
        slots.Where(s => s > now - interval).Order().ToArray();

    private static long EarliestFree(IReadOnlyList<long> slots, long interval, long from)
    {
        var candidate = from;
        foreach (var reserved in slots)
        {
            if (candidate + interval <= reserved)
            {
                break;
            }

            if (reserved + interval > candidate)
            {
                candidate = reserved + interval;
            }
        }

        return candidate;
    }
}
