/**
 * The effect of a corrective action on a metric: before vs after on the touchpoints it changed
 * (treated), and against comparable touchpoints without it over the same two periods (control) by
 * difference-in-differences, with n, the minimum detectable effect and a plain verdict.
 *
 * Each of the four cells (treated/control × before/after) is given as the metric's sufficient
 * statistics, so any window merges exactly. Every cell reduces to an estimate m and the variance v
 * of that estimate:
 *   NPS:                        m = NPS (points),   v = SE² = 100²·(p₊ + p₋ − (p₊ − p₋)²)/n
 *   shares (CSAT top-2, FCR, abandonment):  m = x/n (0..1),  v = m(1 − m)/n
 *   means (CES, wait):          m = Σx/n,  v = s²/n
 * Before/after: m_TA − m_TB, tested exactly as compareNps / compareProportions / compareMeans do.
 * Difference-in-differences (removes what moved everywhere, e.g. a seasonal dip):
 *   DiD = (m_TA − m_TB) − (m_CA − m_CB),   SE = √(v_TA + v_TB + v_CA + v_CB)
 *   NPS and shares: z = DiD/SE, CI = DiD ± z_{0.975}·SE;   means: t with Welch–Satterthwaite
 *   df = SE⁴ / Σ (v²/(n − 1)),  CI = DiD ± t_{0.975, df}·SE.
 * It assumes parallel trends: without the action, treated and control would have moved alike.
 */
import { compareMeans, compareNps, compareProportions, SIGNIFICANCE_LEVEL } from "./compare";
import { sampleVariance } from "./mean";
import { npsScore } from "./nps";
import { InvalidParameterError, requireInteger } from "./parameters";
import { assertRateStats } from "./rates";
import { Z95, normalQuantile, normalTwoSidedP } from "./special-functions";
import { tQuantile, tTwoSidedP } from "./student-t";
import type { Interval, MomentStats, NpsStats, RateStats } from "./types";

/** z_{0.975} + z_{0.80}: a true effect this many SEs away from 0 is detected with 80% power at α = 5%. */
export const MDE_MULTIPLIER = Z95 + normalQuantile(0.8);
/** Fewest observations in each cell before a verdict other than too_early is given. */
export const DEFAULT_MIN_CELL_N = 30;

export type Direction = "increase" | "decrease";
export type Cells<S> = { before: S; after: S };

type ByMetric =
  | { metric: "nps"; treated: Cells<NpsStats>; control?: Cells<NpsStats> | null }
  | {
      metric: "csat_top2" | "fcr" | "abandonment";
      treated: Cells<RateStats>;
      control?: Cells<RateStats> | null;
    }
  | { metric: "ces" | "wait"; treated: Cells<MomentStats>; control?: Cells<MomentStats> | null };

export type ActionEffectInput = ByMetric & {
  /** What the action expects of the metric: "increase" for NPS/CSAT/CES/FCR, "decrease" for wait/abandonment. */
  expectedDirection: Direction;
  /** Default DEFAULT_MIN_CELL_N. */
  minCellN?: number;
};

export type ActionMetric = ActionEffectInput["metric"];

export type CellSummary = {
  n: number;
  /** The metric in the cell (NPS points, a share 0..1, or a mean); null when n = 0. */
  value: number | null;
  /** Standard error of value; null when it cannot be computed (n = 0, or n = 1 for a mean). */
  se: number | null;
};

export type EffectTest = {
  /** In the metric's units (NPS points, a share 0..1, or the mean's unit); null without data. */
  estimate: number | null;
  se: number | null;
  ci95: Interval | null;
  /** z (NPS, shares) or t (means). */
  statistic: number | null;
  pValue: number | null;
  significant: boolean;
  /** Degrees of freedom of the t-test (means only). */
  df: number | null;
};

export type Verdict = "improved" | "no_detectable_change" | "worse" | "too_early";

