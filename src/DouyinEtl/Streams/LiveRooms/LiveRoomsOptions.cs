using DouyinEtl.Configuration;
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
        var failures = new OptionFailures("LiveRooms");
        failures.Between("HistoryDays", options.HistoryDays, 1, 3650);
        failures.Between("WindowDays", options.WindowDays, 1, 90, "TikHub advises at most 3 months a call");
        failures.Between("Limit", options.Limit, 1, 400, "TikHub's maximum");
        failures.Between("SettleDays", options.SettleDays, 0, 365);
        failures.NotNegative("RefreshEvery", options.RefreshEvery);
        return failures.Result;
    }
}
