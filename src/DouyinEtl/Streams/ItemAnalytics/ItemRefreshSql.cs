using Dapper;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>A work × endpoint the run should fetch.</summary>
internal sealed record DueUnit(string ItemId, string AccountId, DateTime PublishTime, string Endpoint, string Variant, int Failures)
{
    public DateTimeOffset Published => new(DateTime.SpecifyKind(PublishTime, DateTimeKind.Utc));
}

internal enum RefreshStatus
{
    Ok,
    NoDataYet,
    Failed,
}

/// <summary>What one answer meant for one work: its status, rows written and when it is due next (null: never).</summary>
internal sealed record UnitOutcome(string ItemId, RefreshStatus Status, int Rows, DateTimeOffset? NextDue);

/// <summary>The call an outcome came from.</summary>
internal sealed record FetchContext(string Endpoint, string Variant, string AccountId, DateTimeOffset FetchedAt, long CallId, long RunId);

/// <summary>The refresh bookkeeping (<c>etl.item_refresh</c>) and the analysts' fetch record (<c>douyin.item_analysis_fetch</c>).</summary>
internal static class ItemRefreshSql
{
    /// <summary>
    /// Every work × endpoint due now, youngest works first: never fetched and inside the horizon (or, with an explicit
    /// --from, anywhere in the period), or fetched and past its next_due_at. One query, whatever the catalog's size.
    /// A work without a publish time is never due: its age, and so its horizon and schedule, are unknown (item-list
    /// records the problem). The video-only endpoints (watch trend, bullets) are asked only of works whose type is a
    /// known video type: image posts (1, 6, 7, 8) have no timeline, and a missing or unknown type is not paid for on a guess.
    /// </summary>
    // Two index-driven halves instead of every work of the accounts × every endpoint filtered afterwards: never fetched
    // (works in the horizon, or in an explicit period, without a refresh row) and fetched before and due again (refresh
    // rows past next_due_at). At 1,000 accounts × 200 works that is 0.8 s instead of 2 s for `status` and every run.
    public const string Due = """
        WITH u AS (SELECT * FROM unnest(@Endpoints::text[], @Variants::text[], @VideoOnly::boolean[]) AS u(endpoint, variant, video_only)),
             video AS (SELECT creator_type FROM douyin.creator_type_label WHERE is_video)
        SELECT i.item_id, i.account_id, i.publish_time, u.endpoint, u.variant, 0 AS failures
        FROM douyin.item i
        CROSS JOIN u
        WHERE i.account_id = ANY(@AccountIds)
          AND i.publish_time IS NOT NULL
          AND (@Explicit OR i.publish_time > @HorizonStart)
          AND (@From::date IS NULL OR i.publish_day >= @From::date)
          AND (@To::date IS NULL OR i.publish_day <= @To::date)
          AND (NOT u.video_only OR i.creator_type IN (SELECT creator_type FROM video))
          AND NOT EXISTS (SELECT 1 FROM etl.item_refresh r WHERE r.item_id = i.item_id AND r.endpoint = u.endpoint AND r.variant = u.variant)
        UNION ALL
        SELECT i.item_id, i.account_id, i.publish_time, u.endpoint, u.variant, r.failures
        FROM etl.item_refresh r
        JOIN u ON u.endpoint = r.endpoint AND u.variant = r.variant
        JOIN douyin.item i ON i.item_id = r.item_id
        WHERE r.next_due_at <= @Now
          AND i.account_id = ANY(@AccountIds)
          AND i.publish_time IS NOT NULL
          AND (@From::date IS NULL OR i.publish_day >= @From::date)
          AND (@To::date IS NULL OR i.publish_day <= @To::date)
          AND (NOT u.video_only OR i.creator_type IN (SELECT creator_type FROM video))
        ORDER BY 3 DESC, 1, 4, 5
        """;

