import { poissonSample, seededRandom } from "@pulse/kit";

/** Seeded PRNG for reproducible random test data (mulberry32). Test-only; not exported. */
export const mulberry32 = seededRandom;

/** Integers uniform in [lo, hi]. */
export function randomInts(rand: () => number, count: number, lo: number, hi: number): number[] {
  return Array.from({ length: count }, () => lo + Math.floor(rand() * (hi - lo + 1)));
}

/** Poisson(mu) by Knuth's method (small means). */
export const poisson = poissonSample;
