import { describe, expect, it } from "vitest";
import { compareMeans, compareNps, compareProportions } from "./compare";
import { momentStatsOf } from "./moments";
import { npsScore } from "./nps";
import { erfc } from "./special-functions";

const Z = 1.959963984540054;

describe("compareNps", () => {
  it("difference, SE = √(SEa² + SEb²), z, two-sided p, 95% CI", () => {
    const a = { n: 400, promoters: 200, passives: 120, detractors: 80 }; // NPS 30
    const b = { n: 500, promoters: 200, passives: 150, detractors: 150 }; // NPS 10
    const seA = 100 * Math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 400);
    const seB = 100 * Math.sqrt((0.4 + 0.3 - 0.1 ** 2) / 500);
    const se = Math.sqrt(seA ** 2 + seB ** 2);
    const c = compareNps(a, b);
    expect(c.difference!).toBeCloseTo(20, 12);
    expect(c.se!).toBeCloseTo(se, 12);
    expect(c.statistic!).toBeCloseTo(20 / se, 12);
    expect(c.pValue!).toBeCloseTo(erfc(20 / se / Math.SQRT2), 14);
    expect(c.ci95![0]).toBeCloseTo(20 - Z * se, 12);
    expect(c.ci95![1]).toBeCloseTo(20 + Z * se, 12);
    expect(c.significant).toBe(true);
    // Interval excludes 0 exactly when p < 0.05 (same SE for both).
    expect(c.ci95![0] > 0).toBe(c.pValue! < 0.05);
    expect(npsScore(a).value! - npsScore(b).value!).toBeCloseTo(c.difference!, 12);
  });

  it("a small difference on small samples is not significant; undefined tests are not significant", () => {
    const c = compareNps(
      { n: 20, promoters: 8, passives: 6, detractors: 6 },
      { n: 20, promoters: 7, passives: 6, detractors: 7 },
    );
    expect(c.significant).toBe(false);
    expect(c.pValue!).toBeGreaterThan(0.05);
    const degenerate = compareNps(
      { n: 1, promoters: 1, passives: 0, detractors: 0 },
      { n: 1, promoters: 0, passives: 0, detractors: 1 },
    );
    expect(degenerate).toMatchObject({
      difference: 200,
      se: 0,
      statistic: null,
      pValue: null,
      significant: false,
    });
    expect(
      compareNps(
        { n: 0, promoters: 0, passives: 0, detractors: 0 },
        { n: 5, promoters: 5, passives: 0, detractors: 0 },
      ).difference,
    ).toBeNull();
  });
});

describe("compareProportions", () => {
  it("45/100 vs 30/100: z = 2.19089, p = 0.028460 (χ² = 4.8, scipy chi2_contingency without correction)", () => {
    const c = compareProportions({ successes: 45, n: 100 }, { successes: 30, n: 100 });
    expect(c.difference!).toBeCloseTo(0.15, 15);
    expect(c.statistic!).toBeCloseTo(2.1908902300206647, 12);
    expect(c.statistic! ** 2).toBeCloseTo(4.8, 12);
    expect(c.pValue!).toBeCloseTo(0.028459736916310638, 12);
    const se = Math.sqrt((0.45 * 0.55) / 100 + (0.3 * 0.7) / 100);
    expect(c.se!).toBeCloseTo(se, 15);
    expect(c.ci95![0]).toBeCloseTo(0.15 - Z * se, 12);
    expect(c.significant).toBe(true);
  });
  it("edges", () => {
    expect(
      compareProportions({ successes: 0, n: 0 }, { successes: 1, n: 2 }).difference,
    ).toBeNull();
    const same = compareProportions({ successes: 5, n: 5 }, { successes: 9, n: 9 });
    expect(same).toMatchObject({
      difference: 0,
      statistic: null,
      pValue: null,
      significant: false,
    });
  });
});

describe("compareMeans (Welch)", () => {
  const a = [1, 2, 3, 4, 5, 6, 7, 5, 6, 7, 7];
  const b = [3, 4, 2, 5, 3, 4, 1, 2];
  it("matches scipy.stats.ttest_ind(equal_var=False)", () => {
    const c = compareMeans(momentStatsOf(a), momentStatsOf(b));
    expect(c.statistic!).toBeCloseTo(2.3260756693030586, 12);
    expect(c.pValue!).toBeCloseTo(0.03284644225391204, 12);
    expect(c.df!).toBeCloseTo(16.74245742923628, 10);
    expect(c.ci95![0]).toBeCloseTo(0.16710558011571108, 11);
    expect(c.ci95![1]).toBeCloseTo(3.4692580562479254, 11);
    expect(c.significant).toBe(true);
  });
  it("matches a by-hand computation on the raw arrays", () => {
    const stats = (xs: number[]): [number, number, number] => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return [m, xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1), xs.length];
    };
    const [ma, va, na] = stats(a);
    const [mb, vb, nb] = stats(b);
    const se = Math.sqrt(va / na + vb / nb);
    const df = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1));
    const c = compareMeans(momentStatsOf(a), momentStatsOf(b));
    expect(c.difference!).toBeCloseTo(ma - mb, 12);
    expect(c.se!).toBeCloseTo(se, 12);
    expect(c.df!).toBeCloseTo(df, 10);
  });
  it("edges: n < 2 and zero variance", () => {
    expect(compareMeans({ n: 1, sum: 5, sumSq: 25 }, momentStatsOf(b))).toMatchObject({
      difference: 5 - 3,
      pValue: null,
      significant: false,
      df: null,
    });
    expect(compareMeans(momentStatsOf([4, 4]), momentStatsOf([4, 4, 4]))).toMatchObject({
      difference: 0,
      se: 0,
      pValue: null,
      significant: false,
    });
    // One side constant: df = n_other − 1.
    expect(compareMeans(momentStatsOf([4, 4, 4]), momentStatsOf(b)).df!).toBeCloseTo(
      b.length - 1,
      12,
    );
  });
});
