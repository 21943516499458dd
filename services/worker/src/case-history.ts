// The case history shipper lives with the cases (@pulse/cases): the loop-metrics rollup it feeds
// and the tests that check it are there. The worker runs it (process.ts).
export { CASE_HISTORY_COLUMNS, createCaseHistoryShipper } from "@pulse/cases";
