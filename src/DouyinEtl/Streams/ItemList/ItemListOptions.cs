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
        var failures = new List<string>();
        if (options.HistoryDays is < 1 or > 3650)
        {
            failures.Add($"ItemList:HistoryDays must be between 1 and 3650, got {options.HistoryDays}.");
        }

        if (options.RefreshDays is < 0 or > 3650)
        {
            failures.Add($"ItemList:RefreshDays must be between 0 and 3650, got {options.RefreshDays}.");
        }

        if (options.RefreshEvery < TimeSpan.Zero)
        {
            failures.Add($"ItemList:RefreshEvery must not be negative, got {options.RefreshEvery}.");
        }

        if (options.PageSize is < 1 or > 100)
        {
            failures.Add($"ItemList:PageSize must be between 1 and 100 (TikHub's maximum), got {options.PageSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
