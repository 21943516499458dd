import { describe, expect, it } from "vitest";
import { csatScore, csatStatsOf } from "./csat";
import { mulberry32, randomInts } from "./prng.test-helper";
import { tQuantile } from "./student-t";

const Z = 1.959963984540054;

describe("csatScore", () => {
  it("matches by-hand top-2-box, Wilson interval and mean t-interval on random answers", () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 10; trial++) {
      const answers = randomInts(rand, 1000, 1, 5);
      const n = answers.length;
      const p = answers.filter((a) => a >= 4).length / n;
      // Wilson written in its other textbook form: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
      const a = p + (Z * Z) / (2 * n);
      const b = Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
      const d = 1 + (Z * Z) / n;
      const mean = answers.reduce((s, x) => s + x, 0) / n;
      const sd = Math.sqrt(answers.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
      const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));

      const got = csatScore(csatStatsOf(answers));
      expect(got.top2Box!).toBeCloseTo(100 * p, 12);
      expect(got.value).toBe(got.top2Box);
      expect(got.ci95![0]).toBeCloseTo((100 * (a - b)) / d, 12);
      expect(got.ci95![1]).toBeCloseTo((100 * (a + b)) / d, 12);
      expect(got.mean!).toBeCloseTo(mean, 12);
      expect(got.sd!).toBeCloseTo(sd, 12);
      expect(got.meanCi95![0]).toBeCloseTo(mean - half, 12);
      expect(got.meanCi95![1]).toBeCloseTo(mean + half, 12);
    }
  });

  it("8 of 10 satisfied: top-2 80% with the published Wilson interval [49.02%, 94.33%]", () => {
    const s = csatScore(csatStatsOf([5, 5, 4, 4, 4, 5, 4, 5, 1, 2]));
    expect(s.top2Box).toBe(80);
    expect(s.ci95![0]).toBeCloseTo(49.02, 2);
    expect(s.ci95![1]).toBeCloseTo(94.33, 2);
  });

  it("edge cases: n = 0, n = 1, all satisfied, zero variance", () => {
    expect(csatScore({ n: 0, top2: 0, sum: 0, sumSq: 0 })).toMatchObject({
      value: null,
      top2Box: null,
      ci95: null,
      mean: null,
      meanCi95: null,
    });
    const one = csatScore(csatStatsOf([5]));
    expect(one).toMatchObject({ top2Box: 100, mean: 5, sd: null, meanCi95: null });
    expect(one.ci95![1]).toBe(100);
    const all = csatScore(csatStatsOf([4, 4, 4, 4]));
    expect(all).toMatchObject({ top2Box: 100, mean: 4, sd: 0, meanCi95: [4, 4] });
    expect(all.ci95![1]).toBe(100);
    expect(all.ci95![0]).toBeCloseTo((100 * 4) / (4 + Z * Z), 12);
  });
});
