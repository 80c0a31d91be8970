using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>The migration runner and partition maintenance as the worker wires them, for tests that need no host.</summary>
internal static class Migrations
{
    public static PartitionMaintenance Partitions(NpgsqlDataSource dataSource, TimeProvider? clock = null, WarehouseOptions? options = null) =>
        new(dataSource, clock ?? new FixedClock(Harness.DefaultNow), Options.Create(options ?? new WarehouseOptions()), NullLogger<PartitionMaintenance>.Instance);

    public static MigrationRunner Runner(NpgsqlDataSource dataSource, TimeProvider? clock = null) =>
        new(dataSource, Partitions(dataSource, clock), NullLogger<MigrationRunner>.Instance);
}
