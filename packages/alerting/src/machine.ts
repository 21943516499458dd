/**
 * The alert state machine per (rule, touchpoint), and the evaluation of one minute of a tenant.
 *
 *   ok ──alarm──▶ pending ──alarm held forMinutes──▶ firing ──recovered resolveMinutes──▶ resolved ─▶ ok
 *    ▲               │ alarm gone                       │ renotify every renotifyMinutes (unless acked)
 *    └───────────────┘                                   ▼
 *   no_data: no observations for noDataMinutes, or no baseline to compare with (never fires)
 *
 * An alarm is the monitor's own test past its threshold AND a rejection by Benjamini–Hochberg over
 * every monitor of the tenant this minute (FDR ≤ `fdr` per evaluation). Firing restarts the
 * statistic; recovery is a separate condition on fresh data (hysteresis). Each monitor remembers
 * the last minute it evaluated: a minute already evaluated is skipped unchanged (idempotent), a
 * minute that is not the next one is refused (the caller replays the gap), so a crash or a
 * duplicate run can neither repeat nor skip a notification.
 */
import type { ResolvedRule } from "@pulse/catalogue";
import { PulseError } from "@pulse/kit";
import { benjaminiHochberg } from "@pulse/scoring";
import { METRICS, type Score } from "./metrics";
import { MINUTE, initialStat, planFor, read, restart, stepStat, type Baseline, type Reading, type StatState } from "./monitor";
import type { Tally } from "./tally";

export type Status = "ok" | "pending" | "firing" | "resolved" | "no_data";

export interface Evidence {
  readonly value: Score;
  readonly reference: Reading["reference"];
  readonly statistic: Reading["statistic"];
  readonly p: number;
  readonly since: number | null;
  readonly fdr: { readonly q: number; readonly monitors: number };
  /** added by the evaluator from the stored events (channel/segment contributions, topics, comments) */
  readonly context?: AlertContext;
}

export interface AlertContext {
  readonly window: { readonly from: number; readonly to: number };
  /** per channel and segment: n, the score, and its contribution n_g/n · (value_g − reference) */
  readonly breakdown: ReadonlyArray<{ readonly channel: string; readonly segment: string; readonly n: number; readonly value: number | null; readonly contribution: number | null }>;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly count: number }>;
  /** a few recent comments of the window, as stored (PII already redacted by the worker) */
  readonly comments: ReadonlyArray<{ readonly at: string; readonly text: string }>;
}

export interface Alert {
  readonly id: string;
  readonly tenant: string;
  readonly ruleId: string;
  readonly touchpoint: string;
  readonly metric: string;
  readonly kind: string;
  readonly severity: string;
  readonly status: "pending" | "firing" | "resolved";
  readonly pendingSince: number;
  readonly firedAt: number | null;
  readonly resolvedAt: number | null;
  readonly lastNotifiedAt: number | null;
  readonly ackedAt: number | null;
  readonly ackedBy: string | null;
  readonly evidence: Evidence;
}

export interface MonitorState {
  readonly v: 1;
  readonly status: Status;
  readonly lastMinute: number | null;
  readonly lastDataMinute: number | null;
  readonly stat: StatState;
  readonly alarmStreak: number;
  readonly recoverStreak: number;
  readonly alert: Alert | null;
  /** why the monitor cannot evaluate (no baseline), for no_data */
  readonly reason: string | null;
}

export interface Silence {
  readonly id: string;
  readonly ruleId?: string | undefined;
  readonly touchpoint?: string | undefined;
  readonly metric?: string | undefined;
  readonly startsAt: number;
  readonly endsAt: number;
}

export interface Notification {
  /** idempotency key: one per alert, kind and minute */
  readonly key: string;
  readonly type: "firing" | "renotify" | "resolved";
  readonly minute: number;
  readonly alert: Alert;
  /** a silence matched: recorded, not delivered */
  readonly silenced: boolean;
}

export interface MonitorInput {
  readonly rule: ResolvedRule;
  readonly baseline: Baseline | null;
  readonly tally: Tally;
  readonly state: MonitorState | null;
}

export interface MinuteResult {
  readonly states: ReadonlyArray<MonitorState>;
  readonly notifications: Notification[];
  /** monitors whose state changed (the others were already past this minute) */
  readonly evaluated: boolean[];
}

export class MinuteGapError extends PulseError {
  constructor(ruleId: string, touchpoint: string, last: number, minute: number) {
    super("alerting_minute_gap", `monitor ${ruleId}/${touchpoint} last evaluated ${new Date(last).toISOString()}, cannot evaluate ${new Date(minute).toISOString()} before the minutes between`, {
      details: { ruleId, touchpoint, last, minute },
    });
  }
}

export function initialMonitor(rule: ResolvedRule): MonitorState {
  return { v: 1, status: "ok", lastMinute: null, lastDataMinute: null, stat: initialStat(rule), alarmStreak: 0, recoverStreak: 0, alert: null, reason: null };
}

export function alertId(ruleId: string, touchpoint: string, pendingSince: number): string {
  return `${ruleId}~${touchpoint}~${Math.floor(pendingSince / MINUTE)}`;
}

export function silenced(silences: readonly Silence[], alert: Alert, minute: number): boolean {
  return silences.some(
    (s) =>
      s.startsAt <= minute &&
      minute < s.endsAt &&
      (s.ruleId === undefined || s.ruleId === alert.ruleId) &&
      (s.touchpoint === undefined || s.touchpoint === alert.touchpoint) &&
      (s.metric === undefined || s.metric === alert.metric),
  );
}

