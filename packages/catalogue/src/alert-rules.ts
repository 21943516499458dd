/**
 * Alert rules: part of the touchpoint catalogue, beside the targets they use. A rule says which
 * metric to watch, how (kind), at which touchpoints, and its statistical and notification
 * settings; every field has a default, and DEFAULT_ALERT_RULES apply to every touchpoint unless a
 * rule with the same id replaces or disables them.
 *
 * Kinds (the tests are in @pulse/scoring's `sequential`):
 * - target: the score is worse than its target, by an anytime-valid e-process (alarm at e ≥ 1/α);
 * - change: the score moved `shift` in the bad direction from the touchpoint's own baseline (the
 *   last `baselineDays`), by a CUSUM whose threshold gives one false alarm per `arlDays` on average;
 * - silence: the touchpoint's events fell far below their usual rate (Poisson, over `windowMinutes`).
 *
 * Units as the query service serves them: nps points (−100..100), csat_top2 percent (0..100),
 * ces the 1–7 mean, abandonment a share (0..1), complaint_rate complaints per 1,000 contacts,
 * wait seconds, volume events.
 */
import { z } from "zod";
import { Name } from "./names";

export const ALERT_METRICS = ["nps", "csat_top2", "ces", "fcr", "abandonment", "wait", "complaint_rate", "volume"] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const ALERT_KINDS = ["target", "change", "silence"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const SEVERITIES = ["critical", "warning", "info"] as const;

/** Which kinds each metric supports, and its range and default shift (in its units). */
export const METRIC_RULES: Record<AlertMetric, { kinds: readonly AlertKind[]; min: number; max: number; shift?: number; why?: string }> = {
  nps: { kinds: ["target", "change"], min: -100, max: 100, shift: 10 },
  csat_top2: { kinds: ["target", "change"], min: 0, max: 100, shift: 5 },
  ces: { kinds: ["target", "change"], min: 1, max: 7, shift: 0.5 },
  // FCR is known only per cohort once its repeat window has closed (fcr_contacts), not per minute.
  fcr: { kinds: [], min: 0, max: 1, why: "fcr is final only per closed cohort (7 days), so it cannot be monitored per minute yet" },
  abandonment: { kinds: ["target", "change"], min: 0, max: 1, shift: 0.05 },
  wait: { kinds: ["target", "change"], min: 0, max: 86_400, shift: 30 },
  complaint_rate: { kinds: ["target", "change"], min: 0, max: 1000, shift: 5 },
  volume: { kinds: ["silence"], min: 0, max: Number.MAX_SAFE_INTEGER },
};

export const AlertRule = z
  .strictObject({
    id: Name,
    metric: z.enum(ALERT_METRICS),
    kind: z.enum(ALERT_KINDS),
    /** touchpoints it applies to; every touchpoint when left out */
    touchpoints: z.array(Name).min(1).optional(),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES).default("warning"),
    /** target kind: the target in the metric's units; defaults to the touchpoint's catalogue target */
    target: z.number().optional(),
    /** error level: target e-process alarms at e ≥ 1/alpha; silence at p < alpha */
    alpha: z.number().gt(0).lt(0.5).optional(),
    /** observations (answers, calls) needed before a target or change alert can fire */
    minN: z.number().int().min(1).default(30),
    /** change kind: the shift to detect, in the metric's units (a magnitude; the bad direction is implied) */
    shift: z.number().positive().optional(),
    /** change kind: the in-control average run length, in days between false alarms */
    arlDays: z.number().positive().max(3650).default(30),
    /** change and silence: the days of history the baseline is estimated from */
    baselineDays: z.number().int().min(1).max(90).default(28),
    /** silence: the window the event count is taken over, and the least expected count to call silence */
    windowMinutes: z.number().int().min(5).max(1440).default(30),
    minExpected: z.number().positive().default(10),
    /** minutes the alarm must hold (and pass the tenant's FDR step) before firing */
    forMinutes: z.number().int().min(0).max(1440).default(2),
    /** minutes the recovery condition must hold before a firing alert resolves (hysteresis) */
    resolveMinutes: z.number().int().min(1).max(1440).default(30),
    /** minutes without observations before the state becomes no_data */
    noDataMinutes: z.number().int().min(1).max(10_080).default(360),
    /** minutes between repeated notifications of a still-firing alert (0: never repeat) */
    renotifyMinutes: z.number().int().min(0).max(10_080).default(240),
  })
  .superRefine((r, ctx) => {
    const m = METRIC_RULES[r.metric];
    if (!m.kinds.includes(r.kind))
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: m.why ?? `${r.kind} is not available for ${r.metric} (allowed: ${m.kinds.join(", ")})`,
      });
    if (r.target !== undefined && r.kind !== "target")
      ctx.addIssue({ code: "custom", path: ["target"], message: "is only used by kind target" });
    if (r.target !== undefined && !(r.target > m.min && r.target < m.max))
      ctx.addIssue({ code: "custom", path: ["target"], message: `must lie strictly between ${m.min} and ${m.max} for ${r.metric}` });
    if (r.shift !== undefined && r.kind !== "change")
      ctx.addIssue({ code: "custom", path: ["shift"], message: "is only used by kind change" });
    if (r.shift !== undefined && r.shift >= m.max - m.min)
      ctx.addIssue({ code: "custom", path: ["shift"], message: `must be smaller than the range of ${r.metric} (${m.max - m.min})` });
  });
