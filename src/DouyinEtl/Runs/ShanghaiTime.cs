namespace DouyinEtl.Runs;

/// <summary>
/// Creator-center days are Asia/Shanghai days. China has kept +08:00 without daylight saving since 1991, so a fixed
/// offset is exact for every date we handle and needs no tz database on the host (or in a chiseled image).
/// </summary>
internal static class ShanghaiTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>Asia/Shanghai as a zone (for cron schedules), built from the fixed offset for the same reason.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", Offset, "China Standard Time", "China Standard Time");

    public static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>Midnight of <paramref name="day"/> in Beijing, as a UTC instant.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();

    public static DateTimeOffset FloorToHour(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    /// <summary>A wall-clock time in Beijing (as the export and live history print it) to a UTC instant.</summary>
    public static DateTimeOffset FromLocal(DateTime beijingWallClock) =>
        new DateTimeOffset(DateTime.SpecifyKind(beijingWallClock, DateTimeKind.Unspecified), Offset).ToUniversalTime();
}
