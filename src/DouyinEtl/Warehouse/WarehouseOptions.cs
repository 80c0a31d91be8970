using System.Globalization;

namespace DouyinEtl.Warehouse;

internal sealed class WarehouseOptions
{
    public const string Section = "Warehouse";

    public const string ConnectionStringKey = ConnectionStringsOptions.Section + ":" + nameof(ConnectionStringsOptions.Warehouse);

    public const int MaxRetentionMonths = 1200;

    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations whenever a job or the daemon starts (they run under an advisory lock).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Per partitioned table (e.g. <c>Warehouse:RetentionMonths:item_metric_snapshot = 24</c>): keep the current Beijing
    /// month and this many before it; older months are dropped whole by partition maintenance. No entry keeps everything.
    /// Kept as text so that a value that is not a number is a validation message (exit 64), not a binder exception.
    /// </summary>
    public Dictionary<string, string?> RetentionMonths { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The months to keep for <paramref name="table"/>, or null to keep everything (the validator has checked the text).</summary>
    public int? RetentionMonthsOf(string table) =>
        RetentionMonths.TryGetValue(table, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var months) ? months : null;
}

/// <summary>The section <c>ConnectionStrings</c>: the warehouse's is the only one (read into <see cref="WarehouseOptions"/>).</summary>
internal sealed class ConnectionStringsOptions
{
    public const string Section = "ConnectionStrings";

    public string? Warehouse { get; set; }
}
