/**
 * Rollup statistics → scores. Every number comes from @pulse/scoring; this module only maps the
 * rollup's column names onto the package's sufficient-statistics shapes and shapes the response.
 */
import {
  cesScore,
  complaintRate,
  csatScore,
  meanScore,
  npsScore,
  quantilesFromHistogram,
  fcrScores,
  rate,
  targetGap,
  type FcrCohort,
  type FcrKaplanMeierParams,
  type CsatStats,
  type Interval,
  type MomentStats,
  type NpsStats,
  type RateStats,
  type TargetGap,
} from "@pulse/scoring";
import { emptyValues, scoreInput } from "@pulse/rollups";
import type { TouchpointTargets } from "./catalogue";
import { expectationGapView, type ExpectationGapView } from "./expectation-gap-fns";
import type { StatsRow } from "./rollup.sql";

export type GroupScores = {
  nps: { value: number | null; n: number; promoters: number; passives: number; detractors: number; ci95: Interval | null };
  /** top2Box and its Wilson ci95 in percent; mean on the 1–5 scale. */
  csat: { top2Box: number | null; mean: number | null; n: number; ci95: Interval | null };
  ces: { mean: number | null; n: number; ci95: Interval | null };
  fcr: FcrReport;
  waitSeconds: { mean: number | null; p50: number | null; p90: number | null; n: number; ci95: Interval | null };
  /** Share 0..1 of offered calls that were abandoned. */
  abandonment: { value: number | null; n: number; ci95: Interval | null };
  complaints: {
    opened: number;
    resolved: number;
    contacts: number;
    per1000Contacts: number | null;
    per1000Ci95: Interval | null;
    /** resolve_ms_sum / resolve_n in hours (the rollups keep no Σ² of it, so no interval). */
    meanHoursToResolve: number | null;
  };
  volume: { events: number; contacts: number };
  /** Experience − expectation per survey answer (see expectation-gap-fns.ts). */
  expectationGap: ExpectationGapView;
};

/**
 * First-contact resolution (@pulse/scoring fcrScores over the group's cohorts). `value`, `n`,
 * `ci95` are the closed-window FCR (final verdicts only, a share 0..1 with its Wilson interval);
 * `pending` counts contacts whose window is still open (never a rate); `early` is the
 * Kaplan–Meier estimate of P(no repeat within horizonMs), with the horizon it can reach.
 */
export type FcrReport = {
  value: number | null;
  n: number;
  ci95: Interval | null;
  resolved: number;
  repeated: number;
  pending: { contacts: number; knownUnresolved: number };
  early: {
    value: number | null;
    ci95: Interval | null;
    horizonHours: number | null;
    reachesWindow: boolean;
    atRisk: number;
    events: number;
    contacts: number;
  };
  windowDays: number;
  allowedLatenessMinutes: number;
};

/** What FCR needs besides the cohorts: the evaluation time, the worker's lateness L and the window W. */
export type FcrSettings = { now: number; allowedLatenessMs: number; windowMs: number; minAtRisk?: number };

export type TargetsReport = Partial<Record<"nps" | "csatTop2" | "ces" | "fcr", TargetGap>>;

// The mapping from rollup columns to @pulse/scoring's inputs is declared with the statistics
// (@pulse/rollups `feeds`); these functions only add what is derived (passives).
export function npsStats(r: StatsRow): NpsStats {
  const s = scoreInput(r, "nps");
  return { ...s, passives: s.n - s.promoters - s.detractors };
}
export function csatStats(r: StatsRow): CsatStats {
  return scoreInput(r, "csat");
}
export function cesStats(r: StatsRow): MomentStats {
  return scoreInput(r, "ces");
}
/** Wait moments in seconds: Σ comes from the exact millisecond sum, Σ² from its own column. */
export function waitStats(r: StatsRow): MomentStats {
  return scoreInput(r, "wait");
}
/**
 * The group's cohorts, one per bucket: rows of the same bucket (other dimension values, parts not
 * merged yet) are summed, which is exact. A bin whose sum is negative can only be seen while a
 * correction is half visible (a replay between its delete and its reconciliation): it is read as 0.
 */
export function fcrCohorts(r: StatsRow): FcrCohort[] {
  const byStart = new Map<string, { start: number; widthMs: number; contacts: number; bins: Map<number, number> }>();
  for (const [start, width, n, hist] of r.fcr_cohorts ?? []) {
    const id = `${start}/${width}`;
    const c = byStart.get(id) ?? { start: Number(start) * 1000, widthMs: Number(width) * 1000, contacts: 0, bins: new Map<number, number>() };
    c.contacts += Number(n);
    for (const [bin, count] of Object.entries(hist ?? {})) c.bins.set(Number(bin), (c.bins.get(Number(bin)) ?? 0) + Number(count));
    byStart.set(id, c);
  }
  return [...byStart.values()].map((c) => {
    const repeats = [...c.bins].filter(([, v]) => v > 0);
    const total = repeats.reduce((s, [, v]) => s + v, 0);
    // Same transient: a contact's +1 may be visible before the contact itself; never more repeats than contacts.
    return { start: c.start, widthMs: c.widthMs, contacts: Math.max(c.contacts, total), repeats };
  });
}

