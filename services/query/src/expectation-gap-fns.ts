/**
 * Expectation vs experience of one group, from its rollup statistics (the sums named by
 * @pulse/scoring's EXPECTATION_GAP_COLUMNS, declared in @pulse/rollups). Every number comes from
 * `expectationGapScore`; this module only shapes the response.
 */
import { expectationGapScore, type ExpectationGapStats, type Interval } from "@pulse/scoring";
import { scoreInput } from "@pulse/rollups";
import type { StatsRow } from "./rollup.sql";

export type ExpectationGapView = {
  /** Mean of experience − expectation per answer (−4..4); negative = experience fell short. Null when n = 0. */
  value: number | null;
  /** Paired t-interval of the mean gap; null when n < 2. */
  ci95: Interval | null;
  /** Answers with both expectation and experience. */
  n: number;
  /** Paired t-test of mean gap = 0; null when n < 2 or every gap is equal. */
  pValue: number | null;
  significant: boolean;
  expectation: { mean: number | null; ci95: Interval | null };
  experience: { mean: number | null; ci95: Interval | null };
  /** Share 0..1 of answers where experience < expectation, with its Wilson interval. */
  shortfall: { value: number | null; count: number; ci95: Interval | null };
};

export function expectationGapStats(r: StatsRow): ExpectationGapStats {
  return scoreInput(r, "expectationGap");
}

export function expectationGapView(r: StatsRow): ExpectationGapView {
  const s = expectationGapScore(expectationGapStats(r));
  return {
    value: s.value,
    ci95: s.ci95,
    n: s.n,
    pValue: s.gap.pValue,
    significant: s.gap.significant,
    expectation: { mean: s.expectation.mean, ci95: s.expectation.ci95 },
    experience: { mean: s.experience.mean, ci95: s.experience.ci95 },
    shortfall: { value: s.shortfall.value, count: s.shortfall.count, ci95: s.shortfall.ci95 },
  };
}