/** Acknowledge the open alert: its re-notifications stop; its resolution is still sent. */
export function acknowledge(state: MonitorState, by: string, at: number): MonitorState {
  if (!state.alert || state.alert.status === "resolved") return state;
  return { ...state, alert: { ...state.alert, ackedAt: state.alert.ackedAt ?? at, ackedBy: state.alert.ackedBy ?? by } };
}

/**
 * Evaluates one minute for every monitor of a tenant. `minute` is the epoch ms of the minute's start.
 */
export function evaluateMinute(input: {
  readonly tenant: string;
  readonly minute: number;
  readonly fdr: number;
  readonly monitors: readonly MonitorInput[];
  readonly silences?: readonly Silence[];
}): MinuteResult {
  const { tenant, minute, fdr } = input;
  if (minute % MINUTE !== 0) throw new PulseError("alerting_bad_minute", `minute must be a whole minute, got ${minute}`, { status: 400 });
  const silences = input.silences ?? [];
  const stepped = input.monitors.map((mi) => {
    const state = mi.state ?? initialMonitor(mi.rule);
    if (state.lastMinute !== null && minute <= state.lastMinute) return null;
    if (state.lastMinute !== null && minute !== state.lastMinute + MINUTE)
      throw new MinuteGapError(mi.rule.id, mi.rule.touchpoint, state.lastMinute, minute);
    const planned = planFor(mi.rule, mi.baseline);
    if ("unavailable" in planned) return { mi, state, plan: null, reason: planned.unavailable, stat: state.stat, reading: null };
    const stat = stepStat(mi.rule, planned.plan, state.stat, minute, mi.tally);
    return { mi, state, plan: planned.plan, reason: null, stat, reading: read(mi.rule, planned.plan, stat, minute) };
  });
  const live = stepped.flatMap((s, i) => (s?.reading ? [{ i, p: s.reading.p }] : []));
  const rejected = new Set<number>();
  if (live.length > 0) {
    const bh = benjaminiHochberg(live.map((l) => l.p), fdr);
    live.forEach((l, j) => {
      if (bh[j]) rejected.add(l.i);
    });
  }
  const notifications: Notification[] = [];
  const states = stepped.map((s, i) => {
    if (s === null) return input.monitors[i]!.state!;
    const { mi, state, plan, reading } = s;
    const rule = mi.rule;
    const hasData = rule.kind === "silence" || (plan !== null && plan.kind !== "silence" && plan.m.n(mi.tally) > 0);
    const lastDataMinute = hasData ? minute : state.lastDataMinute;
    const base = { ...state, lastMinute: minute, lastDataMinute, stat: s.stat, reason: s.reason };
    const noData = reading === null || (rule.kind !== "silence" && (lastDataMinute === null || minute - lastDataMinute >= rule.noDataMinutes * MINUTE));
    const evidence = (r: Reading, st: StatState): Evidence => ({
      value: rule.metric === "fcr" ? { value: null, n: 0, ci95: null } : METRICS[rule.metric].score(st.run),
      reference: r.reference,
      statistic: r.statistic,
      p: r.p,
      since: st.since,
      fdr: { q: fdr, monitors: live.length },
    });
    const notify = (type: Notification["type"], alert: Alert): void => {
      notifications.push({ key: `${tenant}:${alert.id}:${type}:${minute}`, type, minute, alert, silenced: silenced(silences, alert, minute) });
    };

    // A firing alert: only the recovery condition (on fresh data) ends it.
    if (state.alert?.status === "firing") {
      const rec = reading?.recovered ?? null;
      const recoverStreak = rec === null ? state.recoverStreak : rec ? state.recoverStreak + 1 : 0;
      if (recoverStreak >= rule.resolveMinutes) {
        const alert: Alert = { ...state.alert, status: "resolved", resolvedAt: minute };
        notify("resolved", alert);
        return { ...base, status: "resolved" as const, stat: restart(rule, s.stat), alarmStreak: 0, recoverStreak: 0, alert };
      }
      let alert = state.alert;
      if (rule.renotifyMinutes > 0 && alert.ackedAt === null && alert.lastNotifiedAt !== null && minute - alert.lastNotifiedAt >= rule.renotifyMinutes * MINUTE) {
        alert = { ...alert, lastNotifiedAt: minute };
        notify("renotify", alert);
      }
      return { ...base, status: "firing" as const, recoverStreak, alert };
    }

    const alarm = !noData && reading !== null && reading.alarm && rejected.has(i);
    if (!alarm) {
      return { ...base, status: noData ? ("no_data" as const) : ("ok" as const), alarmStreak: 0, recoverStreak: 0, alert: null };
    }
    const alarmStreak = state.alarmStreak + 1;
    const pendingSince = state.alert?.status === "pending" ? state.alert.pendingSince : minute;
    const pending: Alert = {
      id: alertId(rule.id, rule.touchpoint, pendingSince),
      tenant,
      ruleId: rule.id,
      touchpoint: rule.touchpoint,
      metric: rule.metric,
      kind: rule.kind,
      severity: rule.severity,
      status: "pending",
      pendingSince,
      firedAt: null,
      resolvedAt: null,
      lastNotifiedAt: null,
      ackedAt: null,
      ackedBy: null,
      evidence: evidence(reading, s.stat),
    };
    if (alarmStreak < Math.max(1, rule.forMinutes)) return { ...base, status: "pending" as const, alarmStreak, recoverStreak: 0, alert: pending };
    const firing: Alert = { ...pending, status: "firing", firedAt: minute, lastNotifiedAt: minute };
    notify("firing", firing);
    return { ...base, status: "firing" as const, stat: restart(rule, s.stat), alarmStreak, recoverStreak: 0, alert: firing };
  });
  return { states, notifications, evaluated: stepped.map((s) => s !== null) };
}
