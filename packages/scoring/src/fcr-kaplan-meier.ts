/**
 * The censoring-aware early FCR estimate: Kaplan–Meier over the time to first repeat, in bins.
 *
 * Every contact of a cohort is at risk through its cohort's censoring bin c (see fcr-cohorts.ts),
 * capped at W/binMs; a repeat in bin b ≤ min(c, W/binMs) is an event at b. Repeats in bins above c
 * are left out: the same bin is not yet fully observed for the cohort's other contacts, so counting
 * them would mix complete and incomplete follow-up. With
 *     n_b = contacts at risk at the start of bin b,   d_b = first repeats in bin b,
 *     Ŝ(b) = Π_{j ≤ b} (n_j − d_j) / n_j                   P(no repeat within b·binMs)
 *     Greenwood:  V(b) = Σ_{j ≤ b, d_j > 0} d_j / (n_j (n_j − d_j)),   Var Ŝ(b) = Ŝ(b)² · V(b)
 * and the 95% interval on the log-log scale (Kalbfleisch–Prentice):
 *     Ŝ(b)^{exp(±z·√V(b) / ln Ŝ(b))}
 * which stays inside (0, 1) and keeps good coverage for survival near 1 and at modest n_b
 * (Borgan & Liestøl 1990), where a plain Ŝ ± z·SE leaves [0, 1] or undercovers.
 *
 * n_b only falls with b. The estimate is reported at the horizon h = the largest bin ≤ W/binMs with
 * n_h ≥ minAtRisk: beyond it too few contacts have been followed that long to say anything, so
 * 6 hours of data never yield a 7-day figure.
 */
import { prepareCohort, resolveFcrParams, type FcrCohort, type FcrParams } from "./fcr-cohorts";
import { wilsonInterval } from "./intervals";
import { requireInteger } from "./parameters";
import { Z95 } from "./special-functions";
import type { Interval } from "./types";

/**
 * Fewest contacts still at risk at the horizon. Below about 30 the Greenwood variance and the
 * normal approximation on the log-log scale are poor, and each further event moves the curve by
 * more than 3 points: the tail is noise (see the README for the reasoning).
 */
export const DEFAULT_MIN_AT_RISK = 30;

export type FcrKaplanMeierParams = FcrParams & {
  /** Minimum contacts at risk for a bin to be a horizon; default DEFAULT_MIN_AT_RISK. */
  minAtRisk?: number;
};

export type IntervalMethod = "log-log" | "wilson-no-repeats" | "wilson-all-repeated";

export type KaplanMeierStep = {
  bin: number;
  /** bin·binMs: Ŝ is P(no repeat within this many ms). */
  timeMs: number;
  atRisk: number;
  events: number;
  survival: number;
  /** Greenwood standard error of Ŝ; null when Ŝ = 0. */
  se: number | null;
  ci95: Interval;
  intervalMethod: IntervalMethod;
};

export type EarlyFcr = {
  /** Ŝ(h): the estimated share of contacts with no repeat within horizonMs; null without a horizon. */
  value: number | null;
  ci95: Interval | null;
  /** Greenwood standard error of value; null when value is null or 0. */
  se: number | null;
  /** h·binMs, the time the estimate speaks about; null when even bin 0 has too few at risk. */
  horizonMs: number | null;
  horizonBin: number | null;
  /** true iff h = W: the estimate is of FCR itself. */
  reachesWindow: boolean;
  /** n_h, contacts at risk at the horizon (n_0 when there is none). */
  atRisk: number;
  /** Σ d_b over b ≤ h. */
  events: number;
  /** Contacts of cohorts old enough to enter the estimate (c ≥ 0). */
  contacts: number;
  minAtRisk: number;
  intervalMethod: IntervalMethod | null;
};

type Table = {
  atRisk: Float64Array;
  events: Float64Array;
  contacts: number;
  binMs: number;
  windowBins: number;
};

/** n_b and d_b for b = 0..W/binMs, by difference arrays: O(cohorts + histogram entries + bins). */
function riskTable(cohorts: Iterable<FcrCohort>, params: FcrParams): Table {
  const p = resolveFcrParams(params);
  const w = p.windowBins;
  const change = new Float64Array(w + 2);
  const events = new Float64Array(w + 1);
  let contacts = 0;
  for (const cohort of cohorts) {
    const c = prepareCohort(cohort, p);
    if (c.censorBin < 0) continue;
    const last = Math.min(c.censorBin, w);
    contacts += c.contacts;
    change[0]! += c.contacts;
    change[last + 1]! -= c.contacts;
    for (const [bin, count] of c.withinWindow) {
      if (bin > last) break; // ascending: the rest are beyond this cohort's follow-up
      events[bin]! += count;
      // At risk through bin, gone from bin + 1 until the cohort's own end.
      change[bin + 1]! -= count;
      change[last + 1]! += count;
    }
  }
  const atRisk = new Float64Array(w + 1);
  let running = 0;
  for (let b = 0; b <= w; b++) {
    running += change[b]!;
    atRisk[b] = running;
  }
  return { atRisk, events, contacts, binMs: p.binMs, windowBins: w };
}

