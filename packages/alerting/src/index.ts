// @pulse/alerting: the pure alert engine (statistics per monitor, state machine, FDR). No I/O.
export { EMPTY_TALLY, TALLY_FIELDS, addTally, tallyOf, type Tally } from "./tally";
export { METRICS, type MetricAdapter, type Score } from "./metrics";
export { hourOfWeek, initialStat, planFor, read, stepStat, MINUTE, type Baseline, type Plan, type Reading, type StatState } from "./monitor";
export {
  evaluateMinute,
  initialMonitor,
  acknowledge,
  alertId,
  silenced,
  MinuteGapError,
  type Alert,
  type AlertContext,
  type Evidence,
  type MonitorInput,
  type MonitorState,
  type MinuteResult,
  type Notification,
  type Silence,
  type Status,
} from "./machine";
