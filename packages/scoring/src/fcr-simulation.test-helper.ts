/**
 * Individually simulated contacts for the FCR tests, and brute-force answers computed from them
 * one contact at a time (no cohorts, no histograms, no difference arrays). Test-only.
 *
 * Each (customer, topic) key contacts us as a renewal process: gaps are 0 (a tie) with prob. 0.03,
 * Exp(mean 2 h) with prob. 0.47, Exp(mean 10 days) otherwise. A contact's time to first repeat D is
 * the gap to the key's next contact, so the truth is
 *     P(D > x) = 0.47·e^{−x / 2h} + 0.50·e^{−x / 10d}     (x ≥ 0).
 * Every event reaches the worker after a delay uniform in [0, L].
 */
import type { FcrCohort } from "./fcr-cohorts";
import { mulberry32 } from "./prng.test-helper";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export type SimContact = {
  t: number;
  /** When the worker has the contact. */
  arrival: number;
  /** Time to the key's next contact; null when there is none (yet). */
  d: number | null;
  /** When the worker has that next contact; null when there is none. */
  repeatArrival: number | null;
};

export function trueSurvival(x: number): number {
  return 0.47 * Math.exp(-x / (2 * HOUR)) + 0.5 * Math.exp(-x / (10 * DAY));
}

export function simulateContacts(opts: {
  seed: number;
  now: number;
  keys: number;
  historyMs: number;
  latenessMs: number;
}): SimContact[] {
  const rand = mulberry32(opts.seed);
  const exp = (mean: number): number => Math.round(-Math.log(1 - rand()) * mean);
  const gap = (): number => {
    const u = rand();
    if (u < 0.03) return 0;
    return u < 0.5 ? exp(2 * HOUR) : exp(10 * DAY);
  };
  const delay = (): number => Math.floor(rand() * (opts.latenessMs + 1));
  const from = opts.now - opts.historyMs;
  const out: SimContact[] = [];
  for (let k = 0; k < opts.keys; k++) {
    // Keys start before the history so the stream is stationary inside it.
    let t = from - 20 * DAY + Math.floor(rand() * (opts.historyMs + 20 * DAY));
    const times: number[] = [];
    while (t <= opts.now) {
      times.push(t);
      t += gap();
    }
    const arrivals = times.map((x) => x + delay());
    times.forEach((ti, i) => {
      if (ti < from || arrivals[i]! > opts.now) return; // outside the history, or not arrived yet
      const next = times[i + 1];
      out.push({
        t: ti,
        arrival: arrivals[i]!,
        d: next === undefined ? null : next - ti,
        repeatArrival: next === undefined ? null : arrivals[i + 1]!,
      });
    });
  }
  return out;
}

/** What the worker's rollup holds at `now`: minute cohorts, histogram of ⌈D/bin⌉ for arrived repeats within W. */
export function cohortsOf(
  contacts: readonly SimContact[],
  p: { now: number; binMs: number; windowMs: number },
): FcrCohort[] {
  const byStart = new Map<number, { contacts: number; repeats: Map<number, number> }>();
  for (const c of contacts) {
    const start = Math.floor(c.t / p.binMs) * p.binMs;
    const cohort = byStart.get(start) ?? { contacts: 0, repeats: new Map<number, number>() };
    byStart.set(start, cohort);
    cohort.contacts++;
    if (c.d !== null && c.d <= p.windowMs && c.repeatArrival! <= p.now) {
      const bin = Math.ceil(c.d / p.binMs);
      cohort.repeats.set(bin, (cohort.repeats.get(bin) ?? 0) + 1);
    }
  }
  return [...byStart].map(([start, c]) => ({ start, ...c }));
}

/** A contact's own minute start (the cohort the rollup puts it in). */
export function minuteOf(t: number, binMs: number): number {
  return Math.floor(t / binMs) * binMs;
}
