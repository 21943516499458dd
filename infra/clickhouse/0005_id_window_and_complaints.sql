-- The id registry, partitioned by the day the worker stored the event and kept for 30 days:
-- the worker only looks ids up within its deduplication window (default 7 days), so a lookup
-- reads a few daily partitions instead of the whole history.
CREATE TABLE IF NOT EXISTS event_ids
(
    tenant          LowCardinality(String),
    event_id        String,
    kafka_partition UInt16,
    kafka_offset    UInt64,
    stored_on       Date DEFAULT today()
)
ENGINE = ReplacingMergeTree
PARTITION BY stored_on
ORDER BY (tenant, event_id)
TTL stored_on + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 2048;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT tenant, event_id, kafka_partition, kafka_offset, today() AS stored_on FROM feedback_events;

-- Superseded by event_ids (kept as a table for analysts; no longer fed).
DROP VIEW IF EXISTS event_registry_mv;

-- When each complaint was opened, looked up by primary key when its resolution arrives
-- (hours to resolve), instead of scanning feedback_events.
CREATE TABLE IF NOT EXISTS complaints_opened
(
    tenant       LowCardinality(String),
    complaint_id String,
    opened_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, complaint_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS complaints_opened_mv TO complaints_opened AS
SELECT tenant, complaint_id, occurred_at AS opened_at FROM feedback_events WHERE type = 'complaint.opened';
