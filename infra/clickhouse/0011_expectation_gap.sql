-- Expectation vs experience (issue 10): survey answers may carry `expectation` and `experience`
-- (1–5, the contract's body fields). Stored in feedback_events, and folded into the rollups as the
-- sufficient statistics of @pulse/scoring's EXPECTATION_GAP_COLUMNS, over answers with both values:
-- gap_n, Σ and Σ² of each, Σ and Σ² of the paired gap (experience − expectation; gap_sum can be
-- negative, hence Int64) and the count of answers where experience fell short.
-- The views below are the declaration's generated SQL (`pnpm --filter @pulse/rollups sql`); run
-- before workers start (as `pulse setup` and `pulse start` do). Rows stored before this migration
-- have neither value (NULL), so they fold to zero: nothing to backfill.
ALTER TABLE feedback_events
    ADD COLUMN IF NOT EXISTS expectation Nullable(UInt8) AFTER ces,
    ADD COLUMN IF NOT EXISTS experience Nullable(UInt8) AFTER expectation;

ALTER TABLE rollup_minute
    ADD COLUMN IF NOT EXISTS gap_n SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_sum SimpleAggregateFunction(sum, Int64),
    ADD COLUMN IF NOT EXISTS gap_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_short SimpleAggregateFunction(sum, UInt64);

ALTER TABLE rollup_hour
    ADD COLUMN IF NOT EXISTS gap_n SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_sum SimpleAggregateFunction(sum, Int64),
    ADD COLUMN IF NOT EXISTS gap_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_short SimpleAggregateFunction(sum, UInt64);

ALTER TABLE rollup_day
    ADD COLUMN IF NOT EXISTS gap_n SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS expectation_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS experience_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_sum SimpleAggregateFunction(sum, Int64),
    ADD COLUMN IF NOT EXISTS gap_sum_sq SimpleAggregateFunction(sum, UInt64),
    ADD COLUMN IF NOT EXISTS gap_short SimpleAggregateFunction(sum, UInt64);

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
    sum(toUInt64(round(ifNull(hours_to_resolve, 0) * 3600000))) AS resolve_ms_sum,
    countIf(expectation IS NOT NULL AND experience IS NOT NULL) AS gap_n,
    sumIf(toUInt64(assumeNotNull(expectation)), expectation IS NOT NULL AND experience IS NOT NULL) AS expectation_sum,
    sumIf(toUInt64(assumeNotNull(expectation)) * toUInt64(assumeNotNull(expectation)), expectation IS NOT NULL AND experience IS NOT NULL) AS expectation_sum_sq,
    sumIf(toUInt64(assumeNotNull(experience)), expectation IS NOT NULL AND experience IS NOT NULL) AS experience_sum,
    sumIf(toUInt64(assumeNotNull(experience)) * toUInt64(assumeNotNull(experience)), expectation IS NOT NULL AND experience IS NOT NULL) AS experience_sum_sq,
    sumIf((toInt64(assumeNotNull(experience)) - toInt64(assumeNotNull(expectation))), expectation IS NOT NULL AND experience IS NOT NULL) AS gap_sum,
    sumIf(toUInt64((toInt64(assumeNotNull(experience)) - toInt64(assumeNotNull(expectation))) * (toInt64(assumeNotNull(experience)) - toInt64(assumeNotNull(expectation)))), expectation IS NOT NULL AND experience IS NOT NULL) AS gap_sum_sq,
    countIf(expectation IS NOT NULL AND experience IS NOT NULL AND experience < expectation) AS gap_short
FROM feedback_events
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
    sum(gap_n) AS gap_n,
    sum(expectation_sum) AS expectation_sum,
    sum(expectation_sum_sq) AS expectation_sum_sq,
    sum(experience_sum) AS experience_sum,
    sum(experience_sum_sq) AS experience_sum_sq,
    sum(gap_sum) AS gap_sum,
    sum(gap_sum_sq) AS gap_sum_sq,
    sum(gap_short) AS gap_short,
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
    sum(gap_n) AS gap_n,
    sum(expectation_sum) AS expectation_sum,
    sum(expectation_sum_sq) AS expectation_sum_sq,
    sum(experience_sum) AS experience_sum,
    sum(experience_sum_sq) AS experience_sum_sq,
    sum(gap_sum) AS gap_sum,
    sum(gap_sum_sq) AS gap_sum_sq,
    sum(gap_short) AS gap_short,
    sum(fcr_n) AS fcr_n,
    sumMap(fcr_repeat_hist) AS fcr_repeat_hist
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;