export type ActionEffect = {
  metric: ActionMetric;
  expectedDirection: Direction;
  cells: { treated: Cells<CellSummary>; control: Cells<CellSummary> | null };
  /** Treated after − before. */
  beforeAfter: EffectTest;
  /** (treated after − before) − (control after − before); null without a control. */
  differenceInDifferences: EffectTest | null;
  /** Which test the verdict rests on: DiD when a control is given, else before/after. */
  primary: "difference_in_differences" | "before_after";
  /** The primary estimate and interval. */
  effect: number | null;
  ci95: Interval | null;
  /**
   * (z_{0.975} + z_{0.80})·SE, with the SE the primary test uses: a true effect this large (either
   * sign) is detected with 80% power at α = 5% two-sided (normal approximation). null when that SE is 0.
   */
  minimumDetectableEffect: number | null;
  verdict: Verdict;
  /** One sentence saying why, for the dashboard. */
  reason: string;
};

type Family = "nps" | "share" | "mean";

function familyOf(metric: ActionMetric): Family {
  if (metric === "nps") return "nps";
  if (metric === "ces" || metric === "wait") return "mean";
  if (metric === "csat_top2" || metric === "fcr" || metric === "abandonment") return "share";
  throw new InvalidParameterError(
    "metric",
    "must be one of nps, csat_top2, fcr, abandonment, ces, wait",
    metric,
  );
}

type Stats = NpsStats | RateStats | MomentStats;

function summarise(family: Family, s: Stats): CellSummary {
  if (family === "nps") {
    const score = npsScore(s as NpsStats);
    return { n: score.n, value: score.value, se: score.se };
  }
  if (family === "share") {
    const r = s as RateStats;
    assertRateStats(r);
    if (r.n === 0) return { n: 0, value: null, se: null };
    const p = r.successes / r.n;
    return { n: r.n, value: p, se: Math.sqrt((p * (1 - p)) / r.n) };
  }
  const m = s as MomentStats;
  const variance = sampleVariance(m);
  return {
    n: m.n,
    value: m.n === 0 ? null : m.sum / m.n,
    se: variance === null ? null : Math.sqrt(variance / m.n),
  };
}

function beforeAfterTest(family: Family, cells: Cells<Stats>): EffectTest {
  const c =
    family === "nps"
      ? { ...compareNps(cells.after as NpsStats, cells.before as NpsStats), df: null }
      : family === "share"
        ? { ...compareProportions(cells.after as RateStats, cells.before as RateStats), df: null }
        : compareMeans(cells.after as MomentStats, cells.before as MomentStats);
  return {
    estimate: c.difference,
    se: c.se,
    ci95: c.ci95,
    statistic: c.statistic,
    pValue: c.pValue,
    significant: c.significant,
    df: c.df,
  };
}

const NO_TEST: EffectTest = {
  estimate: null,
  se: null,
  ci95: null,
  statistic: null,
  pValue: null,
  significant: false,
  df: null,
};

function didTest(family: Family, t: Cells<CellSummary>, c: Cells<CellSummary>): EffectTest {
  const all = [t.after, t.before, c.after, c.before];
  if (all.some((x) => x.value === null || x.se === null)) return NO_TEST;
  const estimate = t.after.value! - t.before.value! - (c.after.value! - c.before.value!);
  const variances = all.map((x) => x.se! ** 2);
  const se = Math.sqrt(variances.reduce((s, v) => s + v, 0));
  if (!(se > 0)) return { ...NO_TEST, estimate, se, ci95: [estimate, estimate] };
  const statistic = estimate / se;
  if (family !== "mean") {
    const pValue = normalTwoSidedP(statistic);
    return {
      estimate,
      se,
      ci95: [estimate - Z95 * se, estimate + Z95 * se],
      statistic,
      pValue,
      significant: pValue < SIGNIFICANCE_LEVEL,
      df: null,
    };
  }
  const df = se ** 4 / variances.reduce((s, v, i) => s + (v * v) / (all[i]!.n - 1), 0);
  const pValue = tTwoSidedP(statistic, df);
  const half = tQuantile(0.975, df) * se;
  return {
    estimate,
    se,
    ci95: [estimate - half, estimate + half],
    statistic,
    pValue,
    significant: pValue < SIGNIFICANCE_LEVEL,
    df,
  };
}

