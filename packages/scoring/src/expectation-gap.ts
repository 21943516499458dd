/**
 * Expectation vs experience: survey answers that carry both `expectation` and `experience` (1–5).
 * Per answer, gap = experience − expectation (−4..4), paired: the mean gap is a one-sample mean of
 * the per-answer gaps, so its interval is the paired t-interval (not a two-sample one), which is
 * why Σgap and Σgap² are kept beside the two marginal sums.
 */
import { wilsonInterval } from "./intervals";
import { meanScore, type MeanScore } from "./mean";
import { SIGNIFICANCE_LEVEL } from "./compare";
import { tTwoSidedP } from "./student-t";
import type { Interval } from "./types";
import { InvalidStatsError, assertCount, assertFinite } from "./validate";

/** Sufficient statistics over answers with both values; every field adds when windows merge. */
export type ExpectationGapStats = {
  /** Answers with both expectation and experience. */
  n: number;
  sumExpectation: number;
  sumSqExpectation: number;
  sumExperience: number;
  sumSqExperience: number;
  /** Σ (experience − expectation). */
  sumGap: number;
  sumSqGap: number;
  /** Answers where experience < expectation. */
  short: number;
};

/**
 * The statistics by name and the rollup column each is stored in, declared once so the rollup
 * migration and the query service use the same names. Each column is a plain sum over answers
 * that have both values (the README gives the SQL of each).
 */
export const EXPECTATION_GAP_COLUMNS = {
  n: "gap_n",
  sumExpectation: "expectation_sum",
  sumSqExpectation: "expectation_sum_sq",
  sumExperience: "experience_sum",
  sumSqExperience: "experience_sum_sq",
  sumGap: "gap_sum",
  sumSqGap: "gap_sum_sq",
  short: "gap_short",
} as const satisfies Record<keyof ExpectationGapStats, string>;

export const EMPTY_EXPECTATION_GAP_STATS: ExpectationGapStats = {
  n: 0,
  sumExpectation: 0,
  sumSqExpectation: 0,
  sumExperience: 0,
  sumSqExperience: 0,
  sumGap: 0,
  sumSqGap: 0,
  short: 0,
};

function assertAnswer(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 5)
    throw new InvalidStatsError(`${name} is an integer 1–5, got ${v}`, { [name]: v });
}

/** One answer's contribution (what the materialized view adds per row). */
export function expectationGapContribution(
  expectation: number,
  experience: number,
): ExpectationGapStats {
  assertAnswer("expectation", expectation);
  assertAnswer("experience", experience);
  const gap = experience - expectation;
  return {
    n: 1,
    sumExpectation: expectation,
    sumSqExpectation: expectation * expectation,
    sumExperience: experience,
    sumSqExperience: experience * experience,
    sumGap: gap,
    sumSqGap: gap * gap,
    short: gap < 0 ? 1 : 0,
  };
}

/** Sufficient statistics of raw answers; answers missing either value are skipped. */
export function expectationGapStatsOf(
  answers: Iterable<{ expectation?: number | null; experience?: number | null }>,
): ExpectationGapStats {
  const s = { ...EMPTY_EXPECTATION_GAP_STATS };
  for (const a of answers) {
    if (a.expectation == null || a.experience == null) continue;
    const c = expectationGapContribution(a.expectation, a.experience);
    for (const k of Object.keys(s) as (keyof ExpectationGapStats)[]) s[k] += c[k];
  }
  return s;
}

function assertExpectationGapStats(s: ExpectationGapStats): void {
  assertCount("n", s.n);
  assertCount("short", s.short);
  for (const k of [
    "sumExpectation",
    "sumSqExpectation",
    "sumExperience",
    "sumSqExperience",
    "sumGap",
    "sumSqGap",
  ] as const)
    assertFinite(k, s[k]);
  if (s.short > s.n) throw new InvalidStatsError("short must be ≤ n", { ...s });
  // Answers are 1–5 and gaps −4..4: sums outside these bounds cannot come from real answers.
  const within = (v: number, lo: number, hi: number) => v >= lo * s.n && v <= hi * s.n;
  if (
    !within(s.sumExpectation, 1, 5) ||
    !within(s.sumExperience, 1, 5) ||
    !within(s.sumGap, -4, 4) ||
    !within(s.sumSqGap, 0, 16)
  )
    throw new InvalidStatsError("expectation/experience sums outside what 1–5 answers allow", {
      ...s,
    });
  // Σgap is Σexperience − Σexpectation answer by answer; the rollup must agree with itself.
  if (Math.abs(s.sumGap - (s.sumExperience - s.sumExpectation)) > 1e-9 * Math.max(1, s.n))
    throw new InvalidStatsError("sumGap must equal sumExperience − sumExpectation", { ...s });
}

export type ExpectationGapScore = {
  /** The mean gap (experience − expectation); null when n = 0. Negative: experience fell short. */
  value: number | null;
  /** Paired t-interval of the mean gap; null when n < 2. */
  ci95: Interval | null;
  n: number;
  expectation: MeanScore;
  experience: MeanScore;
  /** The mean gap with sd, se and its t-interval (the same numbers as value and ci95). */
  gap: MeanScore & {
    /** Two-sided p of the paired t-test of mean gap = 0; null when n < 2 or sd = 0. */
    pValue: number | null;
    significant: boolean;
  };
  /** Share of answers where experience < expectation, with its Wilson interval. */
  shortfall: { value: number | null; count: number; n: number; ci95: Interval | null };
};

/**
 *   mean expectation, mean experience: Σx/n with t-intervals (as for CES)
 *   mean gap ḡ = Σgap/n,  s_g² = (n·Σgap² − (Σgap)²)/(n(n − 1)),  CI = ḡ ± t_{0.975, n−1}·s_g/√n
 *   t = ḡ/(s_g/√n), p = 2·P(T_{n−1} > |t|)
 *   shortfall = short/n with the Wilson interval
 */
export function expectationGapScore(stats: ExpectationGapStats): ExpectationGapScore {
  assertExpectationGapStats(stats);
  const { n } = stats;
  const expectation = meanScore({ n, sum: stats.sumExpectation, sumSq: stats.sumSqExpectation });
  const experience = meanScore({ n, sum: stats.sumExperience, sumSq: stats.sumSqExperience });
  const g = meanScore({ n, sum: stats.sumGap, sumSq: stats.sumSqGap });
  const pValue = g.se !== null && g.se > 0 ? tTwoSidedP(g.mean! / g.se, n - 1) : null;
  return {
    value: g.mean,
    ci95: g.ci95,
    n,
    expectation,
    experience,
    gap: { ...g, pValue, significant: pValue !== null && pValue < SIGNIFICANCE_LEVEL },
    shortfall: {
      value: n === 0 ? null : stats.short / n,
      count: stats.short,
      n,
      ci95: wilsonInterval(stats.short, n),
    },
  };
}
