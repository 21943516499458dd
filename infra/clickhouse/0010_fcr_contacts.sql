-- First-contact resolution with ClickHouse as its state (services/worker/README.md, "First-contact
-- resolution"): every contact in fcr_contacts, the outcome of each contact (time to the next contact
-- of the same tenant, customer and topic, in minute bins, when it came within the window) as signed
-- delta rows in fcr_repeats, and two sufficient statistics per rollup bucket of the contacts' own
-- time: fcr_n (contacts) and fcr_repeat_hist (repeat bin -> contacts whose next contact came in it).
-- Replaces fcr_verdicts, its views and the uniqExact columns (their "resolved" verdicts came only at
-- window end and their "unresolved" ones at once, which biased every live window).

-- Every contact (call, contact, complaint opened) except placeholder customers. The ORDER BY puts a
-- customer's contacts on one topic side by side in time, so the neighbours of a new contact are a
-- primary-key range read. The Kafka position lets a chunk's own rows be excluded from its lookups,
-- so a retried chunk computes the same delta rows (and the same insert token drops them).
CREATE TABLE IF NOT EXISTS fcr_contacts
(
    tenant          LowCardinality(String),
    customer_id     String,
    topic           LowCardinality(String),
    occurred_at     DateTime64(3, 'UTC'),
    contact_id      String,
    touchpoint      LowCardinality(String),
    channel         LowCardinality(String),
    segment         LowCardinality(String),
    journey_stage   LowCardinality(String),
    kafka_topic     LowCardinality(String),
    kafka_partition UInt16,
    kafka_offset    UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant, customer_id, topic, occurred_at, contact_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Signed changes of contacts' outcomes. Each row belongs to the EARLIER contact (contact_id, its
-- time and dimensions: its cohort); sign +1 records "its next contact came in repeat_bin",
-- -1 withdraws an outcome that a contact arriving in between replaced. Per contact the rows sum to
-- its one current outcome (or to nothing: no repeat within the window).
CREATE TABLE IF NOT EXISTS fcr_repeats
(
    tenant          LowCardinality(String),
    customer_id     String,
    topic           LowCardinality(String),
    occurred_at     DateTime64(3, 'UTC'),
    contact_id      String,
    touchpoint      LowCardinality(String),
    channel         LowCardinality(String),
    segment         LowCardinality(String),
    journey_stage   LowCardinality(String),
    repeat_bin      UInt32,
    sign            Int8
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant, customer_id, topic, occurred_at, contact_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Views first: the cascades read the columns dropped below. Run before workers start (as every
-- migration): between a DROP and a CREATE of a view, inserts would not reach the rollups.
DROP VIEW IF EXISTS rollup_minute_fcr_mv;
DROP VIEW IF EXISTS rollup_minute_events_mv;
DROP VIEW IF EXISTS rollup_hour_from_minute_mv;
DROP VIEW IF EXISTS rollup_day_from_minute_mv;
DROP TABLE IF EXISTS fcr_verdicts;

ALTER TABLE rollup_minute DROP COLUMN IF EXISTS fcr_contacts;
ALTER TABLE rollup_minute DROP COLUMN IF EXISTS fcr_resolved;
ALTER TABLE rollup_hour DROP COLUMN IF EXISTS fcr_contacts;
ALTER TABLE rollup_hour DROP COLUMN IF EXISTS fcr_resolved;
ALTER TABLE rollup_day DROP COLUMN IF EXISTS fcr_contacts;
ALTER TABLE rollup_day DROP COLUMN IF EXISTS fcr_resolved;
ALTER TABLE rollup_minute ADD COLUMN IF NOT EXISTS fcr_n SimpleAggregateFunction(sum, UInt64);
ALTER TABLE rollup_minute ADD COLUMN IF NOT EXISTS fcr_repeat_hist SimpleAggregateFunction(sumMap, Map(UInt32, Int64));
ALTER TABLE rollup_hour ADD COLUMN IF NOT EXISTS fcr_n SimpleAggregateFunction(sum, UInt64);
ALTER TABLE rollup_hour ADD COLUMN IF NOT EXISTS fcr_repeat_hist SimpleAggregateFunction(sumMap, Map(UInt32, Int64));
ALTER TABLE rollup_day ADD COLUMN IF NOT EXISTS fcr_n SimpleAggregateFunction(sum, UInt64);
ALTER TABLE rollup_day ADD COLUMN IF NOT EXISTS fcr_repeat_hist SimpleAggregateFunction(sumMap, Map(UInt32, Int64));

-- The rollup views, generated from the declaration in packages/rollups
-- (`pnpm --filter @pulse/rollups sql -- --with-fcr`); the drift test there checks them.
DROP VIEW IF EXISTS rollup_minute_events_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_minute_events_mv TO rollup_minute AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfMinute(occurred_at) AS bucket,
    count() AS events,
    countIf(nps IS NOT NULL) AS nps_n,
    countIf(nps >= 9) AS nps_promoters,
    countIf(nps <= 6) AS nps_detractors,
    countIf(csat IS NOT NULL) AS csat_n,
    countIf(csat >= 4) AS csat_top2,
    sum(toUInt64(ifNull(csat, 0))) AS csat_sum,
    sum(toUInt64(ifNull(csat, 0)) * toUInt64(ifNull(csat, 0))) AS csat_sum_sq,
    countIf(ces IS NOT NULL) AS ces_n,
    sum(toUInt64(ifNull(ces, 0))) AS ces_sum,
    sum(toUInt64(ifNull(ces, 0)) * toUInt64(ifNull(ces, 0))) AS ces_sum_sq,
    countIf(type IN ('call.completed', 'contact.completed')) AS contacts,
    countIf(type = 'call.completed') AS calls_offered,
    countIf(type = 'call.completed' AND abandoned = 1) AS calls_abandoned,
    countIf(wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0) AS wait_n,
    sumIf(toUInt64(round(ifNull(wait_seconds, 0) * 1000)), wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0) AS wait_ms_sum,
    sumIf(ifNull(wait_seconds, 0) * ifNull(wait_seconds, 0), wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0) AS wait_sq_sum,
    sumMap(if(wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0, map(toUInt32(round(ifNull(wait_seconds, 0))), toUInt64(1)), CAST(map(), 'Map(UInt32, UInt64)'))) AS wait_hist,
    countIf(type = 'complaint.opened') AS complaints_opened,
    countIf(type = 'complaint.resolved') AS complaints_resolved,
    countIf(hours_to_resolve IS NOT NULL) AS resolve_n,
    sum(toUInt64(round(ifNull(hours_to_resolve, 0) * 3600000))) AS resolve_ms_sum
FROM feedback_events
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

DROP VIEW IF EXISTS rollup_minute_fcr_contacts_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_minute_fcr_contacts_mv TO rollup_minute AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfMinute(occurred_at) AS bucket,
    count() AS fcr_n
FROM fcr_contacts
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

DROP VIEW IF EXISTS rollup_minute_fcr_repeats_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_minute_fcr_repeats_mv TO rollup_minute AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfMinute(occurred_at) AS bucket,
    sumMap(map(repeat_bin, toInt64(sign))) AS fcr_repeat_hist
FROM fcr_repeats
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

DROP VIEW IF EXISTS rollup_hour_from_minute_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_hour_from_minute_mv TO rollup_hour AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfHour(bucket) AS bucket,
    sum(events) AS events,
    sum(nps_n) AS nps_n,
    sum(nps_promoters) AS nps_promoters,
    sum(nps_detractors) AS nps_detractors,
    sum(csat_n) AS csat_n,
    sum(csat_top2) AS csat_top2,
    sum(csat_sum) AS csat_sum,
    sum(csat_sum_sq) AS csat_sum_sq,
    sum(ces_n) AS ces_n,
    sum(ces_sum) AS ces_sum,
    sum(ces_sum_sq) AS ces_sum_sq,
    sum(contacts) AS contacts,
    sum(calls_offered) AS calls_offered,
    sum(calls_abandoned) AS calls_abandoned,
    sum(wait_n) AS wait_n,
    sum(wait_ms_sum) AS wait_ms_sum,
    sum(wait_sq_sum) AS wait_sq_sum,
    sumMap(wait_hist) AS wait_hist,
    sum(complaints_opened) AS complaints_opened,
    sum(complaints_resolved) AS complaints_resolved,
    sum(resolve_n) AS resolve_n,
    sum(resolve_ms_sum) AS resolve_ms_sum,
    sum(fcr_n) AS fcr_n,
    sumMap(fcr_repeat_hist) AS fcr_repeat_hist
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

DROP VIEW IF EXISTS rollup_day_from_minute_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_day_from_minute_mv TO rollup_day AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfDay(bucket) AS bucket,
    sum(events) AS events,
    sum(nps_n) AS nps_n,
    sum(nps_promoters) AS nps_promoters,
    sum(nps_detractors) AS nps_detractors,
    sum(csat_n) AS csat_n,
    sum(csat_top2) AS csat_top2,
    sum(csat_sum) AS csat_sum,
    sum(csat_sum_sq) AS csat_sum_sq,
    sum(ces_n) AS ces_n,
    sum(ces_sum) AS ces_sum,
    sum(ces_sum_sq) AS ces_sum_sq,
    sum(contacts) AS contacts,
    sum(calls_offered) AS calls_offered,
    sum(calls_abandoned) AS calls_abandoned,
    sum(wait_n) AS wait_n,
    sum(wait_ms_sum) AS wait_ms_sum,
    sum(wait_sq_sum) AS wait_sq_sum,
    sumMap(wait_hist) AS wait_hist,
    sum(complaints_opened) AS complaints_opened,
    sum(complaints_resolved) AS complaints_resolved,
    sum(resolve_n) AS resolve_n,
    sum(resolve_ms_sum) AS resolve_ms_sum,
    sum(fcr_n) AS fcr_n,
    sumMap(fcr_repeat_hist) AS fcr_repeat_hist
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;
