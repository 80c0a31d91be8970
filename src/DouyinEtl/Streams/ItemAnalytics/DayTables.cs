using Dapper;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>Per-item analytics are snapshots of a day: a second fetch the same day replaces the day's rows, it never adds to them.</summary>
internal static class DayTables
{
    /// <summary>A work's rows of the day for <paramref name="table"/>, written by <see cref="ReplaceAsync"/>.</summary>
    public static ItemDayRows Of<T>(ItemSnapshot snapshot, string table, StagedUpsert<T> upsert, IReadOnlyCollection<T> rows, short? analysisType = null) =>
        new(rows.Count, (c, t, ct) => ReplaceAsync(c, t, snapshot, table, upsert, rows, ct, analysisType));

    /// <summary>
    /// Deletes the work's rows of the day in <paramref name="table"/> (a constant of the endpoint's SQL) and writes
    /// <paramref name="rows"/>. Tables holding several watch-trend types per day clear only <paramref name="analysisType"/>.
    /// </summary>
    public static async Task<int> ReplaceAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ItemSnapshot snapshot,
        string table,
        StagedUpsert<T> upsert,
        IReadOnlyCollection<T> rows,
        CancellationToken cancellationToken,
        short? analysisType = null)
    {
        var delete = analysisType is null
            ? $"DELETE FROM {table} WHERE item_id = @ItemId AND snapshot_day = @Day"
            : $"DELETE FROM {table} WHERE item_id = @ItemId AND snapshot_day = @Day AND analysis_type = @AnalysisType";
        await connection.ExecuteAsync(new CommandDefinition(
            delete,
            new { snapshot.ItemId, snapshot.Day, AnalysisType = analysisType },
            transaction,
            cancellationToken: cancellationToken));
        return await upsert.ExecuteAsync(connection, transaction, rows, cancellationToken);
    }
}