function horizonOf(t: Table, minAtRisk: number): number | null {
  let h: number | null = null;
  for (let b = 0; b <= t.windowBins && t.atRisk[b]! >= minAtRisk; b++) h = b;
  return h;
}

/**
 * The interval at a bin. Log-log needs 0 < Ŝ < 1; at the edges it is undefined and a binomial bound
 * from the contacts at risk there takes its place:
 *   Ŝ = 1 (no repeat yet): the n_b contacts followed through b all had none → [Wilson lower of n_b/n_b, 1];
 *   Ŝ = 0 (every contact at risk in bin b repeated there; only possible at the last bin with anyone
 *   at risk): S(b) ≤ P(no repeat in b | at risk) whose 0-of-n_b Wilson upper bound caps it → [0, that].
 * Both only use part of the data, so they are wider than needed, never narrower.
 */
function intervalAt(
  survival: number,
  greenwood: number,
  atRisk: number,
): { ci95: Interval; method: IntervalMethod } {
  if (survival >= 1)
    return { ci95: [wilsonInterval(atRisk, atRisk)![0], 1], method: "wilson-no-repeats" };
  if (survival <= 0)
    return { ci95: [0, wilsonInterval(0, atRisk)![1]], method: "wilson-all-repeated" };
  const logS = Math.log(survival);
  const spread = Math.exp((Z95 * Math.sqrt(greenwood)) / -logS);
  return { ci95: [survival ** spread, survival ** (1 / spread)], method: "log-log" };
}

function minAtRiskOf(params: FcrKaplanMeierParams): number {
  return requireInteger("minAtRisk", params.minAtRisk ?? DEFAULT_MIN_AT_RISK, "positive");
}

/** Walks bins 0..last, calling `visit` after each bin's factor is applied. */
function productLimit(
  t: Table,
  last: number,
  visit: (bin: number, survival: number, greenwood: number) => void,
): void {
  let survival = 1;
  let greenwood = 0;
  for (let b = 0; b <= last; b++) {
    const n = t.atRisk[b]!;
    const d = t.events[b]!;
    if (d > 0) {
      survival *= (n - d) / n;
      greenwood = n > d ? greenwood + d / (n * (n - d)) : Infinity;
    }
    visit(b, survival, greenwood);
  }
}

/**
 * Kaplan–Meier estimate of P(no repeat within h) at the horizon h it can honestly reach (see the
 * module comment), with Greenwood's standard error and the log-log interval.
 */
export function earlyFcr(cohorts: Iterable<FcrCohort>, params: FcrKaplanMeierParams): EarlyFcr {
  const minAtRisk = minAtRiskOf(params);
  const t = riskTable(cohorts, params);
  const h = horizonOf(t, minAtRisk);
  if (h === null)
    return {
      value: null,
      ci95: null,
      se: null,
      horizonMs: null,
      horizonBin: null,
      reachesWindow: false,
      atRisk: t.atRisk[0]!,
      events: 0,
      contacts: t.contacts,
      minAtRisk,
      intervalMethod: null,
    };
  let survival = 1;
  let greenwood = 0;
  let events = 0;
  productLimit(t, h, (b, s, g) => {
    survival = s;
    greenwood = g;
    events += t.events[b]!;
  });
  const { ci95, method } = intervalAt(survival, greenwood, t.atRisk[h]!);
  return {
    value: survival,
    ci95,
    se: survival > 0 ? survival * Math.sqrt(greenwood) : null,
    horizonMs: h * t.binMs,
    horizonBin: h,
    reachesWindow: h === t.windowBins,
    atRisk: t.atRisk[h]!,
    events,
    contacts: t.contacts,
    minAtRisk,
    intervalMethod: method,
  };
}

/**
 * The Kaplan–Meier curve up to the horizon: one step per bin with at least one repeat (Ŝ is flat
 * in between), for drawing. Empty when there is no horizon or no repeat before it.
 */
export function fcrKaplanMeierCurve(
  cohorts: Iterable<FcrCohort>,
  params: FcrKaplanMeierParams,
): KaplanMeierStep[] {
  const minAtRisk = minAtRiskOf(params);
  const t = riskTable(cohorts, params);
  const h = horizonOf(t, minAtRisk);
  const steps: KaplanMeierStep[] = [];
  if (h === null) return steps;
  productLimit(t, h, (b, survival, greenwood) => {
    const events = t.events[b]!;
    if (events === 0) return;
    const atRisk = t.atRisk[b]!;
    const { ci95, method } = intervalAt(survival, greenwood, atRisk);
    steps.push({
      bin: b,
      timeMs: b * t.binMs,
      atRisk,
      events,
      survival,
      se: survival > 0 ? survival * Math.sqrt(greenwood) : null,
      ci95,
      intervalMethod: method,
    });
  });
  return steps;
}
