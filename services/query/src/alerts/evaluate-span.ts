/**
 * Replays alert evaluation minute by minute over stored rollups: the one loop both the live
 * evaluator and `pulse alerts backtest` run, so they give the same alerts on the same data.
 */
import { catalogueForTenant, rulesForTouchpoint, targetsFor, type AlertsSection, type ResolvedRule, type TouchpointCatalogue } from "@pulse/catalogue";
import type { Reader } from "@pulse/clickhouse";
import { EMPTY_TALLY, MINUTE, evaluateMinute, type Baseline, type MonitorState, type Notification, type Silence } from "@pulse/alerting";
import { monitorKey } from "./alert-store";
import { DAY_MS, readAlertContext, readBaselines, readMinuteTallies } from "./alerts.sql";

export interface SpanResult {
  readonly states: Map<string, MonitorState>;
  readonly changed: Set<string>;
  readonly notifications: Notification[];
  readonly minutes: number;
}

/** The tenant's rules for every touchpoint it knows or has data for, in a fixed order. */
export function monitorsFor(cat: TouchpointCatalogue, section: AlertsSection | undefined, touchpoints: Iterable<string>): ResolvedRule[] {
  const tps = [...new Set([...Object.keys(cat.touchpoints), ...touchpoints])].sort();
  return tps.flatMap((tp) => rulesForTouchpoint(section, tp, targetsFor(cat, tp) as Record<string, number | undefined> | undefined).sort((a, b) => a.id.localeCompare(b.id)));
}

/**
 * Evaluates [from, to) (whole minutes) for one tenant, starting from `states` (not mutated).
 * Days are read one at a time: each day's baselines come from the whole days before it.
 */
export async function evaluateSpan(opts: {
  readonly reader: Reader;
  readonly tenant: string;
  readonly catalogue: TouchpointCatalogue;
  readonly from: number;
  readonly to: number;
  readonly states: ReadonlyMap<string, MonitorState>;
  readonly silences?: readonly Silence[];
}): Promise<SpanResult> {
  const { reader, tenant } = opts;
  const cat = catalogueForTenant(opts.catalogue, tenant);
  const section = cat.alerts;
  const fdr = section?.fdr ?? 0.1;
  const states = new Map(opts.states);
  const changed = new Set<string>();
  const notifications: Notification[] = [];
  let minutes = 0;
  for (let dayFrom = opts.from; dayFrom < opts.to; ) {
    const dayStart = Math.floor(dayFrom / DAY_MS) * DAY_MS;
    const dayTo = Math.min(opts.to, dayStart + DAY_MS);
    const rulesAll = monitorsFor(cat, section, []);
    const baselineDays = new Set<number>([28, ...rulesAll.map((r) => r.baselineDays), ...(section?.rules ?? []).map((r) => r.baselineDays)]);
    const baselines = new Map<number, Map<string, Baseline>>();
    for (const d of baselineDays) baselines.set(d, await readBaselines(reader, tenant, dayStart, d));
    const tallies = await readMinuteTallies(reader, tenant, dayFrom, dayTo);
    const seen = new Set<string>([...tallies.keys(), ...baselines.get(28)!.keys()]);
    const rules = monitorsFor(cat, section, seen);
    for (let minute = dayFrom; minute < dayTo; minute += MINUTE) {
      const r = evaluateMinute({
        tenant,
        minute,
        fdr,
        silences: opts.silences ?? [],
        monitors: rules.map((rule) => ({
          rule,
          baseline: baselines.get(rule.baselineDays)?.get(rule.touchpoint) ?? null,
          tally: tallies.get(rule.touchpoint)?.get(minute) ?? EMPTY_TALLY,
          state: states.get(monitorKey(rule.id, rule.touchpoint)) ?? null,
        })),
      });
      rules.forEach((rule, i) => {
        if (!r.evaluated[i]) return;
        const k = monitorKey(rule.id, rule.touchpoint);
        states.set(k, r.states[i]!);
        changed.add(k);
      });
      for (const n of r.notifications) {
        if (n.type !== "firing") {
          notifications.push(n);
          continue;
        }
        // explain it from the stored events: the statistic's run (at least the last hour)
        const from = Math.min(n.alert.evidence.since ?? minute, minute - 59 * MINUTE);
        const context = await readAlertContext(reader, tenant, n.alert, from, minute + MINUTE);
        const alert = { ...n.alert, evidence: { ...n.alert.evidence, context } };
        notifications.push({ ...n, alert });
        const k = monitorKey(n.alert.ruleId, n.alert.touchpoint);
        const st = states.get(k);
        if (st?.alert?.id === alert.id) states.set(k, { ...st, alert });
      }
      minutes++;
    }
    dayFrom = dayTo;
  }
  return { states, changed, notifications, minutes };
}
