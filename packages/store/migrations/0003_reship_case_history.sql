-- ClickHouse migration 0014 gives every shipped case_history row a snapshot of its case (the
-- loop-metrics rollup case_loop_hour is fed from it). Rows shipped before carry none: mark them
-- unshipped once so the shipper sends them again. Re-shipping is safe: case_history in ClickHouse
-- is a ReplacingMergeTree on seq, and the rollup holds a set of snapshots.
UPDATE case_history SET shipped_at = NULL;
