-- One row per accepted, enriched feedback event: the analysts' raw table.
-- The worker inserts deterministic batches with an insert_deduplication_token, so the
-- deduplication window must be on (non-replicated MergeTree has it off by default).
CREATE TABLE IF NOT EXISTS feedback_events
(
    tenant            LowCardinality(String),
    event_id          String,
    type              LowCardinality(String),
    schema_version    UInt8,
    occurred_at       DateTime64(3, 'UTC'),
    received_at       DateTime64(3, 'UTC'),
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3),
    source            LowCardinality(String),
    touchpoint        LowCardinality(String),
    touchpoint_raw    String,
    journey_stage     LowCardinality(String),
    case_id           String,
    channel           LowCardinality(String),
    customer_id       String,
    segment           LowCardinality(String),
    value_tier        LowCardinality(String),
    agent_id          String,
    agent_team        LowCardinality(String),
    survey_id         String,
    nps               Nullable(UInt8),
    csat              Nullable(UInt8),
    ces               Nullable(UInt8),
    wait_seconds      Nullable(Float64),
    handle_seconds    Nullable(Float64),
    hold_seconds      Nullable(Float64),
    transfers         Nullable(UInt16),
    abandoned         Nullable(UInt8),
    queue             LowCardinality(String),
    agent_resolved    Nullable(UInt8),
    topic             LowCardinality(String),
    complaint_id      String,
    complaint_category LowCardinality(String),
    severity          LowCardinality(String),
    resolution        String,
    hours_to_resolve  Nullable(Float64),
    text              String,
    lang              LowCardinality(String),
    sentiment         Nullable(Float32),
    sentiment_label   LowCardinality(String),
    topics            Array(LowCardinality(String)),
    pii_redacted      UInt16,
    attributes        Map(String, String),
    kafka_partition   UInt16,
    kafka_offset      UInt64,
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 4,
    INDEX idx_customer customer_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant, touchpoint, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Which Kafka position first carried each (tenant, event id). The worker looks ids up here
-- (primary-key lookups) so a client retry that slipped past the collector counts once, while
-- a re-delivery of the very same message after a crash is recognised as itself.
CREATE TABLE IF NOT EXISTS event_registry
(
    tenant          LowCardinality(String),
    event_id        String,
    kafka_partition UInt16,
    kafka_offset    UInt64,
    occurred_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_registry_mv TO event_registry AS
SELECT tenant, event_id, kafka_partition, kafka_offset, occurred_at FROM feedback_events;

-- Derived first-contact-resolution verdicts, one per contact, emitted by the worker when the
-- customer contacts again about the same topic (resolved = 0) or the window closes (resolved = 1).
-- Dimensions are the ORIGINAL contact's, so the verdict folds into the contact's own bucket.
CREATE TABLE IF NOT EXISTS fcr_verdicts
(
    tenant         LowCardinality(String),
    contact_id     String,
    occurred_at    DateTime64(3, 'UTC'),
    touchpoint     LowCardinality(String),
    channel        LowCardinality(String),
    segment        LowCardinality(String),
    journey_stage  LowCardinality(String),
    topic          LowCardinality(String),
    customer_id    String,
    resolved       UInt8,
    repeat_id      String,
    decided_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant, touchpoint, occurred_at, contact_id)
SETTINGS non_replicated_deduplication_window = 10000;
