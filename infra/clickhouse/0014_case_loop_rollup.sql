-- Loop metrics of the follow-up cases as a rollup (issue 12): per tenant, touchpoint, team and
-- hour the case was opened, one mergeable state that any window of hours merges exactly.
--
-- Every case_history row shipped since this migration carries a snapshot of its case as the
-- shipper read it (`case_version`, the SLA deadlines and times, the team the case was opened for,
-- the NPS answer that opened it). The rollup keeps the set of distinct snapshots per group
-- (groupUniqArray of tuples): a set merges exactly (union), and a row shipped again — a crash
-- between the insert and the mark, a re-ship — adds a snapshot already in the set, so it
-- never counts twice, whatever the insert deduplication did. Readers keep, per case, the
-- snapshot with the highest `case_version` (the case as last shipped: a reopen, a late first
-- response, a close all replace what was there before).
--
-- The team a case counts for is `opened_team`, the team the routing rules gave it when it was
-- opened: escalation and reassignment move the work, not the case's place in the metrics (so a
-- breach stays with the team that missed it). Touchpoint and opening time never change.
ALTER TABLE case_history
    ADD COLUMN IF NOT EXISTS case_version UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS opened_team LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS before_nps Nullable(UInt8),
    ADD COLUMN IF NOT EXISTS first_response_due Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS resolution_due Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS first_response_at Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS resolved_at Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS first_response_breached_at Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS resolution_breached_at Nullable(DateTime64(3, 'UTC'));

-- Tuple: (case_id, case_version, case_created_at, customer_id, before_nps, state,
--         first_response_due, resolution_due, first_response_at, resolved_at,
--         first_response_breached_at, resolution_breached_at)
CREATE TABLE IF NOT EXISTS case_loop_hour
(
    tenant     LowCardinality(String),
    touchpoint LowCardinality(String),
    team       LowCardinality(String),
    bucket     DateTime('UTC'),
    snapshots  AggregateFunction(groupUniqArray, Tuple(String, UInt32, DateTime64(3, 'UTC'), String, Nullable(UInt8), String,
                                                       Nullable(DateTime64(3, 'UTC')), Nullable(DateTime64(3, 'UTC')),
                                                       Nullable(DateTime64(3, 'UTC')), Nullable(DateTime64(3, 'UTC')),
                                                       Nullable(DateTime64(3, 'UTC')), Nullable(DateTime64(3, 'UTC'))))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (tenant, touchpoint, team, bucket);

-- Rows shipped before 0014 have no snapshot (case_version 0) and feed nothing; the store's
-- migration 0003 marks every history row unshipped once, so they are shipped again with one.
CREATE MATERIALIZED VIEW IF NOT EXISTS case_loop_hour_mv TO case_loop_hour AS
SELECT
    tenant,
    touchpoint,
    opened_team AS team,
    toStartOfHour(case_created_at) AS bucket,
    groupUniqArrayState(tuple(case_id, case_version, case_created_at, customer_id, before_nps, toString(state),
                              first_response_due, resolution_due, first_response_at, resolved_at,
                              first_response_breached_at, resolution_breached_at)) AS snapshots
FROM case_history
WHERE case_version > 0
GROUP BY tenant, touchpoint, team, bucket;
