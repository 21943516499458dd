/**
 * Two-sample tests on a difference a − b (a = the period or group under review, b = the baseline).
 * `significant` is p < 0.05, two-sided. When the standard error is 0 (no variability in either
 * sample, e.g. n = 1 each, or both all-promoter) the test is undefined: statistic and p are null and
 * the difference is never called significant.
 */
import { symmetricInterval } from "./intervals";
import { meanScore, sampleVariance } from "./mean";
import { npsScore } from "./nps";
import { rate } from "./rates";
import { Z95, normalTwoSidedP } from "./special-functions";
import { tQuantile, tTwoSidedP } from "./student-t";
import type { Interval, MomentStats, NpsStats, RateStats } from "./types";

export const SIGNIFICANCE_LEVEL = 0.05;

export type Comparison = {
  /** a − b in the metric's own units; null when either side has no data. */
  difference: number | null;
  /** Standard error of the difference used for the interval. */
  se: number | null;
  /** 95% interval of the difference. */
  ci95: Interval | null;
  /** z (normal tests) or t (Welch). */
  statistic: number | null;
  /** Two-sided p-value. */
  pValue: number | null;
  significant: boolean;
};

export type MeanComparison = Comparison & {
  /** Welch–Satterthwaite degrees of freedom. */ df: number | null;
};

const NONE: Comparison = {
  difference: null,
  se: null,
  ci95: null,
  statistic: null,
  pValue: null,
  significant: false,
};

function zTest(difference: number, seForCi: number, seForTest: number): Comparison {
  const ci95 = symmetricInterval(difference, seForCi, Z95);
  if (!(seForTest > 0))
    return { difference, se: seForCi, ci95, statistic: null, pValue: null, significant: false };
  const statistic = difference / seForTest;
  const pValue = normalTwoSidedP(statistic);
  return {
    difference,
    se: seForCi,
    ci95,
    statistic,
    pValue,
    significant: pValue < SIGNIFICANCE_LEVEL,
  };
}

/**
 * NPS a − b in NPS points. SE = √(SEa² + SEb²) with each SE from npsScore; z = diff/SE;
 * p = 2·(1 − Φ(|z|)); CI = diff ± 1.959963984540054·SE (not clamped).
 */
export function compareNps(a: NpsStats, b: NpsStats): Comparison {
  const sa = npsScore(a);
  const sb = npsScore(b);
  if (sa.value === null || sb.value === null || sa.se === null || sb.se === null) return NONE;
  const se = Math.hypot(sa.se, sb.se);
  return zTest(sa.value - sb.value, se, se);
}

/**
 * Two-proportion z-test on shares (0..1): pA − pB.
 *   test: pooled p̄ = (xA + xB)/(nA + nB), SE₀ = √(p̄(1 − p̄)(1/nA + 1/nB)), z = (pA − pB)/SE₀
 *   interval: unpooled SE = √(pA(1 − pA)/nA + pB(1 − pB)/nB), CI = diff ± 1.96·SE (Wald)
 * `se` reports the unpooled SE. Use it for FCR, abandonment and CSAT top-2 ({ successes: top2, n }).
 * Multiply difference, se and ci95 by 100 for percentage points.
 */
export function compareProportions(a: RateStats, b: RateStats): Comparison {
  const ra = rate(a);
  const rb = rate(b);
  if (ra.value === null || rb.value === null) return NONE;
  const pa = ra.value;
  const pb = rb.value;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const se = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  return zTest(pa - pb, se, se0);
}

/**
 * Welch's t-test on means: diff = x̄A − x̄B, SE = √(sA²/nA + sB²/nB),
 * df = SE⁴ / ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1)) (Welch–Satterthwaite),
 * t = diff/SE, p = 2·P(T_df > |t|), CI = diff ± t_{0.975, df}·SE. Needs n ≥ 2 on both sides.
 */
export function compareMeans(a: MomentStats, b: MomentStats): MeanComparison {
  const ma = meanScore(a);
  const mb = meanScore(b);
  if (ma.mean === null || mb.mean === null) return { ...NONE, df: null };
  const difference = ma.mean - mb.mean;
  if (ma.se === null || mb.se === null) return { ...NONE, difference, df: null };
  const va = (sampleVariance(a) ?? 0) / a.n;
  const vb = (sampleVariance(b) ?? 0) / b.n;
  const se = Math.sqrt(va + vb);
  if (!(se > 0))
    return {
      difference,
      se,
      ci95: [difference, difference],
      statistic: null,
      pValue: null,
      significant: false,
      df: null,
    };
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const statistic = difference / se;
  const pValue = tTwoSidedP(statistic, df);
  return {
    difference,
    se,
    ci95: symmetricInterval(difference, se, tQuantile(0.975, df)),
    statistic,
    pValue,
    significant: pValue < SIGNIFICANCE_LEVEL,
    df,
  };
}
