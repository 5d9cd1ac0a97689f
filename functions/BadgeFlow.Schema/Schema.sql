-- The warehouse schema BadgeFlow needs, run by the Schema custom resource as one BatchExecuteStatement (one
-- transaction). Every statement is idempotent (IF NOT EXISTS): Create and Update run the whole file again.
-- Statements end with a semicolon at the end of a line; no statement contains one elsewhere.

-- One row per badge read, loaded by Firehose (COPY … FORMAT AS JSON 'auto'). badge_hash is the HMAC pseudonym,
-- never a raw badge id. read_at leads the sort key so a window's reads are a range scan; the first sort key column
-- stays RAW (uncompressed) so zone maps stay exact. DISTKEY(badge_hash) puts all reads of a badge on one slice, where
-- the density query's ROW_NUMBER() OVER (PARTITION BY …, badge_hash …) and COUNT(DISTINCT badge_hash) run without
-- redistributing rows.
CREATE TABLE IF NOT EXISTS badge_reads (
    read_id      VARCHAR(64)  NOT NULL ENCODE zstd,
    read_at      TIMESTAMP    NOT NULL ENCODE raw,
    badge_hash   VARCHAR(64)  NOT NULL ENCODE zstd,
    sensor_id    VARCHAR(64)  NOT NULL ENCODE zstd,
    zone_id      VARCHAR(64)           ENCODE zstd,
    venue        VARCHAR(64)           ENCODE zstd,
    rssi         SMALLINT              ENCODE az64,
    received_at  TIMESTAMP    NOT NULL ENCODE az64,
    source       VARCHAR(16)  NOT NULL ENCODE zstd
)
DISTSTYLE KEY
DISTKEY (badge_hash)
SORTKEY (read_at);

-- One row per density report the Aggregator published (revision 1 the first report of a window, n+1 a correction),
-- written after the Publish, read back when a later run re-checks the window (docs/density-report.md, "Corrections").
-- figures_digest is SHA-256 over the warehouse figures the report was built from; zone_severities the report's WARNING
-- and CRITICAL zones as JSON (an INFO zone is absent), so a correction can say which zones changed. A few rows per
-- window: DISTSTYLE ALL keeps the Aggregator's lookup on one slice, window_start sorts it.
CREATE TABLE IF NOT EXISTS report_revisions (
    window_start     TIMESTAMP       NOT NULL ENCODE raw,
    revision         INTEGER         NOT NULL ENCODE az64,
    provisional      BOOLEAN         NOT NULL,
    figures_digest   VARCHAR(64)     NOT NULL ENCODE zstd,
    reads            BIGINT          NOT NULL ENCODE az64,
    severity         VARCHAR(16)     NOT NULL ENCODE zstd,
    worst_zone       VARCHAR(64)     NOT NULL ENCODE zstd,
    zone_severities  VARCHAR(65535)  NOT NULL ENCODE zstd,
    scheduled_time   TIMESTAMP                ENCODE az64,
    published_at     TIMESTAMP       NOT NULL ENCODE az64,
    message_id       VARCHAR(128)    NOT NULL ENCODE zstd
)
DISTSTYLE ALL
SORTKEY (window_start);
