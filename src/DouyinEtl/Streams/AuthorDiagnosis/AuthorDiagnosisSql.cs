using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.AuthorDiagnosis;

/// <summary>One account × day × dimension in <c>douyin.author_diagnosis</c>.</summary>
internal sealed record DiagnosisRow(string AccountId, DateOnly DataDay, DiagnosisDimension Value, DateTimeOffset CapturedAt, long SourceCallId);

internal static class AuthorDiagnosisSql
{
    // A day's later answer wins; an older one (a replay of an earlier period) never rolls it back.
    public static readonly StagedUpsert<DiagnosisRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_author_diagnosis (LIKE douyin.author_diagnosis) ON COMMIT DROP",
        Copy: """
            COPY stage_author_diagnosis (account_id, data_day, dimension, own_value, similar_count, author_rank, similar_rank,
                                         similar_value, served, captured_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var v = r.Value;
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.Write(r.DataDay, NpgsqlDbType.Date);
            w.Write(Text.Storable(v.Dimension)!, NpgsqlDbType.Text);
            w.WriteNullable(v.OwnValue, NpgsqlDbType.Numeric);
            w.WriteNullable(v.SimilarCount, NpgsqlDbType.Bigint);
            w.WriteNullable(v.AuthorRank, NpgsqlDbType.Numeric);
            w.WriteNullable(v.SimilarRank, NpgsqlDbType.Numeric);
            w.WriteNullable(v.SimilarValue, NpgsqlDbType.Numeric);
            w.Write(Text.StorableJson(v.Json), NpgsqlDbType.Jsonb);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.author_diagnosis AS t (account_id, data_day, dimension, own_value, similar_count, author_rank,
                                                      similar_rank, similar_value, served, captured_at, source_call_id)
            SELECT DISTINCT ON (account_id, data_day, dimension)
                   account_id, data_day, dimension, own_value, similar_count, author_rank, similar_rank, similar_value,
                   served, captured_at, source_call_id
            FROM stage_author_diagnosis
            ORDER BY account_id, data_day, dimension, captured_at DESC
            ON CONFLICT (account_id, data_day, dimension) DO UPDATE SET
                own_value      = excluded.own_value,
                similar_count  = excluded.similar_count,
                author_rank    = excluded.author_rank,
                similar_rank   = excluded.similar_rank,
                similar_value  = excluded.similar_value,
                served         = excluded.served,
                captured_at    = excluded.captured_at,
                source_call_id = excluded.source_call_id
            WHERE t.captured_at <= excluded.captured_at
            """);
}
