namespace DouyinEtl.Sandbox.World;

/// <summary>China has had no daylight saving since 1991: a fixed +08:00 offset is exact for every date we serve.</summary>
public static class ShanghaiClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToShanghai(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(ToShanghai(instant).DateTime);

    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    public static DateTimeOffset FloorToHour(DateTimeOffset instant) =>
        new DateTimeOffset(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}
