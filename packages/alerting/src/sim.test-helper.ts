/** Seeded generators of per-minute tallies with known truth (test-only). */
import { poissonSample as poisson, seededRandom as mulberry32 } from "@pulse/kit";
import type { Baseline } from "./monitor";
import { addTally, tallyOf, type Tally } from "./tally";

export { mulberry32, poisson };

export interface Truth {
  /** answers per minute (Poisson mean) */
  readonly rate: number;
  /** promoter and detractor probabilities */
  readonly promoter: number;
  readonly detractor: number;
}

/** One minute of NPS answers (each answer is also one event). */
export function npsMinute(rand: () => number, truth: Truth): Tally {
  const n = poisson(rand, truth.rate);
  let promoters = 0;
  let detractors = 0;
  for (let i = 0; i < n; i++) {
    const u = rand();
    if (u < truth.promoter) promoters++;
    else if (u < truth.promoter + truth.detractor) detractors++;
  }
  return tallyOf({ events: n, npsN: n, promoters, detractors });
}

/** A baseline from `days` of simulated history under `truth`. */
export function simulatedBaseline(rand: () => number, truth: Truth, days: number): Baseline {
  let tally = tallyOf({});
  for (let i = 0; i < days * 1440; i++) tally = addTally(tally, npsMinute(rand, truth));
  const perMinute = tally.events / (days * 1440);
  return { days, tally, eventsPerMinute: new Array<number>(168).fill(perMinute) };
}
