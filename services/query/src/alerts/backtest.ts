/**
 * `pulse alerts backtest`: replays alert evaluation minute by minute over stored rollups with the
 * live evaluator's code (evaluateSpan, from empty states), optionally with other rules, and lists
 * every notification that would have been sent, with its evidence.
 */
import { AlertsSection, CatalogueError, type TouchpointCatalogue } from "@pulse/catalogue";
import type { Reader } from "@pulse/clickhouse";
import type { Notification } from "@pulse/alerting";
import { err, ok, type Result } from "@pulse/kit";
import { evaluateSpan } from "./evaluate-span";

/** A rules file: the catalogue's `alerts` section ({ rules, fdr }), validated with the same schema. */
export function parseRulesFile(text: string): Result<AlertsSection, CatalogueError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(new CatalogueError([`(root): not valid JSON (${(e as Error).message})`]));
  }
  const r = AlertsSection.safeParse(json);
  if (r.success) return ok(r.data);
  return err(new CatalogueError(r.error.issues.map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)));
}

export async function runBacktest(opts: {
  readonly reader: Reader;
  readonly tenant: string;
  readonly catalogue: TouchpointCatalogue;
  readonly from: number;
  readonly to: number;
  readonly rules?: AlertsSection | undefined;
}): Promise<{ notifications: Notification[]; minutes: number }> {
  const catalogue = opts.rules ? { ...opts.catalogue, alerts: opts.rules, tenants: {} } : opts.catalogue;
  const r = await evaluateSpan({ reader: opts.reader, tenant: opts.tenant, catalogue, from: opts.from, to: opts.to, states: new Map() });
  return { notifications: r.notifications, minutes: r.minutes };
}

const iso = (ms: number | null): string => (ms === null ? "—" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));
const fmt = (v: number | null): string => (v === null ? "—" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

/** One line per notification: when, what, where, the value with n and interval, the statistic. */
export function formatBacktest(ns: readonly Notification[]): string {
  const lines = ns.map((n) => {
    const a = n.alert;
    const e = a.evidence;
    const ci = e.value.ci95 ? ` [${fmt(e.value.ci95[0])}, ${fmt(e.value.ci95[1])}]` : "";
    return `${iso(n.minute)}  ${n.type.padEnd(8)} ${a.severity.padEnd(8)} ${a.touchpoint}  ${a.ruleId}  value ${fmt(e.value.value)}${ci} n=${e.value.n}  ${e.reference.kind} ${fmt(e.reference.value)}  ${e.statistic.name} ${fmt(e.statistic.value)} ≥ ${fmt(e.statistic.threshold)}  since ${iso(e.since)}${n.silenced ? "  (silenced)" : ""}`;
  });
  const firing = ns.filter((n) => n.type === "firing").length;
  return `${lines.join("\n")}${lines.length ? "\n" : ""}${firing} alert(s) fired, ${ns.length} notification(s)\n`;
}
