using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>
/// Tells a database that went away (a restart, a failover, a dropped connection: wait and try again) from one that
/// refuses what is sent and will go on refusing it (privileges, a missing table, a full disk, a read-only standby:
/// stop before paying for more answers that cannot be kept), and words the refusal for the operator.
/// </summary>
internal static class DatabaseErrors
{
    /// <summary>The database went away (restart, failover, dropped connection), as opposed to refusing what was sent.</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => !IsRefusal(postgres.SqlState)
            && (postgres.IsTransient || postgres.SqlState is "57P01" or "57P02" or "57P03" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    /// <summary>The refusal in <paramref name="exception"/>'s chain that waiting will not cure, if there is one.</summary>
    public static PostgresException? Refusal(Exception exception) => exception switch
    {
        PostgresException postgres when IsRefusal(postgres.SqlState) => postgres,
        _ => exception.InnerException is { } inner ? Refusal(inner) : null,
    };

    /// <summary>
    /// Class 42 (privileges, undefined tables or columns: a grant or a migration is missing), class 53 but 53300 (disk
    /// full, out of memory, a configured limit; too many connections passes), 25006 (a read-only transaction: a standby
    /// after a failover, or <c>default_transaction_read_only</c>), class 28 and 3D000 (the login or the database is gone).
    /// </summary>
    private static bool IsRefusal(string sqlState) =>
        sqlState.StartsWith("42", StringComparison.Ordinal)
        || (sqlState.StartsWith("53", StringComparison.Ordinal) && sqlState != "53300")
        || sqlState.StartsWith("28", StringComparison.Ordinal)
        || sqlState is "25006" or "3D000";

    /// <summary>One line: what the database said, its SQLSTATE, and what to do about it.</summary>
    public static string Describe(PostgresException refusal)
    {
        var advice = refusal.SqlState switch
        {
            "42501" => "grant the worker's database user the privileges the migrations give it (it must INSERT into raw.api_call and write etl and douyin)",
            "25006" => "the database is read-only (a standby after a failover, or default_transaction_read_only is on): point ConnectionStrings:Warehouse at the primary",
            "53100" => "the database server's disk is full: free space or grow the volume",
            "53200" => "the database server is out of memory",
            "3D000" => "the database in ConnectionStrings:Warehouse does not exist",
            _ when refusal.SqlState.StartsWith("42", StringComparison.Ordinal) => "the schema is not the one this version expects: run `douyin-etl migrate` as the schema's owner",
            _ when refusal.SqlState.StartsWith("28", StringComparison.Ordinal) => "the database refuses the login in ConnectionStrings:Warehouse",
            _ => "the database server is short of a resource",
        };
        return $"the database refuses the run's writes: {refusal.MessageText} (SQLSTATE {refusal.SqlState}); {advice}.";
    }
}
