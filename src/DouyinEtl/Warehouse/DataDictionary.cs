using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace DouyinEtl.Warehouse;

internal sealed record CatalogColumn(string Relation, string Name, string Type, bool NotNull, bool PrimaryKey, string? Comment);

internal sealed record CatalogRelation(string Schema, string Name, string Kind, string? Comment, IReadOnlyList<CatalogColumn> Columns)
{
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <summary>
/// The tables, views and columns of a schema with their COMMENTs, read from PostgreSQL's catalog, so the documentation
/// analysts read is the one the database holds (Metabase shows the same comments). Rendered as Markdown by
/// <c>douyin-etl docs</c> and checked into <c>docs/data-dictionary.md</c>.
/// </summary>
internal static class DataDictionary
{
    public const string AnalystSchema = "douyin";

    private const string SchemaComment = """
        SELECT obj_description(n.oid, 'pg_namespace') FROM pg_catalog.pg_namespace n WHERE n.nspname = @Schema
        """;

    // Partitions are documented by their parent; relkind: r table, p partitioned table, v view, m materialized view, f foreign table.
    private const string Relations = """
        SELECT c.relname AS name,
               CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
               obj_description(c.oid, 'pg_class') AS comment
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @Schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
        ORDER BY c.relname
        """;

    private const string Columns = """
        SELECT c.relname AS relation,
               a.attname AS name,
               format_type(a.atttypid, a.atttypmod) AS type,
               a.attnotnull AS not_null,
               EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key,
               col_description(c.oid, a.attnum) AS comment
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @Schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum
        """;

    public static async Task<IReadOnlyList<CatalogRelation>> ReadAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var relations = await connection.QueryAsync<(string Name, string Kind, string? Comment)>(new CommandDefinition(Relations, new { Schema = schema }, cancellationToken: cancellationToken));
        var columns = (await connection.QueryAsync<(string Relation, string Name, string Type, bool NotNull, bool PrimaryKey, string? Comment)>(
                new CommandDefinition(Columns, new { Schema = schema }, cancellationToken: cancellationToken)))
            .Select(c => new CatalogColumn(c.Relation, c.Name, c.Type, c.NotNull, c.PrimaryKey, c.Comment))
            .ToLookup(c => c.Relation, StringComparer.Ordinal);
        return [.. relations.Select(r => new CatalogRelation(schema, r.Name, r.Kind, r.Comment, [.. columns[r.Name]]))];
    }

    public static async Task<string?> ReadSchemaCommentAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SchemaComment, new { Schema = schema }, cancellationToken: cancellationToken));

    public static string ToMarkdown(string schema, string? schemaComment, IReadOnlyList<CatalogRelation> relations)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Data dictionary: schema `{schema}`\n\n");
        text.Append("<!-- Generated from the database catalog by `douyin-etl docs`. Do not edit: change the COMMENTs in a new migration and regenerate (see DataDictionaryTests). -->\n\n");
        if (!string.IsNullOrWhiteSpace(schemaComment))
        {
            text.Append(Cell(schemaComment)).Append("\n\n");
        }

        text.Append("Ids are text, timestamps `timestamptz` in UTC, days `date` in Asia/Shanghai. See [the analyst guide](analyst-guide.md).\n\n");
        text.Append("| name | kind | description |\n|---|---|---|\n");
        foreach (var relation in relations)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{relation.QualifiedName}` | {relation.Kind} | {Cell(FirstSentence(relation.Comment))} |\n");
        }

        foreach (var relation in relations)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## `{relation.QualifiedName}` ({relation.Kind})\n\n");
            text.Append(Cell(relation.Comment ?? "(no comment)")).Append("\n\n");
            text.Append("| column | type | description |\n|---|---|---|\n");
            foreach (var column in relation.Columns)
            {
                var key = column.PrimaryKey ? " (key)" : "";
                var nullability = column.NotNull ? ", not null" : "";
                text.Append(CultureInfo.InvariantCulture, $"| `{column.Name}`{key} | {column.Type}{nullability} | {Cell(column.Comment ?? "(no comment)")} |\n");
            }
        }

        return text.ToString();
    }

    private static string FirstSentence(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return "(no comment)";
        }

        var end = comment.IndexOf(": ", StringComparison.Ordinal);
        var stop = comment.IndexOf(". ", StringComparison.Ordinal);
        var cut = new[] { end, stop }.Where(i => i > 0).DefaultIfEmpty(comment.Length).Min();
        return comment[..cut].TrimEnd('.');
    }

    private static string Cell(string text) =>
        text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal);
}
