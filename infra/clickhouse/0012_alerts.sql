-- Alert history for analysts (services/query/src/alerts, packages/alerting): one row per alert
-- event — firing, renotify, resolved, acknowledged — with its evidence. The current state of every
-- monitor lives in Redis (updated atomically with the evaluator's cursor); this table is the record.
-- The evaluator inserts a minute's rows before it commits that minute in Redis, so a crash can make
-- it insert them again: ReplacingMergeTree keyed by (tenant, alert_id, event, minute) keeps one, and
-- readers use FINAL.
CREATE TABLE IF NOT EXISTS alerts
(
    tenant         LowCardinality(String),
    alert_id       String,
    event          Enum8('firing' = 1, 'renotify' = 2, 'resolved' = 3, 'acknowledged' = 4),
    minute         DateTime('UTC'),
    rule_id        LowCardinality(String),
    touchpoint     LowCardinality(String),
    metric         LowCardinality(String),
    kind           LowCardinality(String),
    severity       LowCardinality(String),
    pending_since  DateTime('UTC'),
    silenced       UInt8,
    value          Nullable(Float64),
    n              Float64,
    ci_low         Nullable(Float64),
    ci_high        Nullable(Float64),
    reference      Float64,
    statistic      Float64,
    threshold      Float64,
    p_value        Float64,
    since          Nullable(DateTime('UTC')),
    acked_by       String,
    evidence       String,
    recorded_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(recorded_at)
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant, alert_id, event, minute);
