using Dapper;
using DouyinEtl.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>What one pass of partition maintenance did; <see cref="Failures"/> are also logged as warnings.</summary>
internal sealed record PartitionReport(IReadOnlyList<string> Created, IReadOnlyList<string> Dropped, long RowsMoved, IReadOnlyList<string> Failures);

/// <summary>
/// Keeps the monthly partitions of <see cref="PartitionedTable.All"/> ready: the current Beijing month and
/// <see cref="MonthsAhead"/> after it exist, a row that reached a DEFAULT partition (a month nobody had created) is
/// moved into its own month, and with <c>Warehouse:RetentionMonths</c> months older than the retention are dropped
/// whole — never a row DELETE in a month partition. Runs after migrations, at every job start, and hourly in the daemon.
/// <para>
/// Idempotent, and safe with any number of processes at once: it holds the migrations' advisory lock, so two
/// processes never create the same month and nothing changes under a migration. Each month is created as a plain
/// table and then ATTACHed, which locks the parent only against other DDL, never against readers and writers (the
/// DEFAULT partition, empty, is locked for the moment it is checked); a drop locks the parent for an instant. DDL waits
/// at most <see cref="LockTimeout"/> for a long analyst query and then gives up until the next pass, instead of
/// making every query queue behind it — the months ahead leave plenty of passes to succeed.
/// </para>
/// </summary>
internal sealed partial class PartitionMaintenance(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<WarehouseOptions> options, ILogger<PartitionMaintenance> log)
{
    /// <summary>Months created ahead of the current Beijing month.</summary>
    public const int MonthsAhead = 2;

    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Every partitioned douyin table with its partitions in schema partitions (none: one row with nulls).</summary>
    private const string Partitions = """
        SELECT parent.relname AS parent, child.relname AS partition, pg_catalog.pg_get_expr(child.relpartbound, child.oid) AS bound
        FROM pg_catalog.pg_class parent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = parent.relnamespace
        LEFT JOIN (pg_catalog.pg_inherits i
                   JOIN pg_catalog.pg_class child ON child.oid = i.inhrelid
                   JOIN pg_catalog.pg_namespace cn ON cn.oid = child.relnamespace AND cn.nspname = 'partitions') ON i.inhparent = parent.oid
        WHERE pn.nspname = 'douyin' AND parent.relkind = 'p'
        """;

    public async Task<PartitionReport> RunAsync(CancellationToken cancellationToken)
    {
        var current = BeijingMonth.Of(ShanghaiTime.Day(clock.GetUtcNow()));
        var pass = new Pass();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // Waits like a migration does (another process's pass or migration ends); the DDL itself then waits no longer
        // than LockTimeout. Bounds print exactly as PartitionedTable.Bound writes them. A pass that changes nothing is
        // four round trips whatever the number of tables.
        await connection.ExecuteAsync(new CommandDefinition(
            $"SELECT pg_advisory_lock(@key); SET TimeZone = 'Asia/Shanghai'; SET DateStyle = 'ISO, YMD'; SET lock_timeout = '{(int)LockTimeout.TotalMilliseconds}ms'",
            new { key = MigrationRunner.AdvisoryLockKey },
            cancellationToken: cancellationToken,
            commandTimeout: 0));
        try
        {
            var partitions = (await connection.QueryAsync<(string Parent, string? Partition, string? Bound)>(new CommandDefinition(Partitions, cancellationToken: cancellationToken)))
                .ToLookup(p => p.Parent, StringComparer.Ordinal);
            var tables = PartitionedTable.All
                .Where(t => partitions.Contains(t.Name))
                .Select(t => (Table: t, Partitions: partitions[t.Name].Where(p => p.Partition is not null).Select(p => (Name: p.Partition!, Bound: p.Bound!)).ToList()))
                .ToList();
            var stray = await StrayMonthsAsync(connection, tables.Where(t => t.Partitions.Any(p => p.Bound == "DEFAULT")).Select(t => t.Table).ToList(), pass, cancellationToken);
            if (stray is not null)
            {
                foreach (var (table, tablePartitions) in tables)
                {
                    if (!await MaintainAsync(connection, table, current, tablePartitions, stray[table.Name].ToList(), pass, cancellationToken))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_unlock(@key); RESET TimeZone; RESET DateStyle; RESET lock_timeout",
                new { key = MigrationRunner.AdvisoryLockKey },
                cancellationToken: CancellationToken.None));
        }

        return new PartitionReport(pass.Created, pass.Dropped, pass.RowsMoved, pass.Failures);
    }

