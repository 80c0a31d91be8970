using DouyinEtl.Warehouse;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Daemon;

/// <summary>
/// A daemon may run for months without a restart, and the start's pass creates partitions only
/// <see cref="PartitionMaintenance.MonthsAhead"/> months ahead: every replica repeats the pass every
/// <see cref="Every"/> (the advisory lock makes them take turns; a pass with nothing to do is a catalog read).
/// </summary>
internal sealed partial class PartitionMaintenanceService(PartitionMaintenance maintenance, TimeProvider clock, ILogger<PartitionMaintenanceService> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await maintenance.RunAsync(stoppingToken);
            }
            catch (NpgsqlException ex)
            {
                // A database outage: the jobs meet it too and say so; the next pass tries again.
                LogFailed(log, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Partition maintenance did not run: {Error}; trying again within the hour")]
    private static partial void LogFailed(ILogger logger, string error);
}
