/**
 * Merging sufficient statistics. Every stat shape in this package is a record of counts and sums,
 * so merging two windows or groups is field-wise addition, and it is exact: integer counts and
 * sums of integer scores or whole seconds stay exact in doubles below 2^53.
 */
import type { Histogram } from "./quantiles";
import { InvalidStatsError, assertCount } from "./validate";

type NumericRecord<T> = { [K in keyof T]: number };

/** a + b field by field (NpsStats, CsatStats, MomentStats, RateStats, ComplaintStats, ResolutionStats). */
export function mergeStats<T extends NumericRecord<T>>(a: T, b: T): T {
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.join() !== keysB.join())
    throw new InvalidStatsError(
      `cannot merge stats with different fields: [${keysA.join()}] vs [${keysB.join()}]`,
    );
  const out: Record<string, number> = {};
  for (const k of keysA) {
    const x = (a as Record<string, number>)[k] ?? 0;
    const y = (b as Record<string, number>)[k] ?? 0;
    out[k] = x + y;
  }
  return out as T;
}

/** Sum of many (fold of mergeStats); `empty` is the all-zero value returned for an empty list. */
export function mergeAllStats<T extends NumericRecord<T>>(list: readonly T[], empty: T): T {
  return list.reduce((acc, s) => mergeStats(acc, s), empty);
}

/** Histograms merge by adding the counts of equal values. */
export function mergeHistograms(...hists: Histogram[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const h of hists) {
    for (const [v, c] of h) {
      assertCount("histogram count", c);
      out.set(v, (out.get(v) ?? 0) + c);
    }
  }
  return out;
}
