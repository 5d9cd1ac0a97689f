-- Implausible sensor streams over the reads the density query scans. See docs/density-report.md ("Implausible streams").
-- Runs unchanged on Amazon Redshift (Data API) and on the local DuckDB warehouse.
-- Parameters (Data API strings): :scan_start, :window_end ('YYYY-MM-DD HH:MM:SS', UTC) bound the scan, as the density
-- query's; :min_bound (a whole number) is the lowest per-minute bound of any zone, so only minutes that may break a
-- bound come back (the per-zone bound is applied in C#, where the zones' areas are).
-- Rows: 'minute' (sensor_id, zone_id, minute, badges, reads) for every sensor-minute above :min_bound distinct badges;
-- 'venues' (sensor_id, zone_id, impossible_badges, badges, reads) for every sensor with at least one badge read at
-- another venue within 60 s of its own read. minute = FLOOR(epoch seconds / 60), the key the density query excludes by.
WITH bounds AS (
    SELECT CAST(:scan_start AS TIMESTAMP) AS scan_start,
           CAST(:window_end AS TIMESTAMP) AS window_end
),
scanned AS (
    SELECT r.read_id,
           r.badge_hash,
           r.sensor_id,
           r.zone_id,
           r.venue,
           EXTRACT(EPOCH FROM r.read_at) AS epoch_seconds,
           CAST(FLOOR(EXTRACT(EPOCH FROM r.read_at) / 60) AS BIGINT) AS minute
    FROM badge_reads r
    CROSS JOIN bounds b
    WHERE r.read_at >= b.scan_start
      AND r.read_at < b.window_end
      AND r.zone_id IS NOT NULL
),
-- A sensor-minute can have more distinct badges than the bound only if it has more reads: a plain count finds the few
-- candidates, and only their reads are counted distinct (distinct counts hash every badge and read id).
busy_candidates AS (
    SELECT sensor_id, minute
    FROM scanned
    GROUP BY sensor_id, minute
    HAVING COUNT(*) > CAST(:min_bound AS BIGINT)
),
busy_minutes AS (
    SELECT s.sensor_id,
           s.zone_id,
           s.minute,
           COUNT(DISTINCT s.badge_hash) AS badges,
           COUNT(DISTINCT s.read_id) AS reads
    FROM scanned s
    JOIN busy_candidates c ON c.sensor_id = s.sensor_id AND c.minute = s.minute
    GROUP BY s.sensor_id, s.zone_id, s.minute
    HAVING COUNT(DISTINCT s.badge_hash) > CAST(:min_bound AS BIGINT)
),
-- The same badge at two venues less than a minute apart: both reads cannot be true. The join stays on one slice
-- (DISTKEY badge_hash). Two reads less than 60 s apart are at most one minute apart in FLOOR(epoch / 60), so each read
-- meets the reads of its own and the two neighbouring minutes only (the three shifted copies make that an equality
-- join), not every read of its badge in the scan.
impossible AS (
    SELECT a.sensor_id,
           COUNT(DISTINCT a.badge_hash) AS impossible_badges
    FROM scanned a
    JOIN (SELECT badge_hash, venue, epoch_seconds, minute - 1 AS minute FROM scanned
          UNION ALL
          SELECT badge_hash, venue, epoch_seconds, minute FROM scanned
          UNION ALL
          SELECT badge_hash, venue, epoch_seconds, minute + 1 AS minute FROM scanned) o
      ON o.badge_hash = a.badge_hash
     AND o.minute = a.minute
     AND o.venue <> a.venue
     AND o.epoch_seconds > a.epoch_seconds - 60
     AND o.epoch_seconds < a.epoch_seconds + 60
    GROUP BY a.sensor_id
),
sensor_totals AS (
    SELECT sensor_id,
           MAX(zone_id) AS zone_id,
           COUNT(DISTINCT badge_hash) AS badges,
           COUNT(DISTINCT read_id) AS reads
    FROM scanned
    GROUP BY sensor_id
)
SELECT 'minute' AS row_kind,
       m.sensor_id,
       m.zone_id,
       m.minute,
       m.badges,
       m.reads,
       CAST(NULL AS BIGINT) AS impossible_badges
FROM busy_minutes m
UNION ALL
SELECT 'venues' AS row_kind,
       t.sensor_id,
       t.zone_id,
       CAST(NULL AS BIGINT) AS minute,
       t.badges,
       t.reads,
       i.impossible_badges
FROM impossible i
JOIN sensor_totals t ON t.sensor_id = i.sensor_id
ORDER BY row_kind, sensor_id, minute