export function fcrReport(r: StatsRow, settings: FcrSettings): FcrReport {
  const params: FcrKaplanMeierParams = {
    now: settings.now,
    allowedLatenessMs: settings.allowedLatenessMs,
    windowMs: settings.windowMs,
    ...(settings.minAtRisk !== undefined ? { minAtRisk: settings.minAtRisk } : {}),
  };
  const f = fcrScores(fcrCohorts(r), params);
  return {
    value: f.closed.value,
    n: f.closed.n,
    ci95: f.closed.ci95,
    resolved: f.closed.resolved,
    repeated: f.closed.repeated,
    pending: f.pending,
    early: {
      value: f.early.value,
      ci95: f.early.ci95,
      horizonHours: f.early.horizonMs === null ? null : f.early.horizonMs / 3_600_000,
      reachesWindow: f.early.reachesWindow,
      atRisk: f.early.atRisk,
      events: f.early.events,
      contacts: f.early.contacts,
    },
    windowDays: settings.windowMs / 86_400_000,
    allowedLatenessMinutes: settings.allowedLatenessMs / 60_000,
  };
}

/** Closed-window FCR as a proportion (final verdicts only), for two-sample tests. */
export function fcrStats(f: FcrReport): RateStats {
  return { successes: f.resolved, n: f.n };
}
export function abandonmentStats(r: StatsRow): RateStats {
  return scoreInput(r, "abandonment");
}
export function waitHistogram(r: StatsRow): [number, number][] {
  return Object.entries(scoreInput(r, "waitQuantiles").histogram ?? {}).map(([k, v]) => [Number(k), Number(v)]);
}

export function scoreGroup(r: StatsRow, fcrSettings: FcrSettings): GroupScores {
  const nps = npsScore(npsStats(r));
  const csat = csatScore(csatStats(r));
  const ces = cesScore(cesStats(r));
  const fcr = fcrReport(r, fcrSettings);
  const abandonment = rate(abandonmentStats(r));
  const wait = meanScore(waitStats(r));
  const [p50 = null, p90 = null] = quantilesFromHistogram(waitHistogram(r), [0.5, 0.9]);
  const c = scoreInput(r, "complaints");
  const complaints = complaintRate({ complaints: c.complaints, contacts: c.contacts });
  const resolve = scoreInput(r, "resolveTime");
  const volume = scoreInput(r, "volume");
  return {
    nps: { value: nps.value, n: nps.n, promoters: nps.promoters, passives: nps.passives, detractors: nps.detractors, ci95: nps.ci95 },
    csat: { top2Box: csat.top2Box, mean: csat.mean, n: csat.n, ci95: csat.ci95 },
    ces: { mean: ces.mean, n: ces.n, ci95: ces.ci95 },
    fcr,
    waitSeconds: { mean: wait.mean, p50, p90, n: wait.n, ci95: wait.ci95 },
    abandonment: { value: abandonment.value, n: abandonment.n, ci95: abandonment.ci95 },
    complaints: {
      opened: c.complaints,
      resolved: c.resolved,
      contacts: c.contacts,
      per1000Contacts: complaints.value,
      per1000Ci95: complaints.ci95,
      meanHoursToResolve: resolve.n > 0 ? resolve.sum / resolve.n : null,
    },
    volume,
    expectationGap: expectationGapView(r),
  };
}

/**
 * Gap to each target the catalogue sets, with the significance of a miss (the score's own 95%
 * interval lies wholly below the target: see @pulse/scoring targetGap). Units: NPS points, CSAT
 * top-2 in percent, CES on its 1–7 scale, FCR as a share 0..1.
 */
export function targetReport(s: GroupScores, targets: TouchpointTargets | undefined): TargetsReport | null {
  if (!targets) return null;
  const out: TargetsReport = {};
  if (targets.nps !== undefined) out.nps = targetGap({ value: s.nps.value, ci95: s.nps.ci95 }, targets.nps);
  if (targets.csatTop2 !== undefined) out.csatTop2 = targetGap({ value: s.csat.top2Box, ci95: s.csat.ci95 }, targets.csatTop2);
  if (targets.ces !== undefined) out.ces = targetGap({ value: s.ces.mean, ci95: s.ces.ci95 }, targets.ces);
  if (targets.fcr !== undefined) out.fcr = targetGap({ value: s.fcr.value, ci95: s.fcr.ci95 }, targets.fcr);
  return Object.keys(out).length > 0 ? out : null;
}

/** An all-zero row: the statistics of a group that had no data in a period. */
export function emptyStats(): StatsRow {
  return { ...emptyValues(), fcr_cohorts: [] };
}
