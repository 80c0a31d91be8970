namespace DouyinEtl.Configuration;

internal sealed class WarehouseOptions
{
    public const string Section = "Warehouse";

    public const string ConnectionStringKey = ConnectionStringsOptions.Section + ":" + nameof(ConnectionStringsOptions.Warehouse);

    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations whenever a job or the daemon starts (they run under an advisory lock).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

/// <summary>The section <c>ConnectionStrings</c>: the warehouse's is the only one (read into <see cref="WarehouseOptions"/>).</summary>
internal sealed class ConnectionStringsOptions
{
    public const string Section = "ConnectionStrings";

    public string? Warehouse { get; set; }
}
