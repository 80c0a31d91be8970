using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Warehouse;

internal sealed class WarehouseOptionsValidator : IValidateOptions<WarehouseOptions>
{
    public ValidateOptionsResult Validate(string? name, WarehouseOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Warehouse is missing: set the environment variable ConnectionStrings__Warehouse " +
                "(e.g. Host=db;Database=douyin;Username=etl;Password=…), or run the demo (`dotnet run --project src/DouyinEtl.Demo -- demo` in a checkout) for a throwaway database.");
        }

        var failures = new List<string>();
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            // The message of the parser may quote the string, password included: keep it out.
            failures.Add("ConnectionStrings:Warehouse is not a valid PostgreSQL connection string.");
        }

        foreach (var (table, text) in options.RetentionMonths)
        {
            if (!PartitionedTable.All.Any(t => string.Equals(t.Name, table, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"Warehouse:RetentionMonths:{table} names no partitioned table. Tables with monthly partitions: {string.Join(", ", PartitionedTable.All.Select(t => t.Name))}.");
            }
            else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var months) || months is < 1 or > WarehouseOptions.MaxRetentionMonths)
            {
                failures.Add($"Warehouse:RetentionMonths:{table} must be a whole number of months between 1 and {WarehouseOptions.MaxRetentionMonths} (the current Beijing month and that many before it are kept), got '{text}'. Remove the entry to keep every month.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
