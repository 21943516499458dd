-- Rollup at minute grain per tenant x touchpoint x channel x segment x journey stage.
-- Sufficient statistics only (counts, sums, sums of squares, an exact whole-second histogram of
-- waits, exact sets of FCR contact ids), never ratios: any window or grouping merges exactly.
-- Read with sum() over the Simple columns, sumMap() over wait_hist and uniqExactMerge() over fcr_*.
-- Fed by two materialized views: one from feedback_events, one from fcr_verdicts (FCR columns).
CREATE TABLE IF NOT EXISTS rollup_minute
(
    tenant                LowCardinality(String),
    touchpoint            LowCardinality(String),
    channel               LowCardinality(String),
    segment               LowCardinality(String),
    journey_stage         LowCardinality(String),
    bucket                DateTime('UTC'),
    events                SimpleAggregateFunction(sum, UInt64),
    nps_n                 SimpleAggregateFunction(sum, UInt64),
    nps_promoters         SimpleAggregateFunction(sum, UInt64),
    nps_detractors        SimpleAggregateFunction(sum, UInt64),
    csat_n                SimpleAggregateFunction(sum, UInt64),
    csat_top2             SimpleAggregateFunction(sum, UInt64),
    csat_sum              SimpleAggregateFunction(sum, UInt64),
    csat_sum_sq           SimpleAggregateFunction(sum, UInt64),
    ces_n                 SimpleAggregateFunction(sum, UInt64),
    ces_sum               SimpleAggregateFunction(sum, UInt64),
    ces_sum_sq            SimpleAggregateFunction(sum, UInt64),
    contacts              SimpleAggregateFunction(sum, UInt64),
    calls_offered         SimpleAggregateFunction(sum, UInt64),
    calls_abandoned       SimpleAggregateFunction(sum, UInt64),
    wait_n                SimpleAggregateFunction(sum, UInt64),
    wait_ms_sum           SimpleAggregateFunction(sum, UInt64),
    wait_sq_sum           SimpleAggregateFunction(sum, Float64),
    wait_hist             SimpleAggregateFunction(sumMap, Map(UInt32, UInt64)),
    handle_n              SimpleAggregateFunction(sum, UInt64),
    handle_ms_sum         SimpleAggregateFunction(sum, UInt64),
    agent_resolved_n      SimpleAggregateFunction(sum, UInt64),
    agent_resolved_yes    SimpleAggregateFunction(sum, UInt64),
    complaints_opened     SimpleAggregateFunction(sum, UInt64),
    complaints_resolved   SimpleAggregateFunction(sum, UInt64),
    resolve_n             SimpleAggregateFunction(sum, UInt64),
    resolve_ms_sum        SimpleAggregateFunction(sum, UInt64),
    sentiment_n           SimpleAggregateFunction(sum, UInt64),
    sentiment_negative    SimpleAggregateFunction(sum, UInt64),
    fcr_contacts          AggregateFunction(uniqExact, String),
    fcr_resolved          AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant, bucket, touchpoint, channel, segment, journey_stage)
SETTINGS non_replicated_deduplication_window = 10000;

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
    sumMap(if(wait_seconds IS NOT NULL AND ifNull(abandoned, 0) = 0,
              map(toUInt32(round(ifNull(wait_seconds, 0))), toUInt64(1)),
              CAST(map(), 'Map(UInt32, UInt64)'))) AS wait_hist,
    countIf(handle_seconds IS NOT NULL) AS handle_n,
    sum(toUInt64(round(ifNull(handle_seconds, 0) * 1000))) AS handle_ms_sum,
    countIf(agent_resolved IS NOT NULL) AS agent_resolved_n,
    countIf(agent_resolved = 1) AS agent_resolved_yes,
    countIf(type = 'complaint.opened') AS complaints_opened,
    countIf(type = 'complaint.resolved') AS complaints_resolved,
    countIf(hours_to_resolve IS NOT NULL) AS resolve_n,
    sum(toUInt64(round(ifNull(hours_to_resolve, 0) * 3600000))) AS resolve_ms_sum,
    countIf(sentiment IS NOT NULL) AS sentiment_n,
    countIf(sentiment_label = 'negative') AS sentiment_negative,
    uniqExactStateIf(event_id, 0) AS fcr_contacts,
    uniqExactStateIf(event_id, 0) AS fcr_resolved
FROM feedback_events
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_minute_fcr_mv TO rollup_minute AS
SELECT
    tenant, touchpoint, channel, segment, journey_stage,
    toStartOfMinute(occurred_at) AS bucket,
    uniqExactState(contact_id) AS fcr_contacts,
    uniqExactStateIf(contact_id, resolved = 1) AS fcr_resolved
FROM fcr_verdicts
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;
