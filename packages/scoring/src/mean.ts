/** Means with Student-t intervals from (n, Σx, Σx²): CES, CSAT mean, wait and resolution times. */
import { symmetricInterval } from "./intervals";
import { tQuantile } from "./student-t";
import type { Interval, MomentStats } from "./types";
import { InvalidStatsError, assertCount, assertFinite } from "./validate";

export type MeanScore = {
  /** Same as `mean`: the headline number. */
  value: number | null;
  mean: number | null;
  n: number;
  /** Sample standard deviation s (n − 1 denominator); null when n < 2. */
  sd: number | null;
  /** Standard error s/√n; null when n < 2. */
  se: number | null;
  /** mean ± t_{0.975, n−1}·s/√n; null when n < 2. */
  ci95: Interval | null;
};

function assertMomentStats(s: MomentStats): void {
  assertCount("n", s.n);
  assertFinite("sum", s.sum);
  assertFinite("sumSq", s.sumSq);
  if (s.sumSq < 0) throw new InvalidStatsError(`sumSq must be ≥ 0, got ${s.sumSq}`);
}

/**
 * n·Σx² − (Σx)², which equals n·(n − 1)·s². When the sums are safe integers (integer scores and
 * whole seconds, which is what the rollups hold) it is computed exactly with BigInt. Otherwise
 * it is computed in floating point and a tiny negative left by cancellation is clamped to 0.
 */
function centredSumOfSquaresTimesN(s: MomentStats): number {
  if (Number.isSafeInteger(s.n) && Number.isSafeInteger(s.sum) && Number.isSafeInteger(s.sumSq)) {
    const v = BigInt(s.n) * BigInt(s.sumSq) - BigInt(s.sum) * BigInt(s.sum);
    if (v < 0n)
      throw new InvalidStatsError("n·Σx² < (Σx)²: the sums cannot come from real data", { ...s });
    return Number(v);
  }
  const v = s.n * s.sumSq - s.sum * s.sum;
  return v > 0 ? v : 0;
}

/** Sample variance s² = (n·Σx² − (Σx)²) / (n·(n − 1)); null when n < 2. */
export function sampleVariance(s: MomentStats): number | null {
  assertMomentStats(s);
  if (s.n < 2) return null;
  return centredSumOfSquaresTimesN(s) / s.n / (s.n - 1);
}

/** Mean with a t-interval: mean = Σx/n, CI = mean ± t_{0.975, n−1}·s/√n. n = 0 → all null. */
export function meanScore(stats: MomentStats): MeanScore {
  assertMomentStats(stats);
  const { n } = stats;
  if (n === 0) return { value: null, mean: null, n, sd: null, se: null, ci95: null };
  const mean = stats.sum / n;
  const variance = sampleVariance(stats);
  if (variance === null) return { value: mean, mean, n, sd: null, se: null, ci95: null };
  const sd = Math.sqrt(variance);
  const se = sd / Math.sqrt(n);
  const ci95 =
    se === 0 ? ([mean, mean] as const) : symmetricInterval(mean, se, tQuantile(0.975, n - 1));
  return { value: mean, mean, n, sd, se, ci95 };
}

/** CES: mean of the 1–7 "made it easy" answers (higher is better), with its t-interval. */
export function cesScore(stats: MomentStats): MeanScore {
  return meanScore(stats);
}