/**
 * The SE the primary test divides by, for the minimum detectable effect. That is the estimate's SE,
 * except for the before/after share test, which (like compareProportions) tests with the pooled
 * SE₀ = √(p̄(1 − p̄)(1/n_A + 1/n_B)), p̄ = (x_A + x_B)/(n_A + n_B).
 */
function testSe(
  family: Family,
  primary: EffectTest,
  beforeAfterShares: RateStats[] | null,
): number | null {
  if (family === "share" && beforeAfterShares) {
    const [a, b] = beforeAfterShares as [RateStats, RateStats];
    if (a.n === 0 || b.n === 0) return null;
    const p = (a.successes + b.successes) / (a.n + b.n);
    const se0 = Math.sqrt(p * (1 - p) * (1 / a.n + 1 / b.n));
    return se0 > 0 ? se0 : null;
  }
  return primary.se !== null && primary.se > 0 ? primary.se : null;
}

/**
 * Verdicts, on the primary test (DiD with a control, else before/after), two-sided α = 5%:
 *   too_early            some cell the primary test uses has fewer than minCellN observations, or
 *                        the test is undefined (no variability at all);
 *   improved             p < 0.05 and the effect has the expected sign;
 *   worse                p < 0.05 and the effect has the opposite sign;
 *   no_detectable_change p ≥ 0.05: no change the data can tell from noise — read it with the
 *                        minimum detectable effect, which says how large a change could hide.
 */
export function actionEffect(input: ActionEffectInput): ActionEffect {
  const family = familyOf(input.metric);
  const direction = input.expectedDirection;
  if (direction !== "increase" && direction !== "decrease")
    throw new InvalidParameterError("expectedDirection", "must be increase or decrease", direction);
  const minCellN = requireInteger("minCellN", input.minCellN ?? DEFAULT_MIN_CELL_N, "positive");
  const treated = input.treated as Cells<Stats>;
  const control = (input.control ?? null) as Cells<Stats> | null;

  const tCells = {
    before: summarise(family, treated.before),
    after: summarise(family, treated.after),
  };
  const cCells = control && {
    before: summarise(family, control.before),
    after: summarise(family, control.after),
  };
  const beforeAfter = beforeAfterTest(family, treated);
  const differenceInDifferences = cCells ? didTest(family, tCells, cCells) : null;
  const primaryTest = differenceInDifferences ?? beforeAfter;
  const usedCells = cCells
    ? [tCells.before, tCells.after, cCells.before, cCells.after]
    : [tCells.before, tCells.after];
  const se = testSe(
    family,
    primaryTest,
    cCells ? null : [treated.after as RateStats, treated.before as RateStats],
  );

  let verdict: Verdict;
  let reason: string;
  const smallest = Math.min(...usedCells.map((c) => c.n));
  if (smallest < minCellN) {
    verdict = "too_early";
    reason = `a period has ${smallest} observations; at least ${minCellN} per period are needed`;
  } else if (primaryTest.pValue === null || primaryTest.estimate === null) {
    verdict = "too_early";
    reason = "no variability in the data yet: the change cannot be tested";
  } else if (!primaryTest.significant) {
    verdict = "no_detectable_change";
    reason = `p = ${primaryTest.pValue.toPrecision(2)} ≥ 0.05: no change the data can tell from noise`;
  } else {
    const expectedSign = direction === "increase" ? 1 : -1;
    verdict = Math.sign(primaryTest.estimate) === expectedSign ? "improved" : "worse";
    reason = `p = ${primaryTest.pValue.toPrecision(2)} < 0.05, ${
      verdict === "improved" ? "in" : "against"
    } the expected direction (${direction})`;
  }

  return {
    metric: input.metric,
    expectedDirection: direction,
    cells: { treated: tCells, control: cCells },
    beforeAfter,
    differenceInDifferences,
    primary: differenceInDifferences ? "difference_in_differences" : "before_after",
    effect: primaryTest.estimate,
    ci95: primaryTest.ci95,
    minimumDetectableEffect: se === null ? null : MDE_MULTIPLIER * se,
    verdict,
    reason,
  };
}
