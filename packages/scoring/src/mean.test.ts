import { describe, expect, it } from "vitest";
import { cesScore, meanScore, sampleVariance } from "./mean";
import { momentStatsOf } from "./moments";
import { mulberry32, randomInts } from "./prng.test-helper";
import { InvalidStatsError } from "./validate";

describe("cesScore (t-interval from n, Σx, Σx²)", () => {
  it("matches a two-pass computation on raw answers", () => {
    const rand = mulberry32(99);
    const t975: Record<number, number> = { 999: 1.9623414611334493 }; // scipy.stats.t.ppf(0.975, 999)
    const answers = randomInts(rand, 1000, 1, 7);
    const n = answers.length;
    const mean = answers.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(answers.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const half = t975[999]! * (sd / Math.sqrt(n));
    const got = cesScore(momentStatsOf(answers));
    expect(got.mean!).toBeCloseTo(mean, 12);
    expect(got.value).toBe(got.mean);
    expect(got.sd!).toBeCloseTo(sd, 12);
    expect(got.ci95![0]).toBeCloseTo(mean - half, 12);
    expect(got.ci95![1]).toBeCloseTo(mean + half, 12);
  });

  it("matches scipy.stats.t.interval on a small sample", () => {
    const got = cesScore(momentStatsOf([1, 2, 3, 4, 5, 6, 7, 5, 6, 7, 7]));
    expect(got.ci95![0]).toBeCloseTo(3.4148182916514846, 12);
    expect(got.ci95![1]).toBeCloseTo(6.221545344712152, 12);
  });

  it("is exact for integer sums where the float formulas lose digits", () => {
    // 10⁹ answers of 7 and one of 6. Exact: s² = 1/n. In doubles n·Σx² − (Σx)² is off by ~6e-6
    // relative and Σx² − (Σx)²/n by ~1e-9; the BigInt path is exact up to the final division.
    const n = 1_000_000_001;
    const stats = { n, sum: 7 * (n - 1) + 6, sumSq: 49 * (n - 1) + 36 };
    expect(Math.abs(sampleVariance(stats)! * n - 1)).toBeLessThan(1e-15);
    const floatForm = ((n * stats.sumSq - stats.sum * stats.sum) / n / (n - 1)) * n;
    expect(Math.abs(floatForm - 1)).toBeGreaterThan(1e-6);
  });

  it("edge cases: n = 0, n = 1, zero variance, impossible sums", () => {
    expect(cesScore({ n: 0, sum: 0, sumSq: 0 })).toEqual({
      value: null,
      mean: null,
      n: 0,
      sd: null,
      se: null,
      ci95: null,
    });
    expect(cesScore({ n: 1, sum: 6, sumSq: 36 })).toEqual({
      value: 6,
      mean: 6,
      n: 1,
      sd: null,
      se: null,
      ci95: null,
    });
    expect(cesScore(momentStatsOf([5, 5, 5]))).toEqual({
      value: 5,
      mean: 5,
      n: 3,
      sd: 0,
      se: 0,
      ci95: [5, 5],
    });
    expect(() => cesScore({ n: 2, sum: 10, sumSq: 1 })).toThrow(InvalidStatsError);
    // Non-integer data takes the floating-point path and clamps a tiny negative to 0.
    const v = momentStatsOf([0.1, 0.1, 0.1]);
    expect(meanScore(v).sd).toBeGreaterThanOrEqual(0);
    expect(meanScore(v).sd!).toBeLessThan(1e-8);
  });
});
