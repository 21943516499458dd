import { describe, expect, it } from "vitest";
import {
  EXPECTATION_GAP_COLUMNS,
  expectationGapScore,
  expectationGapStatsOf,
  type ExpectationGapStats,
} from "./expectation-gap";
import { mergeStats } from "./merge";
import { mulberry32 } from "./prng.test-helper";
import { mean, sd } from "./reference-stats.test-helper";
import { tQuantile, tTwoSidedP } from "./student-t";

const Z = 1.959963984540054;

type Answer = { expectation: number | null; experience: number | null };

function generate(seed: number, count: number, shift: number): Answer[] {
  const rand = mulberry32(seed);
  const clamp = (v: number) => Math.min(5, Math.max(1, v));
  return Array.from({ length: count }, () => {
    const expectation = 1 + Math.floor(rand() * 5);
    const experience = clamp(expectation + Math.round((rand() - 0.5) * 3 + shift));
    // Some answers carry only one of the two and must be left out.
    const u = rand();
    return u < 0.05
      ? { expectation, experience: null }
      : u < 0.1
        ? { expectation: null, experience }
        : { expectation, experience };
  });
}

function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const c = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const h = (Z / (1 + (Z * Z) / n)) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return [c - h, c + h];
}

describe("expectation vs experience", () => {
  it("equals a direct computation over the generated answers (paired gap, t-interval, shortfall share)", () => {
    const answers = generate(7, 3000, -0.3);
    const both = answers.filter((a) => a.expectation !== null && a.experience !== null);
    const exp = both.map((a) => a.expectation!);
    const exper = both.map((a) => a.experience!);
    const gaps = both.map((a) => a.experience! - a.expectation!);
    const n = both.length;
    const short = gaps.filter((g) => g < 0).length;

    const score = expectationGapScore(expectationGapStatsOf(answers));
    expect(score.n).toBe(n);
    expect(score.expectation.mean).toBeCloseTo(mean(exp), 12);
    expect(score.experience.mean).toBeCloseTo(mean(exper), 12);
    const t = tQuantile(0.975, n - 1);
    const se = sd(gaps) / Math.sqrt(n);
    expect(score.value).toBeCloseTo(mean(gaps), 12);
    expect(score.gap.sd).toBeCloseTo(sd(gaps), 12);
    expect(score.ci95![0]).toBeCloseTo(mean(gaps) - t * se, 12);
    expect(score.ci95![1]).toBeCloseTo(mean(gaps) + t * se, 12);
    expect(score.gap.pValue).toBeCloseTo(tTwoSidedP(mean(gaps) / se, n - 1), 12);
    expect(score.gap.significant).toBe(true); // a planted shortfall of about 0.3 points
    expect(score.value!).toBeLessThan(0);
    const seExp = sd(exp) / Math.sqrt(n);
    expect(score.expectation.ci95![1]).toBeCloseTo(mean(exp) + t * seExp, 12);
    expect(score.shortfall.count).toBe(short);
    expect(score.shortfall.value).toBe(short / n);
    const [lo, hi] = wilson(short, n);
    expect(score.shortfall.ci95![0]).toBeCloseTo(lo, 12);
    expect(score.shortfall.ci95![1]).toBeCloseTo(hi, 12);
    // The paired interval is much narrower than treating the two means as independent samples.
    const unpairedHalf = t * Math.sqrt(sd(exp) ** 2 / n + sd(exper) ** 2 / n);
    expect(score.ci95![1] - score.value!).toBeLessThan(unpairedHalf);
  });

  it("merges exactly: the stats of two windows add up to the stats of both", () => {
    const a = generate(1, 500, 0);
    const b = generate(2, 700, 0.5);
    expect(mergeStats(expectationGapStatsOf(a), expectationGapStatsOf(b))).toEqual(
      expectationGapStatsOf([...a, ...b]),
    );
  });

  it("declares one rollup column per statistic", () => {
    const stats = expectationGapStatsOf([]);
    expect(Object.keys(EXPECTATION_GAP_COLUMNS).sort()).toEqual(Object.keys(stats).sort());
    expect(new Set(Object.values(EXPECTATION_GAP_COLUMNS)).size).toBe(Object.keys(stats).length);
  });

  it("worked example from the README", () => {
    // (expectation, experience): (4,3) (5,3) (3,4) (4,4) (2,3)  → gaps −1 −2 1 0 1
    const s = expectationGapStatsOf(
      [
        [4, 3],
        [5, 3],
        [3, 4],
        [4, 4],
        [2, 3],
      ].map(([expectation, experience]) => ({ expectation, experience })),
    );
    expect(s).toEqual({
      n: 5,
      sumExpectation: 18,
      sumSqExpectation: 70,
      sumExperience: 17,
      sumSqExperience: 59,
      sumGap: -1,
      sumSqGap: 7,
      short: 2,
    });
    const score = expectationGapScore(s);
    expect(score.value).toBeCloseTo(-0.2, 15);
    // s² = (5·7 − 1)/(5·4) = 1.7; se = √(1.7/5); t_{0.975,4} = 2.776445105
    const half = 2.776445105 * Math.sqrt(1.7 / 5);
    expect(score.ci95![0]).toBeCloseTo(-0.2 - half, 8);
    expect(score.ci95![1]).toBeCloseTo(-0.2 + half, 8);
    expect(score.ci95![0]).toBeCloseTo(-1.8189, 4);
    expect(score.shortfall.value).toBe(0.4);
    expect(score.gap.significant).toBe(false);
  });

  it("edges: no answers, one answer, every gap equal", () => {
    const none = expectationGapScore(expectationGapStatsOf([]));
    expect(none).toMatchObject({
      value: null,
      ci95: null,
      n: 0,
      shortfall: { value: null, ci95: null },
    });
    expect(none.gap.pValue).toBeNull();
    const one = expectationGapScore(expectationGapStatsOf([{ expectation: 5, experience: 2 }]));
    expect(one).toMatchObject({ value: -3, ci95: null, n: 1, shortfall: { value: 1, count: 1 } });
    const same = expectationGapScore(
      expectationGapStatsOf(Array.from({ length: 4 }, () => ({ expectation: 2, experience: 4 }))),
    );
    expect(same.value).toBe(2);
    expect(same.ci95).toEqual([2, 2]);
    expect(same.gap.pValue).toBeNull();
    expect(same.gap.significant).toBe(false);
  });

  it("rejects answers outside 1–5 and statistics that contradict themselves", () => {
    expect(() => expectationGapStatsOf([{ expectation: 6, experience: 3 }])).toThrow(
      /expectation is an integer 1–5/,
    );
    expect(() => expectationGapStatsOf([{ expectation: 3, experience: 0 }])).toThrow(/experience/);
    const good = expectationGapStatsOf(generate(3, 50, 0));
    const bad = (patch: Partial<ExpectationGapStats>) => () =>
      expectationGapScore({ ...good, ...patch });
    expect(bad({ sumGap: good.sumGap + 1 })).toThrow(/sumGap must equal/);
    expect(bad({ short: good.n + 1 })).toThrow(/short must be ≤ n/);
    expect(bad({ sumExpectation: 6 * good.n, sumGap: good.sumExperience - 6 * good.n })).toThrow(
      /outside what 1–5 answers allow/,
    );
    expect(bad({ n: -1 })).toThrow(/n must be a non-negative integer/);
    expect(bad({ sumSqGap: Number.NaN })).toThrow(/sumSqGap must be a finite number/);
  });
});
