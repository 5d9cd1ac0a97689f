-- Every recorded revision of the windows a run reports or re-checks (docs/density-report.md, "Corrections"); the
-- Aggregator keeps the highest revision per window. A handful of rows: RECHECK_WINDOWS + 1 windows, a few revisions each.
-- Parameters (Data API strings, UTC, 'YYYY-MM-DD HH:MM:SS'): :first_window and :last_window, window starts, inclusive.
SELECT window_start, revision, provisional, figures_digest, reads, severity, worst_zone, zone_severities, message_id
FROM report_revisions
WHERE window_start >= CAST(:first_window AS TIMESTAMP)
  AND window_start <= CAST(:last_window AS TIMESTAMP)
ORDER BY window_start, revision
