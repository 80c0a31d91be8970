namespace DouyinEtl.Configuration;

internal sealed class WarehouseOptions
{
    public const string ConnectionStringKey = "ConnectionStrings:Warehouse";

    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations whenever a job or the daemon starts (they run under an advisory lock).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
