-- Follow-up case history for analysts (issue 12). The record of truth is the durable store
-- (packages/store, table case_history, Postgres); every row is copied here once it is committed
-- (the worker's history shipper, services/worker/src/case-history.ts), with the case's dimensions
-- at that moment, so analysts can slice changes, escalations and outcomes next to the feedback.
-- `seq` is the store's own sequence: a row shipped twice (a crash before it was marked shipped)
-- is the same row, and ReplacingMergeTree keeps one.
CREATE TABLE IF NOT EXISTS case_history
(
    tenant        LowCardinality(String),
    case_id       String,
    seq           UInt64,
    version       UInt32,
    at            DateTime64(3, 'UTC'),
    actor         String,
    action        LowCardinality(String),
    changes       String,
    note          String,
    event_id      String,
    trigger       LowCardinality(String),
    severity      LowCardinality(String),
    customer_id   String,
    touchpoint    LowCardinality(String),
    channel       LowCardinality(String),
    segment       LowCardinality(String),
    team          LowCardinality(String),
    owner         String,
    state         LowCardinality(String),
    root_cause    LowCardinality(String),
    outcome       LowCardinality(String),
    case_created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, case_id, seq);
