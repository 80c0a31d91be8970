-- V100: douyin.item_daily_metrics (and so item_daily_growth, account_daily_summary and item_growth_top, which read it)
-- joins the day's last snapshot on the account too. Same rows, same meaning — the snapshot found by its primary key
-- (item_id, captured_hour) is one of the group's own rows, so its account_id is the group's — but a filter on
-- account_id now reaches both sides of the join: "one account's daily growth" reads that account's snapshots only,
-- instead of hashing every snapshot of every account (2 s at 10M rows, a full scan of the table at any size; the
-- S5 benchmark in README's Performance section).

CREATE OR REPLACE VIEW douyin.item_daily_metrics AS
SELECT last_of_day.item_id,
       last_of_day.account_id,
       last_of_day.day,
       s.captured_at,
       s.view_count,
       s.like_count,
       s.comment_count,
       s.share_count,
       s.favorite_count,
       s.subscribe_count,
       s.completion_rate,
       s.completion_rate_5s,
       s.bounce_rate_2s,
       s.cover_click_rate,
       s.avg_view_second
FROM (
    -- Grouping the narrow key columns first and fetching the chosen rows by primary key is about twice as fast as
    -- DISTINCT ON over whole rows.
    SELECT account_id, item_id, (captured_hour AT TIME ZONE 'Asia/Shanghai')::date AS day, max(captured_hour) AS captured_hour
    FROM douyin.item_metric_snapshot
    GROUP BY account_id, item_id, (captured_hour AT TIME ZONE 'Asia/Shanghai')::date
) last_of_day
JOIN douyin.item_metric_snapshot s
  ON s.item_id = last_of_day.item_id AND s.captured_hour = last_of_day.captured_hour AND s.account_id = last_of_day.account_id;
