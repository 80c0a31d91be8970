using Dapper;
using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>
/// How one stream's rows reach their table: binary COPY into a temporary staging table, then one set-based
/// statement that dedupes and upserts (<c>INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE</c>). About 25× faster
/// than a statement per row (SPIKE-NOTES §3). The SQL lives with the stream; this runs it.
/// </summary>
/// <param name="CreateStaging">Creates the staging table, <c>ON COMMIT DROP</c>.</param>
/// <param name="Copy">The <c>COPY staging (columns) FROM STDIN (FORMAT BINARY)</c> statement.</param>
/// <param name="WriteRow">Writes one row's columns, in the order of <paramref name="Copy"/>.</param>
/// <param name="Merge">Moves staging into the target; returns the number of rows inserted or changed.</param>
internal sealed record StagedUpsert<T>(string CreateStaging, string Copy, Action<NpgsqlBinaryImporter, T> WriteRow, string Merge)
{
    public async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(new CommandDefinition(CreateStaging, transaction: transaction, cancellationToken: cancellationToken));
        await using (var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                WriteRow(importer, row);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return await connection.ExecuteAsync(new CommandDefinition(Merge, transaction: transaction, cancellationToken: cancellationToken));
    }
}

internal static class BinaryImporterExtensions
{
    /// <summary>Writes a value or SQL NULL.</summary>
    public static void WriteNullable<TValue>(this NpgsqlBinaryImporter importer, TValue? value, NpgsqlTypes.NpgsqlDbType type)
        where TValue : struct
    {
        if (value is { } v)
        {
            importer.Write(v, type);
        }
        else
        {
            importer.WriteNull();
        }
    }

    public static void WriteNullable(this NpgsqlBinaryImporter importer, string? value, NpgsqlTypes.NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    /// <summary>Writes JSON text as jsonb (U+0000 escapes made storable), or SQL NULL.</summary>
    public static void WriteJson(this NpgsqlBinaryImporter importer, string? json)
    {
        if (json is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(Text.StorableJson(json), NpgsqlTypes.NpgsqlDbType.Jsonb);
        }
    }
}
