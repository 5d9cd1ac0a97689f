-- Retention: badge reads older than READ_RETENTION_DAYS are deleted (docs/density-report.md "Retention"). Reports
-- went out on SNS when their window closed and no table aggregates badge_reads, so only raw reads go.
-- Idempotent: a rerun with the same cutoff finds nothing left to delete. read_at leads the sort key, so the rows
-- deleted are one range of the table.
-- Parameter (Data API string, UTC, 'YYYY-MM-DD HH:MM:SS'): :cutoff = the run's scheduled time less the retention.
DELETE FROM badge_reads
WHERE read_at < CAST(:cutoff AS TIMESTAMP)