    private const string UpsertRefresh = """
        INSERT INTO etl.item_refresh AS r (item_id, endpoint, variant, account_id, status, first_fetched_at, last_fetched_at,
                                           last_ok_at, next_due_at, fetches, failures, last_call_id, run_id)
        SELECT u.item_id, @Endpoint, @Variant, @AccountId, u.status, @FetchedAt, @FetchedAt,
               CASE WHEN u.status = 'ok' THEN @FetchedAt END, u.next_due_at, 1,
               CASE WHEN u.status = 'failed' THEN 1 ELSE 0 END, @CallId, @RunId
        FROM unnest(@ItemIds::text[], @Statuses::text[], @NextDue::timestamptz[]) AS u(item_id, status, next_due_at)
        ON CONFLICT (item_id, endpoint, variant) DO UPDATE SET
            account_id      = excluded.account_id,
            status          = excluded.status,
            last_fetched_at = excluded.last_fetched_at,
            last_ok_at      = COALESCE(excluded.last_ok_at, r.last_ok_at),
            next_due_at     = excluded.next_due_at,
            fetches         = r.fetches + 1,
            failures        = CASE WHEN excluded.status = 'failed' THEN r.failures + 1 ELSE 0 END,
            last_call_id    = excluded.last_call_id,
            run_id          = excluded.run_id
        """;

    private const string UpsertFetch = """
        INSERT INTO douyin.item_analysis_fetch AS f (item_id, snapshot_day, endpoint, variant, account_id, status, row_count, fetched_at, source_call_id)
        SELECT u.item_id, @Day, @Endpoint, @Variant, @AccountId, u.status, u.row_count, @FetchedAt, @CallId
        FROM unnest(@ItemIds::text[], @Statuses::text[], @RowCounts::integer[]) AS u(item_id, status, row_count)
        ON CONFLICT (item_id, snapshot_day, endpoint, variant) DO UPDATE SET
            account_id     = excluded.account_id,
            status         = excluded.status,
            row_count      = excluded.row_count,
            fetched_at     = excluded.fetched_at,
            source_call_id = excluded.source_call_id
        """;

    /// <summary>Records what the call meant for each work: bookkeeping for all, the fetch record for those with an answer (ok or no data yet).</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FetchContext fetch, IReadOnlyList<UnitOutcome> outcomes, CancellationToken cancellationToken)
    {
        await RecordRefreshAsync(connection, transaction, fetch, outcomes, cancellationToken);
        await RecordFetchAsync(connection, transaction, fetch, outcomes, cancellationToken);
    }

    /// <summary>The refresh bookkeeping (<c>etl.item_refresh</c>): when each work is due next. Live runs only; replay pays for nothing, so it changes nothing that is due.</summary>
    private static Task RecordRefreshAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FetchContext fetch, IReadOnlyList<UnitOutcome> outcomes, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            UpsertRefresh,
            new
            {
                fetch.Endpoint,
                fetch.Variant,
                fetch.AccountId,
                FetchedAt = fetch.FetchedAt.UtcDateTime,
                fetch.CallId,
                fetch.RunId,
                ItemIds = outcomes.Select(o => o.ItemId).ToArray(),
                Statuses = outcomes.Select(o => Name(o.Status)).ToArray(),
                NextDue = outcomes.Select(o => o.NextDue?.UtcDateTime).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>The analysts' fetch record (<c>douyin.item_analysis_fetch</c>) of the works with an answer (ok or no data yet).</summary>
    public static async Task RecordFetchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FetchContext fetch, IReadOnlyList<UnitOutcome> outcomes, CancellationToken cancellationToken)
    {
        var answered = outcomes.Where(o => o.Status != RefreshStatus.Failed).ToList();
        if (answered.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            UpsertFetch,
            new
            {
                Day = Runs.ShanghaiTime.Day(fetch.FetchedAt),
                fetch.Endpoint,
                fetch.Variant,
                fetch.AccountId,
                FetchedAt = fetch.FetchedAt.UtcDateTime,
                fetch.CallId,
                ItemIds = answered.Select(o => o.ItemId).ToArray(),
                Statuses = answered.Select(o => Name(o.Status)).ToArray(),
                RowCounts = answered.Select(o => o.Rows).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    private static string Name(RefreshStatus status) => status switch
    {
        RefreshStatus.Ok => "ok",
        RefreshStatus.NoDataYet => "no_data_yet",
        _ => "failed",
    };
}