    /// <summary>
    /// The months of the rows waiting in the DEFAULT partitions of <paramref name="tables"/>, by table name, read in one
    /// query; null when the database refuses (a login that may write the tables but not read schema partitions: a
    /// worker that is not the schema's owner), and then no table is touched.
    /// </summary>
    private async Task<ILookup<string, BeijingMonth>?> StrayMonthsAsync(NpgsqlConnection connection, List<PartitionedTable> tables, Pass pass, CancellationToken cancellationToken)
    {
        if (tables.Count == 0)
        {
            return Array.Empty<(string, BeijingMonth)>().ToLookup(m => m.Item1, m => m.Item2, StringComparer.Ordinal);
        }

        IEnumerable<(string Table, DateTime Month)> rows = [];
        var sql = string.Join(
            "\nUNION ALL\n",
            tables.Select(t => $"SELECT DISTINCT '{t.Name}' AS table_name, {t.MonthOfKeySql} AS month FROM {t.DefaultPartition}"));
        var read = await TryAsync(pass, $"read {string.Join(", ", tables.Select(t => t.DefaultPartition))}", async () =>
            rows = await connection.QueryAsync<(string, DateTime)>(new CommandDefinition(sql, cancellationToken: cancellationToken)));
        return read == Outcome.Refused
            ? null
            : rows.ToLookup(r => r.Table, r => BeijingMonth.Of(DateOnly.FromDateTime(r.Month)), StringComparer.Ordinal);
    }

