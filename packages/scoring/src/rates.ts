/** Shares and rates: FCR, abandonment, complaint rate, time to resolve. */
import { poissonInterval, scaleInterval, wilsonInterval } from "./intervals";
import { meanScore } from "./mean";
import type { ComplaintStats, Interval, RateStats, ResolutionStats } from "./types";
import { InvalidStatsError, assertCount, assertFinite } from "./validate";

export type RateScore = {
  /** successes/n as a share 0..1 (multiply by 100 for percent); null when n = 0. */
  value: number | null;
  successes: number;
  n: number;
  /** Wilson 95% interval of the share; null when n = 0. */
  ci95: Interval | null;
};

export function assertRateStats(s: RateStats): void {
  assertCount("successes", s.successes);
  assertCount("n", s.n);
  if (s.successes > s.n) throw new InvalidStatsError("successes must be ≤ n", { ...s });
}

/**
 * A binomial share with its Wilson interval. FCR: successes = contacts resolved at first contact,
 * n = contacts. Abandonment: successes = abandoned calls, n = offered calls (lower is better).
 */
export function rate(stats: RateStats): RateScore {
  assertRateStats(stats);
  const { successes, n } = stats;
  return {
    value: n === 0 ? null : successes / n,
    successes,
    n,
    ci95: wilsonInterval(successes, n),
  };
}

export type ComplaintRateScore = {
  /** 1000·complaints/contacts; null when contacts = 0. */
  value: number | null;
  complaints: number;
  contacts: number;
  /** Exact Poisson (Garwood) 95% interval of the count, scaled the same way; null when contacts = 0. */
  ci95: Interval | null;
};

/** Complaints per 1,000 contacts, treating the complaint count as Poisson given the contacts. */
export function complaintRate(stats: ComplaintStats): ComplaintRateScore {
  assertCount("complaints", stats.complaints);
  assertCount("contacts", stats.contacts);
  const { complaints, contacts } = stats;
  if (contacts === 0) return { value: null, complaints, contacts, ci95: null };
  const k = 1000 / contacts;
  return {
    value: complaints * k,
    complaints,
    contacts,
    ci95: scaleInterval(poissonInterval(complaints), k),
  };
}

export type DurationScore = {
  /** Mean in hours; null when n = 0. */
  value: number | null;
  n: number;
  /** Sample standard deviation in hours; null when n < 2. */
  sd: number | null;
  /** t-interval of the mean, in hours; null when n < 2. */
  ci95: Interval | null;
};

/**
 * Mean time to resolve complaints, in hours, from n, Σ seconds, Σ seconds². The t-interval is
 * computed on seconds (exactly, when the sums are whole seconds) and then divided by 3600.
 */
export function meanHoursToResolve(stats: ResolutionStats): DurationScore {
  assertFinite("sumSeconds", stats.sumSeconds);
  const m = meanScore({ n: stats.n, sum: stats.sumSeconds, sumSq: stats.sumSqSeconds });
  const hours = (seconds: number): number => seconds / 3600;
  return {
    value: m.mean === null ? null : hours(m.mean),
    n: m.n,
    sd: m.sd === null ? null : hours(m.sd),
    ci95: m.ci95 === null ? null : [hours(m.ci95[0]), hours(m.ci95[1])],
  };
}
