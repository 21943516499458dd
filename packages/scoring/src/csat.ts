/** CSAT: top-2-box share of 1–5 answers (4 or 5), with a Wilson interval, plus the mean. */
import { scaleInterval, wilsonInterval } from "./intervals";
import { meanScore } from "./mean";
import type { CsatStats, Interval } from "./types";
import { InvalidStatsError, assertCount } from "./validate";

export type CsatScore = {
  /** Same as `top2Box`: the headline number. */
  value: number | null;
  /** 100·top2/n, percent 0..100; null when n = 0. */
  top2Box: number | null;
  /** Wilson 95% interval of the top-2 share, in percent; null when n = 0. */
  ci95: Interval | null;
  n: number;
  top2: number;
  /** Σx/n on the 1–5 scale; null when n = 0. */
  mean: number | null;
  /** Sample standard deviation of the answers; null when n < 2. */
  sd: number | null;
  /** mean ± t_{0.975, n−1}·s/√n; null when n < 2. */
  meanCi95: Interval | null;
};

function assertCsatStats(s: CsatStats): void {
  assertCount("n", s.n);
  assertCount("top2", s.top2);
  if (s.top2 > s.n) throw new InvalidStatsError("top2 must be ≤ n", { ...s });
}

export function csatScore(stats: CsatStats): CsatScore {
  assertCsatStats(stats);
  const { n, top2 } = stats;
  const m = meanScore({ n, sum: stats.sum, sumSq: stats.sumSq });
  const top2Box = n === 0 ? null : (100 * top2) / n;
  return {
    value: top2Box,
    top2Box,
    ci95: scaleInterval(wilsonInterval(top2, n), 100),
    n,
    top2,
    mean: m.mean,
    sd: m.sd,
    meanCi95: m.ci95,
  };
}

/** Sufficient statistics of raw 1–5 answers. */
export function csatStatsOf(answers: Iterable<number>): CsatStats {
  const s = { n: 0, top2: 0, sum: 0, sumSq: 0 };
  for (const a of answers) {
    if (!Number.isInteger(a) || a < 1 || a > 5)
      throw new InvalidStatsError(`a CSAT answer is an integer 1–5, got ${a}`);
    s.n++;
    if (a >= 4) s.top2++;
    s.sum += a;
    s.sumSq += a * a;
  }
  return s;
}
