using DouyinEtl.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>A row of a per-work day table: one work's answer for one Beijing day, and where it came from.</summary>
internal interface IWorkDayRow
{
    ItemSnapshot Snapshot { get; }
}

/// <summary>A column of a per-work day table and how a row writes it to a binary COPY.</summary>
internal sealed record DayColumn<TRow>(string Name, Action<NpgsqlBinaryImporter, TRow> Write);

/// <summary>
/// The per-work day tables (play source, search keywords, watch trend, audience, danmaku) all have the same shape:
/// <c>(item_id, snapshot_day, key…)</c> as their key, then <c>account_id, captured_at, value…, source_call_id</c>, and a
/// newer answer for the same day replaces the values. Each is declared once — table, key and value columns — and its
/// staged COPY and upsert are rendered here; DayTableTests pins the rendered SQL of every table, so it can be read there.
/// </summary>
internal static class DayTable
{
    public static StagedUpsert<TRow> Upsert<TRow>(string table, IReadOnlyList<DayColumn<TRow>> key, IReadOnlyList<DayColumn<TRow>> values)
        where TRow : IWorkDayRow
    {
        var staging = "stage_" + table[(table.IndexOf('.', StringComparison.Ordinal) + 1)..];
        string[] keyColumns = ["item_id", "snapshot_day", .. key.Select(c => c.Name)];
        string[] updated = ["account_id", "captured_at", .. values.Select(c => c.Name), "source_call_id"];
        string[] copied = [.. keyColumns, .. updated];
        var keyList = string.Join(", ", keyColumns);
        var width = updated.Max(c => c.Length);
        return new StagedUpsert<TRow>(
            CreateStaging: $"CREATE TEMP TABLE {staging} (LIKE {table}) ON COMMIT DROP",
            Copy: $"COPY {staging} ({string.Join(", ", copied)})\nFROM STDIN (FORMAT BINARY)",
            WriteRow: (w, row) =>
            {
                var s = row.Snapshot;
                w.Write(s.ItemId, NpgsqlDbType.Text);
                w.Write(s.Day, NpgsqlDbType.Date);
                foreach (var column in key)
                {
                    column.Write(w, row);
                }

                w.Write(s.AccountId, NpgsqlDbType.Text);
                w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                foreach (var column in values)
                {
                    column.Write(w, row);
                }

                w.Write(s.CallId, NpgsqlDbType.Bigint);
            },
            Merge: string.Join('\n',
            [
                $"INSERT INTO {table} AS t",
                $"SELECT DISTINCT ON ({keyList}) *",
                $"FROM {staging}",
                $"ORDER BY {keyList}",
                $"ON CONFLICT ({keyList}) DO UPDATE SET",
                string.Join(",\n", updated.Select(c => $"    {c.PadRight(width)} = excluded.{c}")),
            ]));
    }
}
