-- Records a revision after SNS accepted it (docs/density-report.md, "Corrections"). Every value travels as a Data API
-- string and is cast here; a backfill has no scheduled time, sent as 'none' (the Data API takes no empty or null value).
INSERT INTO report_revisions
    (window_start, revision, provisional, figures_digest, reads, severity, worst_zone, zone_severities, scheduled_time, published_at, message_id)
VALUES (
    CAST(:window_start AS TIMESTAMP),
    CAST(:revision AS INTEGER),
    CAST(:provisional AS BOOLEAN),
    :figures_digest,
    CAST(:reads AS BIGINT),
    :severity,
    :worst_zone,
    :zone_severities,
    CAST(NULLIF(:scheduled_time, 'none') AS TIMESTAMP),
    CAST(:published_at AS TIMESTAMP),
    :message_id
)
