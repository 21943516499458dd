/**
 * Exact quantiles from a histogram of counts per value (wait seconds), and the same definition on
 * raw values.
 *
 * Definition (one, everywhere): with N observations sorted ascending x₍₁₎ ≤ … ≤ x₍N₎,
 *   Q(q) = x₍r₎,  r = max(1, ⌈q·N⌉),  0 ≤ q ≤ 1,
 * i.e. the smallest observed x whose cumulative count reaches q·N (the inverse of the empirical CDF,
 * Hyndman–Fan type 1, numpy `method="inverted_cdf"`). q·N is formed in IEEE double exactly as
 * ClickHouse does, so the result equals ClickHouse `quantileExactWeighted(q)(value, count)` on the
 * histogram rollup and `quantileExactWeighted(q)(x, 1)` on raw rows. It is NOT `quantileExact`,
 * which takes x₍⌊q·N⌋+1₎ and so differs whenever q·N is a whole number (p50 of 10 values: we return
 * the 5th smallest, `quantileExact` the 6th).
 */
import { meanScore, type MeanScore } from "./mean";
import { InvalidStatsError, assertCount } from "./validate";

/** [value, count] pairs; a Map<value, count> is accepted as is. Values may repeat (counts add). */
export type Histogram = Iterable<readonly [value: number, count: number]>;

function assertLevel(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
}

/** The rank r = max(1, ⌈q·N⌉) of the definition above (1-based). */
export function quantileRank(n: number, q: number): number {
  assertLevel(q);
  return Math.max(1, Math.ceil(n * q));
}

function sortedPairs(hist: Histogram): { pairs: [number, number][]; total: number } {
  const pairs: [number, number][] = [];
  let total = 0;
  for (const [value, count] of hist) {
    if (!Number.isFinite(value))
      throw new InvalidStatsError(`histogram value must be finite, got ${value}`);
    assertCount("histogram count", count);
    // A zero count is no observation: it must not become the answer for q = 0.
    if (count > 0) {
      pairs.push([value, count]);
      total += count;
    }
  }
  if (!Number.isSafeInteger(total))
    throw new InvalidStatsError(`histogram total ${total} exceeds 2^53`);
  pairs.sort((a, b) => a[0] - b[0]);
  return { pairs, total };
}

/** Q(q) from [value, count] pairs; null when the histogram holds no observation. */
export function quantileFromHistogram(hist: Histogram, q: number): number | null {
  return quantilesFromHistogram(hist, [q])[0] ?? null;
}

/** Several levels in one pass over the sorted histogram (same definition). */
export function quantilesFromHistogram(hist: Histogram, qs: readonly number[]): (number | null)[] {
  const { pairs, total } = sortedPairs(hist);
  if (total === 0) return qs.map((q) => (assertLevel(q), null));
  return qs.map((q) => {
    const r = quantileRank(total, q);
    let cumulative = 0;
    for (const [value, count] of pairs) {
      cumulative += count;
      if (cumulative >= r) return value;
    }
    throw new Error("unreachable: rank exceeds total"); // r ≤ total because q ≤ 1
  });
}

/** Reference: Q(q) of raw values by sorting them; null for no values. */
export function quantileOfValues(values: readonly number[], q: number): number | null {
  assertLevel(q);
  if (values.some((v) => !Number.isFinite(v))) throw new InvalidStatsError("values must be finite");
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[quantileRank(sorted.length, q) - 1] ?? null;
}

/** Counts per distinct value. */
export function histogramOf(values: Iterable<number>): Map<number, number> {
  const h = new Map<number, number>();
  for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
  return h;
}

export type WaitTimeScore = MeanScore & { p50: number | null; p90: number | null };

/**
 * Wait time from the exact histogram of whole seconds: mean (with its t-interval, from the
 * histogram's n, Σx, Σx²), p50 and p90 by the definition above.
 */
export function waitTimeScore(hist: Histogram): WaitTimeScore {
  const { pairs } = sortedPairs(hist);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const [v, c] of pairs) {
    n += c;
    sum += v * c;
    sumSq += v * v * c;
  }
  const [p50 = null, p90 = null] = quantilesFromHistogram(pairs, [0.5, 0.9]);
  return { ...meanScore({ n, sum, sumSq }), p50, p90 };
}