    /// <summary>One table; false when the database refuses DDL altogether (no point trying the other tables).</summary>
    private async Task<bool> MaintainAsync(
        NpgsqlConnection connection, PartitionedTable table, BeijingMonth current, List<(string Name, string Bound)> partitions, List<BeijingMonth> stray, Pass pass, CancellationToken cancellationToken)
    {
        var months = new Dictionary<BeijingMonth, string>();
        foreach (var partition in partitions)
        {
            if (table.MonthOf(partition.Name) is { } month)
            {
                months[month] = partition.Bound;
            }
        }

        var hasDefault = partitions.Any(p => p.Bound == "DEFAULT");
        var wanted = Enumerable.Range(0, MonthsAhead + 1).Select(current.Plus).ToHashSet();
        wanted.UnionWith(stray);

        foreach (var month in wanted.Where(m => !months.ContainsKey(m)).Order())
        {
            var outcome = await TryAsync(pass, $"create {table.Partition(month)}", () => CreateAsync(connection, table, month, hasDefault, pass, cancellationToken));
            if (outcome == Outcome.Refused)
            {
                return false;
            }

            if (outcome == Outcome.Done)
            {
                months[month] = table.BoundClause(month);
            }
        }

        if (options.Value.RetentionMonthsOf(table.Name) is not { } keep)
        {
            return true;
        }

        var oldest = current.Plus(-keep);
        foreach (var (month, bound) in months.Where(m => m.Key < oldest).OrderBy(m => m.Key))
        {
            if (bound != table.BoundClause(month))
            {
                // Named like ours but cut differently (made by hand?): dropping it could lose rows the retention keeps.
                pass.Fail(log, $"drop {table.Partition(month)}: its bounds are {bound}, not those of Beijing month {month}; left in place");
                continue;
            }

            var outcome = await TryAsync(pass, $"drop {table.Partition(month)}", async () =>
            {
                await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {table.Partition(month)}", cancellationToken: cancellationToken));
                pass.Dropped.Add(table.Partition(month));
                LogDropped(log, table.Partition(month), month.ToString(), keep);
            });
            if (outcome == Outcome.Refused)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The month as a plain table, filled with the rows of that month the DEFAULT partition holds (locked first, so no
    /// new one slips in), then attached: one transaction, so a failure leaves nothing half done.
    /// </summary>
    private async Task CreateAsync(NpgsqlConnection connection, PartitionedTable table, BeijingMonth month, bool hasDefault, Pass pass, CancellationToken cancellationToken)
    {
        var partition = table.Partition(month);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (hasDefault)
        {
            await connection.ExecuteAsync(new CommandDefinition($"LOCK TABLE {table.DefaultPartition} IN ACCESS EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TABLE {partition} (LIKE {table.QualifiedName} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)",
            transaction: transaction,
            cancellationToken: cancellationToken));
        var moved = 0;
        if (hasDefault)
        {
            moved = await connection.ExecuteAsync(new CommandDefinition(
                $"""
                WITH moved AS (
                    DELETE FROM {table.DefaultPartition}
                    WHERE {table.KeyColumn} >= '{table.Bound(month)}' AND {table.KeyColumn} < '{table.Bound(month.Plus(1))}'
                    RETURNING *)
                INSERT INTO {partition} SELECT * FROM moved
                """,
                transaction: transaction,
                cancellationToken: cancellationToken,
                commandTimeout: 0));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"ALTER TABLE {table.QualifiedName} ATTACH PARTITION {partition} {table.BoundClause(month)}",
            transaction: transaction,
            cancellationToken: cancellationToken,
            commandTimeout: 0));
        await transaction.CommitAsync(cancellationToken);
        pass.Created.Add(partition);
        pass.RowsMoved += moved;
        if (moved > 0)
        {
            LogMoved(log, moved, table.QualifiedName, month.ToString(), partition);
        }
        else
        {
            LogCreated(log, partition, month.ToString());
        }
    }

    private async Task<Outcome> TryAsync(Pass pass, string what, Func<Task> action)
    {
        try
        {
            await action();
            return Outcome.Done;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            pass.Fail(log, $"{what}: {ex.MessageText}; partitions are left as they are until `douyin-etl migrate` runs as the schema's owner (rows of months not created yet wait in the DEFAULT partitions)");
            return Outcome.Refused;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            pass.Fail(log, $"{what}: waited {LockTimeout.TotalSeconds:0} s for queries still reading the table; tried again at the next pass");
            return Outcome.Failed;
        }
        catch (PostgresException ex)
        {
            pass.Fail(log, $"{what}: {ex.MessageText} (SQLSTATE {ex.SqlState})");
            return Outcome.Failed;
        }
    }

    private enum Outcome
    {
        Done,
        Failed,
        Refused,
    }

    private sealed class Pass
    {
        public List<string> Created { get; } = [];

        public List<string> Dropped { get; } = [];

        public List<string> Failures { get; } = [];

        public long RowsMoved { get; set; }

        public void Fail(ILogger logger, string failure)
        {
            Failures.Add(failure);
            LogFailed(logger, failure);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created partition {Partition} for Beijing month {Month}")]
    private static partial void LogCreated(ILogger logger, string partition, string month);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "{Rows} rows of {Table} for Beijing month {Month} had landed in its DEFAULT partition (the month had no partition yet); moved them into {Partition}")]
    private static partial void LogMoved(ILogger logger, int rows, string table, string month, string partition);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Dropped partition {Partition} (Beijing month {Month}): older than Warehouse:RetentionMonths ({Months} months before the current one)")]
    private static partial void LogDropped(ILogger logger, string partition, string month, int months);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Partition maintenance: {Failure}")]
    private static partial void LogFailed(ILogger logger, string failure);
}
