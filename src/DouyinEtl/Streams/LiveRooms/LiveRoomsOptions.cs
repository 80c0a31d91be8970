using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.LiveRooms;

internal sealed class LiveRoomsOptions
{
    public const string Section = "LiveRooms";

    /// <summary>How far back a scheduled run (no --from) reads the live history.</summary>
    public int HistoryDays { get; set; } = 365;

    /// <summary>Days per window, on a fixed grid. Changing it changes every window's key: history is read again once.</summary>
    public int WindowDays { get; set; } = 90;

    /// <summary>Rooms per call (TikHub's <c>limit</c>, at most 400). A window that fills it is split in halves.</summary>
    public int Limit { get; set; } = 400;

    /// <summary>Days after a window's last day during which it is still re-read (live numbers arrive 1–2 hours late).</summary>
    public int SettleDays { get; set; } = 2;

    /// <summary>Minimum time between two reads of a window still settling or holding a live room.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class LiveRoomsOptionsValidator : IValidateOptions<LiveRoomsOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveRoomsOptions options)
    {
        var failures = new List<string>();
        if (options.HistoryDays is < 1 or > 3650)
        {
            failures.Add($"LiveRooms:HistoryDays must be between 1 and 3650, got {options.HistoryDays}.");
        }

        if (options.WindowDays is < 1 or > 90)
        {
            failures.Add($"LiveRooms:WindowDays must be between 1 and 90 (TikHub advises at most 3 months a call), got {options.WindowDays}.");
        }

        if (options.Limit is < 1 or > 400)
        {
            failures.Add($"LiveRooms:Limit must be between 1 and 400 (TikHub's maximum), got {options.Limit}.");
        }

        if (options.SettleDays is < 0 or > 365)
        {
            failures.Add($"LiveRooms:SettleDays must be between 0 and 365, got {options.SettleDays}.");
        }

        if (options.RefreshEvery < TimeSpan.Zero)
        {
            failures.Add($"LiveRooms:RefreshEvery must not be negative, got {options.RefreshEvery}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
