-- Hour and day rollups are fed from the minute rollup instead of from feedback_events: their
-- materialized views then aggregate a few hundred pre-aggregated rows per insert instead of every
-- event again. Sums of sums, sumMap of histograms and uniqExactMerge of FCR sets stay exact.
-- Deduplication of a retried insert cascades (deduplicate_blocks_in_dependent_materialized_views).
DROP VIEW IF EXISTS rollup_hour_events_mv;
DROP VIEW IF EXISTS rollup_hour_fcr_mv;
DROP VIEW IF EXISTS rollup_day_events_mv;
DROP VIEW IF EXISTS rollup_day_fcr_mv;

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
    sum(handle_n) AS handle_n,
    sum(handle_ms_sum) AS handle_ms_sum,
    sum(agent_resolved_n) AS agent_resolved_n,
    sum(agent_resolved_yes) AS agent_resolved_yes,
    sum(complaints_opened) AS complaints_opened,
    sum(complaints_resolved) AS complaints_resolved,
    sum(resolve_n) AS resolve_n,
    sum(resolve_ms_sum) AS resolve_ms_sum,
    sum(sentiment_n) AS sentiment_n,
    sum(sentiment_negative) AS sentiment_negative,
    sumMap(wait_hist) AS wait_hist,
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
    sum(handle_n) AS handle_n,
    sum(handle_ms_sum) AS handle_ms_sum,
    sum(agent_resolved_n) AS agent_resolved_n,
    sum(agent_resolved_yes) AS agent_resolved_yes,
    sum(complaints_opened) AS complaints_opened,
    sum(complaints_resolved) AS complaints_resolved,
    sum(resolve_n) AS resolve_n,
    sum(resolve_ms_sum) AS resolve_ms_sum,
    sum(sentiment_n) AS sentiment_n,
    sum(sentiment_negative) AS sentiment_negative,
    sumMap(wait_hist) AS wait_hist,
    uniqExactMergeState(fcr_contacts) AS fcr_contacts,
    uniqExactMergeState(fcr_resolved) AS fcr_resolved
FROM rollup_minute
GROUP BY tenant, touchpoint, channel, segment, journey_stage, bucket;
