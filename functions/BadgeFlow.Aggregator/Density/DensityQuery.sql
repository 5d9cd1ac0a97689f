-- Density counts for one report window and the window before it. See docs/density-report.md.
-- Runs unchanged on Amazon Redshift (Data API) and on the local DuckDB warehouse.
-- Parameters (Data API strings, UTC, 'YYYY-MM-DD HH:MM:SS'): :previous_start < :window_start < :window_end, and the
-- presence horizons :presence_since = :window_end - PRESENCE_TIMEOUT, :previous_presence_since = :window_start -
-- PRESENCE_TIMEOUT (computed in C#: interval arithmetic is engine-specific).
-- Windows are half-open: [previous_start, window_start) and [window_start, window_end).
-- One row per zone read in either window or occupied at either window's end (row_kind 'zone'), then one 'summary' row.
WITH bounds AS (
    SELECT CAST(:previous_start AS TIMESTAMP) AS previous_start,
           CAST(:window_start AS TIMESTAMP) AS window_start,
           CAST(:window_end AS TIMESTAMP) AS window_end,
           CAST(:presence_since AS TIMESTAMP) AS presence_since,
           CAST(:previous_presence_since AS TIMESTAMP) AS previous_presence_since
),
-- One range scan on the sort key covers both windows and both presence horizons (which may reach before either).
scanned AS (
    SELECT r.read_id,
           r.read_at,
           r.badge_hash,
           r.sensor_id,
           r.zone_id,
           b.previous_start,
           b.window_start,
           b.presence_since,
           b.previous_presence_since
    FROM badge_reads r
    CROSS JOIN bounds b
    WHERE r.read_at >= LEAST(b.previous_start, b.previous_presence_since)
      AND r.read_at < b.window_end
      -- Implausible streams (Suspects/SuspectStreams.sql): whole sensors, and sensor-minutes by FLOOR(epoch / 60), as
      -- '|a|b|' and '|a@29930000|b@29930001|' lists ('|' when none).
      AND POSITION('|' || r.sensor_id || '|' IN :excluded_sensors) = 0
      AND POSITION('|' || r.sensor_id || '@' || CAST(CAST(FLOOR(EXTRACT(EPOCH FROM r.read_at) / 60) AS BIGINT) AS VARCHAR) || '|' IN :excluded_sensor_minutes) = 0
),
window_reads AS (
    SELECT read_id,
           badge_hash,
           zone_id,
           CASE WHEN read_at >= window_start THEN 1 ELSE 0 END AS in_window
    FROM scanned
    WHERE read_at >= previous_start
),
-- Reads that can still place a badge at a window's end: at or after that end minus the presence timeout. A badge not
-- re-read within the timeout is taken to have left (sensors re-read a present badge every few minutes).
presence_reads AS (
    SELECT 1 AS in_window, badge_hash, zone_id, read_at, sensor_id, read_id
    FROM scanned
    WHERE read_at >= presence_since
    UNION ALL
    SELECT 0 AS in_window, badge_hash, zone_id, read_at, sensor_id, read_id
    FROM scanned
    WHERE read_at >= previous_presence_since
      AND read_at < window_start
),
-- A badge's latest read before each window's end, whatever its zone: a badge last seen by an unmapped sensor occupies
-- no zone. Its latest read time first (a grouped MAX), then only the reads at that time are ranked: ranking every read
-- sorts the whole scan, this sorts the few ties. Ties on read_at are broken on NOT NULL columns only, so NULL ordering
-- (which differs between engines) never matters.
last_read_at AS (
    SELECT in_window, badge_hash, MAX(read_at) AS read_at
    FROM presence_reads
    GROUP BY in_window, badge_hash
),
latest_reads AS (
    SELECT p.in_window,
           p.zone_id,
           ROW_NUMBER() OVER (
               PARTITION BY p.in_window, p.badge_hash
               ORDER BY p.sensor_id DESC, p.read_id DESC) AS recency
    FROM presence_reads p
    JOIN last_read_at l
      ON l.in_window = p.in_window
     AND l.badge_hash = p.badge_hash
     AND l.read_at = p.read_at
),
footfall AS (
    SELECT zone_id,
           COUNT(DISTINCT CASE WHEN in_window = 1 THEN badge_hash END) AS footfall,
           COUNT(DISTINCT CASE WHEN in_window = 0 THEN badge_hash END) AS previous_footfall
    FROM window_reads
    WHERE zone_id IS NOT NULL
    GROUP BY zone_id
),
occupancy AS (
    SELECT zone_id,
           COUNT(CASE WHEN in_window = 1 THEN 1 END) AS occupancy,
           COUNT(CASE WHEN in_window = 0 THEN 1 END) AS previous_occupancy
    FROM latest_reads
    WHERE recency = 1
      AND zone_id IS NOT NULL
    GROUP BY zone_id
),
zones AS (
    SELECT zone_id FROM footfall
    UNION
    SELECT zone_id FROM occupancy
),
-- Distinct read ids, so records Firehose delivered twice are not counted twice.
summary AS (
    SELECT COUNT(DISTINCT CASE WHEN in_window = 1 THEN read_id END) AS reads,
           COUNT(DISTINCT CASE WHEN in_window = 1 THEN badge_hash END) AS distinct_badges,
           COUNT(DISTINCT CASE WHEN in_window = 1 AND zone_id IS NULL THEN read_id END) AS unmapped_reads
    FROM window_reads
),
freshness AS (
    SELECT MAX(r.read_at) AS latest_read_at
    FROM badge_reads r
    CROSS JOIN bounds b
    WHERE r.read_at < b.window_end
)
SELECT 'zone' AS row_kind,
       z.zone_id,
       COALESCE(f.footfall, 0) AS footfall,
       COALESCE(o.occupancy, 0) AS occupancy,
       COALESCE(f.previous_footfall, 0) AS previous_footfall,
       COALESCE(o.previous_occupancy, 0) AS previous_occupancy,
       CAST(NULL AS BIGINT) AS reads,
       CAST(NULL AS BIGINT) AS distinct_badges,
       CAST(NULL AS BIGINT) AS unmapped_reads,
       CAST(NULL AS TIMESTAMP) AS latest_read_at
FROM zones z
LEFT JOIN footfall f ON f.zone_id = z.zone_id
LEFT JOIN occupancy o ON o.zone_id = z.zone_id
UNION ALL
SELECT 'summary' AS row_kind,
       CAST(NULL AS VARCHAR(64)) AS zone_id,
       CAST(NULL AS BIGINT) AS footfall,
       CAST(NULL AS BIGINT) AS occupancy,
       CAST(NULL AS BIGINT) AS previous_footfall,
       CAST(NULL AS BIGINT) AS previous_occupancy,
       s.reads,
       s.distinct_badges,
       s.unmapped_reads,
       fr.latest_read_at
FROM summary s
CROSS JOIN freshness fr
ORDER BY row_kind, zone_id
