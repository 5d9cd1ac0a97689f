-- The warehouse's watermark: the latest Producer receive time loaded. See docs/density-report.md ("Completeness").
-- Firehose delivers a stream's batches in order (one COPY at a time), so once a read received at or after the window
-- end is loaded, every read the Producer received before the window end is loaded too.
-- Parameter (Data API string, UTC, 'YYYY-MM-DD HH:MM:SS'): :window_start bounds the scan to recent loads.
SELECT MAX(r.received_at) AS watermark
FROM badge_reads r
WHERE r.received_at >= CAST(:window_start AS TIMESTAMP)
