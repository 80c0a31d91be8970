using Dapper;
using Npgsql;

namespace DouyinEtl.Sync;

/// <summary>What a sharing run may do with a unit it planned.</summary>
internal enum ClaimState
{
    /// <summary>This run holds it: run it, then <see cref="UnitClaims.ReleaseAsync"/>.</summary>
    Claimed,

    /// <summary>Another live process is working it: try again after the job's loop (<see cref="RunContext.RunDeferredAsync"/>).</summary>
    Held,

    /// <summary>Another run finished it after this one planned: skip it, it is paid for.</summary>
    DoneElsewhere,
}

/// <summary>
/// Units of one job shared between processes (<c>Sync:ShareUnits</c>, <c>run --share</c>). A unit is claimed with a
/// session advisory lock (<see cref="UnitClass"/>, a hash of job, account, stream and scope) on one connection of the
/// run's own, so a process that dies, however it died, lets go of its units in flight with its session. A unit that is
/// through (done or failed) leaves a row in <c>etl.unit_claim</c> before its lock is let go; a run that finds such a row
/// newer than its own planning skips the unit instead of paying for it again.
/// </summary>
internal sealed class UnitClaims : IAsyncDisposable
{
    /// <summary>The advisory lock class of units (two int4 keys: this, and <see cref="UnitKey"/>).</summary>
    internal const int UnitClass = 0x44595543;

    // A unit's rows are only worth keeping while a run that planned it may still be waiting for it.
    private const string ForgetOld = "DELETE FROM etl.unit_claim WHERE job = @Job AND done_at < clock_timestamp() - interval '7 days'";

    private const string TryLock = "SELECT pg_try_advisory_lock(@Class, @Key)";

    private const string Unlock = "SELECT pg_advisory_unlock(@Class, @Key)";

    // Read in a statement of its own after the lock is taken: a holder records the unit before it lets go of the lock,
    // so a statement that starts once the lock is ours sees the record.
    private const string FinishedSince = """
        SELECT EXISTS (
            SELECT 1 FROM etl.unit_claim
            WHERE job = @Job AND account_id = @AccountId AND stream = @Stream AND scope = @Scope
              AND done_at > @PlannedAfter AND done_by_run <> @RunId)
        """;

    private const string RecordDone = """
        INSERT INTO etl.unit_claim (job, account_id, stream, scope, done_by_run, done_at)
        VALUES (@Job, @AccountId, @Stream, @Scope, @RunId, clock_timestamp())
        ON CONFLICT (job, account_id, stream, scope) DO UPDATE SET done_by_run = excluded.done_by_run, done_at = excluded.done_at
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _job;
    private readonly long _runId;
    private readonly DateTime _plannedAfter;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private NpgsqlConnection? _connection;

    private UnitClaims(NpgsqlDataSource dataSource, NpgsqlConnection connection, string job, long runId, DateTime plannedAfter)
    {
        _dataSource = dataSource;
        _connection = connection;
        _job = job;
        _runId = runId;
        _plannedAfter = plannedAfter;
    }

    /// <summary>
    /// Opens the run's claims connection. Called before the job plans: the database's clock now is the instant after
    /// which another run's finished unit was not yet visible to this run's plan.
    /// </summary>
    public static async Task<UnitClaims> OpenAsync(NpgsqlDataSource dataSource, string job, long runId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(ForgetOld, new { Job = job }, cancellationToken: cancellationToken));
            var now = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT clock_timestamp()", cancellationToken: cancellationToken));
            return new UnitClaims(dataSource, connection, job, runId, now);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Claims the unit for this run, unless another live process holds it or another run finished it since this one planned.</summary>
    public async Task<ClaimState> TryClaimAsync(string accountId, string stream, string scope, CancellationToken cancellationToken)
    {
        var key = new { Class = UnitClass, Key = UnitKey(_job, accountId, stream, scope) };
        return await WithConnectionAsync(async connection =>
        {
            // Not cancelled halfway: a lock granted to a statement whose answer was abandoned would be held unknowingly.
            if (!await connection.ExecuteScalarAsync<bool>(TryLock, key))
            {
                return ClaimState.Held;
            }

            var unit = new { Job = _job, AccountId = accountId, Stream = stream, Scope = scope, PlannedAfter = _plannedAfter, RunId = _runId };
            if (await connection.ExecuteScalarAsync<bool>(FinishedSince, unit))
            {
                await connection.ExecuteAsync(Unlock, key);
                return ClaimState.DoneElsewhere;
            }

            return ClaimState.Claimed;
        }, cancellationToken);
    }

    /// <summary>Lets go of a claimed unit, recording it first when it is <paramref name="through"/> (done or failed: nobody else should pay for it).</summary>
    public async Task ReleaseAsync(string accountId, string stream, string scope, bool through)
    {
        var key = new { Class = UnitClass, Key = UnitKey(_job, accountId, stream, scope) };
        await WithConnectionAsync(async connection =>
        {
            if (through)
            {
                await connection.ExecuteAsync(RecordDone, new { Job = _job, AccountId = accountId, Stream = stream, Scope = scope, RunId = _runId });
            }

            await connection.ExecuteAsync(Unlock, key);
            return true;
        }, CancellationToken.None);
    }

    /// <summary>A stable 32-bit key for a unit (FNV-1a of its parts, UTF-8, separated by NUL): the same in every process and build.</summary>
    internal static int UnitKey(string job, string accountId, string stream, string scope)
    {
        var hash = 2166136261u;
        foreach (var part in new[] { job, accountId, stream, scope })
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(part))
            {
                hash = unchecked((hash ^ b) * 16777619u);
            }

            hash = unchecked(hash * 16777619u);
        }

        return unchecked((int)hash);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            // Pooled sessions outlive the run: its unit locks are let go of here, not when the pool closes the session.
            try
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The session is gone, and its locks with it.
            }

            await connection.DisposeAsync();
        }

        _turn.Dispose();
    }

    /// <summary>
    /// One statement at a time on the claims connection (units run in parallel). A connection that broke is replaced
    /// for the next claim; the locks it held went with it, so at worst another process runs a unit this one has in
    /// flight, paying for it twice.
    /// </summary>
    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            _connection ??= await _dataSource.OpenConnectionAsync(cancellationToken);
            try
            {
                return await action(_connection);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && _connection.FullState is not System.Data.ConnectionState.Open)
            {
                await _connection.DisposeAsync();
                _connection = null;
                throw;
            }
        }
        finally
        {
            _turn.Release();
        }
    }
}