export type AlertRuleInput = z.input<typeof AlertRule>;
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertsSection = z
  .strictObject({
    rules: z.array(AlertRule).default([]),
    /** the false discovery rate each evaluation of the tenant's monitors is held to */
    fdr: z.number().gt(0).lt(1).default(0.1),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `rule id "${r.id}" is used twice` });
      seen.add(r.id);
    });
  });
export type AlertsSection = z.infer<typeof AlertsSection>;

const d = (r: AlertRuleInput): AlertRule => AlertRule.parse(r);

/**
 * The rules every touchpoint gets: a target rule per score with a catalogue target (a target rule
 * without a target applies nowhere), a change rule per score, and silence on volume.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  d({ id: "nps_target", metric: "nps", kind: "target" }),
  d({ id: "nps_change", metric: "nps", kind: "change" }),
  d({ id: "csat_top2_target", metric: "csat_top2", kind: "target" }),
  d({ id: "csat_top2_change", metric: "csat_top2", kind: "change" }),
  d({ id: "ces_target", metric: "ces", kind: "target" }),
  d({ id: "ces_change", metric: "ces", kind: "change" }),
  d({ id: "abandonment_change", metric: "abandonment", kind: "change" }),
  d({ id: "wait_change", metric: "wait", kind: "change" }),
  d({ id: "complaint_rate_change", metric: "complaint_rate", kind: "change" }),
  d({ id: "volume_silence", metric: "volume", kind: "silence", severity: "critical" }),
];

/** A tenant's section over the shared one: rules merged by id (the tenant's wins), its fdr if set. */
export function mergeAlerts(shared: AlertsSection | undefined, tenant: AlertsSection | undefined): AlertsSection {
  const byId = new Map<string, AlertRule>();
  for (const r of shared?.rules ?? []) byId.set(r.id, r);
  for (const r of tenant?.rules ?? []) byId.set(r.id, r);
  return { rules: [...byId.values()], fdr: tenant?.fdr ?? shared?.fdr ?? 0.1 };
}

/** Catalogue target field of each score metric (the others carry their target in the rule). */
const CATALOGUE_TARGET = { nps: "nps", csat_top2: "csatTop2", ces: "ces", fcr: "fcr" } as const;

export interface ResolvedRule extends AlertRule {
  readonly touchpoint: string;
  /** the target in force (kind target only) */
  readonly resolvedTarget: number | null;
  /** the shift in force (kind change only) */
  readonly resolvedShift: number | null;
  readonly resolvedAlpha: number;
}

/**
 * The enabled rules for one touchpoint: DEFAULT_ALERT_RULES overlaid by the section's rules (same
 * id replaces, `enabled: false` removes), restricted to the rules naming this touchpoint (or none),
 * with target rules that have no target dropped. `targets` are the touchpoint's catalogue targets.
 */
export function rulesForTouchpoint(
  section: AlertsSection | undefined,
  touchpoint: string,
  targets: Readonly<Record<string, number | undefined>> | undefined,
): ResolvedRule[] {
  const byId = new Map<string, AlertRule>();
  for (const r of DEFAULT_ALERT_RULES) byId.set(r.id, r);
  for (const r of section?.rules ?? []) byId.set(r.id, r);
  const out: ResolvedRule[] = [];
  for (const r of byId.values()) {
    if (!r.enabled) continue;
    if (r.touchpoints && !r.touchpoints.includes(touchpoint)) continue;
    const field = (CATALOGUE_TARGET as Record<string, string | undefined>)[r.metric];
    const target = r.kind === "target" ? (r.target ?? (field ? targets?.[field] : undefined) ?? null) : null;
    if (r.kind === "target" && target === null) continue;
    out.push({
      ...r,
      touchpoint,
      resolvedTarget: target,
      resolvedShift: r.kind === "change" ? (r.shift ?? METRIC_RULES[r.metric].shift ?? null) : null,
      resolvedAlpha: r.alpha ?? (r.kind === "silence" ? 1e-6 : 0.01),
    });
  }
  return out;
}
