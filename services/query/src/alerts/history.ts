/** Rows of the ClickHouse `alerts` history table (infra/clickhouse/0012_alerts.sql). */
import type { Alert, Notification } from "@pulse/alerting";

export const HISTORY_COLUMNS = [
  "tenant",
  "alert_id",
  "event",
  "minute",
  "rule_id",
  "touchpoint",
  "metric",
  "kind",
  "severity",
  "pending_since",
  "silenced",
  "value",
  "n",
  "ci_low",
  "ci_high",
  "reference",
  "statistic",
  "threshold",
  "p_value",
  "since",
  "acked_by",
  "evidence",
] as const;

const dt = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

export function historyRow(event: "firing" | "renotify" | "resolved" | "acknowledged", minute: number, alert: Alert, silenced: boolean): unknown[] {
  const e = alert.evidence;
  return [
    alert.tenant,
    alert.id,
    event,
    dt(minute),
    alert.ruleId,
    alert.touchpoint,
    alert.metric,
    alert.kind,
    alert.severity,
    dt(alert.pendingSince),
    silenced ? 1 : 0,
    e.value.value,
    e.value.n,
    e.value.ci95?.[0] ?? null,
    e.value.ci95?.[1] ?? null,
    e.reference.value,
    e.statistic.value,
    e.statistic.threshold,
    e.p,
    e.since === null ? null : dt(e.since),
    alert.ackedBy ?? "",
    JSON.stringify(e),
  ];
}

export const notificationRow = (n: Notification): unknown[] => historyRow(n.type, n.minute, n.alert, n.silenced);
