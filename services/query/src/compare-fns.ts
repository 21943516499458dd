/**
 * Period-over-period (or any two ranges) differences per group, with the two-sample tests of
 * @pulse/scoring: NPS z-test, two-proportion z-tests for CSAT top-2 / FCR / abandonment, Welch t
 * for CES and mean wait. Differences are current − baseline in the metric's reported units.
 */
import { compareMeans, compareNps, compareProportions, type Comparison, type Interval } from "@pulse/scoring";
import { expectationGapStats } from "./expectation-gap-fns";
import type { StatsRow } from "./rollup.sql";
import { abandonmentStats, cesStats, fcrStats, npsStats, scoreGroup, waitStats, type FcrSettings } from "./scores-fns";

export type MetricComparison = {
  current: number | null;
  baseline: number | null;
  currentN: number;
  baselineN: number;
  difference: number | null;
  ci95: Interval | null;
  pValue: number | null;
  significant: boolean;
};

export type GroupComparison = Record<"nps" | "csatTop2" | "ces" | "fcr" | "abandonment" | "waitSeconds" | "expectationGap", MetricComparison>;

function shape(c: Comparison, current: number | null, baseline: number | null, currentN: number, baselineN: number, scale = 1): MetricComparison {
  return {
    current,
    baseline,
    currentN,
    baselineN,
    difference: c.difference === null ? null : c.difference * scale,
    ci95: c.ci95 === null ? null : [c.ci95[0] * scale, c.ci95[1] * scale],
    pValue: c.pValue,
    significant: c.significant,
  };
}

export function compareGroup(current: StatsRow, baseline: StatsRow, fcr: FcrSettings): GroupComparison {
  const a = scoreGroup(current, fcr);
  const b = scoreGroup(baseline, fcr);
  return {
    nps: shape(compareNps(npsStats(current), npsStats(baseline)), a.nps.value, b.nps.value, a.nps.n, b.nps.n),
    // Top-2 box is reported in percent, so its difference is in percentage points.
    csatTop2: shape(
      compareProportions({ successes: current.csat_top2, n: current.csat_n }, { successes: baseline.csat_top2, n: baseline.csat_n }),
      a.csat.top2Box,
      b.csat.top2Box,
      a.csat.n,
      b.csat.n,
      100,
    ),
    ces: shape(compareMeans(cesStats(current), cesStats(baseline)), a.ces.mean, b.ces.mean, a.ces.n, b.ces.n),
    // Closed windows only on both sides: an open window's share would compare early failures with final verdicts.
    fcr: shape(compareProportions(fcrStats(a.fcr), fcrStats(b.fcr)), a.fcr.value, b.fcr.value, a.fcr.n, b.fcr.n),
    abandonment: shape(compareProportions(abandonmentStats(current), abandonmentStats(baseline)), a.abandonment.value, b.abandonment.value, a.abandonment.n, b.abandonment.n),
    waitSeconds: shape(compareMeans(waitStats(current), waitStats(baseline)), a.waitSeconds.mean, b.waitSeconds.mean, a.waitSeconds.n, b.waitSeconds.n),
    // The mean gap of two independent sets of answers: Welch t on each period's gap moments.
    expectationGap: shape(compareMeans(gapMoments(current), gapMoments(baseline)), a.expectationGap.value, b.expectationGap.value, a.expectationGap.n, b.expectationGap.n),
  };
}

function gapMoments(r: StatsRow): { n: number; sum: number; sumSq: number } {
  const g = expectationGapStats(r);
  return { n: g.n, sum: g.sumGap, sumSq: g.sumSqGap };
}
