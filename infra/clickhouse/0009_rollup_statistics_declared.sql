-- The rollup statistics are declared once in packages/rollups (statistics.ts); the views below are
-- that declaration's generated SQL (`pnpm --filter @pulse/rollups sql`), and the drift test
-- (packages/rollups) fails when the tables or views the migrations create differ from it.
--
-- Six columns were written by every view and read by nothing (handle time, agent-marked resolution
-- and sentiment: all three stay in feedback_events for analysts): dropped here. The views that
-- write them are re-created without them first. Run before workers start (as `pulse setup` and
-- `pulse start` do): between the DROP and the CREATE of a view, inserts would not reach the rollups.
-- The FCR view (rollup_minute_fcr_mv) and the FCR columns are unchanged. The events view no longer
-- writes empty FCR states: a column an insert leaves out gets the same empty state by default.
DROP VIEW IF EXISTS rollup_minute_events_mv;
DROP VIEW IF EXISTS rollup_hour_from_minute_mv;
DROP VIEW IF EXISTS rollup_day_from_minute_mv;

ALTER TABLE rollup_minute
    DROP COLUMN IF EXISTS handle_n,
    DROP COLUMN IF EXISTS handle_ms_sum,
    DROP COLUMN IF EXISTS agent_resolved_n,
    DROP COLUMN IF EXISTS agent_resolved_yes,
    DROP COLUMN IF EXISTS sentiment_n,
    DROP COLUMN IF EXISTS sentiment_negative;

ALTER TABLE rollup_hour
    DROP COLUMN IF EXISTS handle_n,
    DROP COLUMN IF EXISTS handle_ms_sum,
    DROP COLUMN IF EXISTS agent_resolved_n,
    DROP COLUMN IF EXISTS agent_resolved_yes,
    DROP COLUMN IF EXISTS sentiment_n,
    DROP COLUMN IF EXISTS sentiment_negative;

ALTER TABLE rollup_day
    DROP COLUMN IF EXISTS handle_n,
    DROP COLUMN IF EXISTS handle_ms_sum,
    DROP COLUMN IF EXISTS agent_resolved_n,
    DROP COLUMN IF EXISTS agent_resolved_yes,
    DROP COLUMN IF EXISTS sentiment_n,
    DROP COLUMN IF EXISTS sentiment_negative;

-- Superseded by event_ids in 0005 and never fed since (its view was dropped there).
DROP TABLE IF EXISTS event_registry;


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
    uniqExactMergeState(fcr_contacts) AS fcr_contacts,
    uniqExactMergeState(fcr_resolved) AS fcr_resolved
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;

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
    uniqExactMergeState(fcr_contacts) AS fcr_contacts,
    uniqExactMergeState(fcr_resolved) AS fcr_resolved
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;
