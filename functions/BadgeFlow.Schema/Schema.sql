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
