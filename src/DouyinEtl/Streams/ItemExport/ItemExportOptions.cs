using System.Globalization;
using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemExport;

internal sealed class ItemExportOptions
{
    public const string Section = "ItemExport";

    /// <summary>The genre codes <c>type_filters</c> accepts: 1–4 videos by length, 5 图文, 8 长图文.</summary>
    public static readonly IReadOnlySet<int> GenreCodes = new HashSet<int> { 1, 2, 3, 4, 5, 8 };

    /// <summary>How far back the first run asks for the export; older works are never asked for.</summary>
    public int HistoryDays { get; set; } = 730;

    /// <summary>Works published within this many days get an export row every day; older ones are exported once.</summary>
    public int RefreshDays { get; set; } = 90;

    /// <summary>The upstream's cap per export ("最多导出前1000条"): a file this long may be cut short, so its window is split and asked again.</summary>
    public int MaxRowsPerExport { get; set; } = 1000;

    /// <summary>Known works planned into one window: below the cap, leaving room for works item-list has not seen yet.</summary>
    public int PlannedWorksPerWindow { get; set; } = 900;

    /// <summary>Comma-separated genre codes sent as <c>type_filters</c>.</summary>
    public string TypeFilters { get; set; } = "1,2,3,4,5,8";

    public bool NeedLongArticle { get; set; } = true;

    public int[] TypeFilterCodes() =>
        [.. TypeFilters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
}

internal sealed class ItemExportOptionsValidator : IValidateOptions<ItemExportOptions>
{
    public ValidateOptionsResult Validate(string? name, ItemExportOptions options)
    {
        var failures = new OptionFailures("ItemExport");
        failures.Between("HistoryDays", options.HistoryDays, 1, 3650);
        if (options.RefreshDays < 0 || options.RefreshDays > options.HistoryDays)
        {
            failures.Add($"ItemExport:RefreshDays must be between 0 and ItemExport:HistoryDays ({options.HistoryDays}), got {options.RefreshDays}.");
        }

        failures.Between("MaxRowsPerExport", options.MaxRowsPerExport, 2, 1000, "the export's own cap");
        if (options.PlannedWorksPerWindow < 1 || options.PlannedWorksPerWindow >= options.MaxRowsPerExport)
        {
            failures.Add($"ItemExport:PlannedWorksPerWindow must be at least 1 and below ItemExport:MaxRowsPerExport ({options.MaxRowsPerExport}), got {options.PlannedWorksPerWindow}.");
        }

        var codes = options.TypeFilters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (codes.Length == 0 || codes.Any(c => !int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || !ItemExportOptions.GenreCodes.Contains(code)))
        {
            failures.Add($"ItemExport:TypeFilters must be a comma-separated list of genre codes 1, 2, 3, 4, 5, 8, got '{options.TypeFilters}'.");
        }

        return failures.Result;
    }
}
