-- V102: the (account_id, captured_hour) index of douyin.item_metric_snapshot carries every column that
-- douyin.item_daily_metrics reads, so one account's daily numbers, growth and summary (item_daily_growth,
-- account_daily_summary) are read from that account's stretch of the index alone — both the grouping to each work's
-- last snapshot of the day and the join back to that snapshot are index-only scans — instead of visiting each of the
-- account's hourly rows in the heap, where the hourly writes of every account interleave them. The cost is the
-- account's index entries, not the table: the S5 benchmark in README's Performance section (measured there against
-- INCLUDE (item_id) alone, which left the join back on the heap, and against a LATERAL fetch by primary key, whose
-- cost estimate over every monthly partition set off JIT compilation). The key is the old index's, so whatever used
-- that index uses this one; the entries are ~3 times wider (~160 bytes a row instead of ~55).
--
-- On an existing warehouse this builds the index on every monthly partition while writes to the table wait (a
-- partitioned table has no CREATE INDEX CONCURRENTLY): minutes at tens of millions of rows.

CREATE INDEX item_metric_snapshot_account_hour_covering_idx ON douyin.item_metric_snapshot (account_id, captured_hour)
    INCLUDE (item_id, captured_at, view_count, like_count, comment_count, share_count, favorite_count, subscribe_count,
             completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate, avg_view_second);
DROP INDEX douyin.item_metric_snapshot_account_hour_idx;
