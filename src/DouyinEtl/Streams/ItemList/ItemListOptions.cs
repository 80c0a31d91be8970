using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemList;

internal sealed class ItemListOptions
{
    public const string Section = "ItemList";

    /// <summary>How far back the first run walks the publish calendar.</summary>
    public int HistoryDays { get; set; } = 730;

    /// <summary>Windows that end within this many days are re-paged for fresh metric snapshots; older complete windows never again.</summary>
    public int RefreshDays { get; set; } = 90;

    /// <summary>Minimum time between two snapshots of a window still being refreshed.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromHours(1);

    public int PageSize { get; set; } = 100;
}

internal sealed class ItemListOptionsValidator : IValidateOptions<ItemListOptions>
{
    public ValidateOptionsResult Validate(string? name, ItemListOptions options)
    {
        var failures = new OptionFailures("ItemList");
        failures.Between("HistoryDays", options.HistoryDays, 1, 3650);
        failures.Between("RefreshDays", options.RefreshDays, 0, 3650);
        failures.NotNegative("RefreshEvery", options.RefreshEvery);
        failures.Between("PageSize", options.PageSize, 1, 100, "TikHub's maximum");
        return failures.Result;
    }
}
