import { describe, expect, it } from "vitest";
import { npsScore, npsStatsOf } from "./nps";
import { mulberry32, randomInts } from "./prng.test-helper";
import { InvalidStatsError } from "./validate";

const Z = 1.959963984540054;

describe("npsScore", () => {
  it("matches a by-hand computation on 1,000 random answers to 1e-12", () => {
    const rand = mulberry32(42);
    for (let trial = 0; trial < 20; trial++) {
      const answers = randomInts(rand, 1000, 0, 10);
      const n = answers.length;
      const pPlus = answers.filter((a) => a >= 9).length / n;
      const pMinus = answers.filter((a) => a <= 6).length / n;
      const value = 100 * (pPlus - pMinus);
      const se = 100 * Math.sqrt((pPlus + pMinus - (pPlus - pMinus) ** 2) / n);
      // Independent route to the same variance: the per-answer score is +100/0/−100.
      const scores: number[] = answers.map((a) => (a >= 9 ? 100 : a <= 6 ? -100 : 0));
      const mean = scores.reduce((s, x) => s + x, 0) / n;
      const popVar = scores.reduce((s, x) => s + (x - mean) ** 2, 0) / n;

      const got = npsScore(npsStatsOf(answers));
      expect(got.n).toBe(1000);
      expect(got.value!).toBeCloseTo(value, 12);
      expect(got.value!).toBeCloseTo(mean, 12);
      expect(got.se!).toBeCloseTo(se, 12);
      expect(got.se!).toBeCloseTo(Math.sqrt(popVar / n), 12);
      expect(got.ci95![0]).toBeCloseTo(value - Z * se, 12);
      expect(got.ci95![1]).toBeCloseTo(value + Z * se, 12);
      expect(got.promoterPct!).toBeCloseTo(100 * pPlus, 12);
      expect(got.detractorPct!).toBeCloseTo(100 * pMinus, 12);
      expect(got.promoterPct! + got.passivePct! + got.detractorPct!).toBeCloseTo(100, 12);
    }
  });

  it("buckets 9–10 / 7–8 / 0–6", () => {
    expect(npsStatsOf([0, 6, 7, 8, 9, 10])).toEqual({
      n: 6,
      promoters: 2,
      passives: 2,
      detractors: 2,
    });
    expect(() => npsStatsOf([11])).toThrow(InvalidStatsError);
  });

  it("hand example: 50 promoters, 30 passives, 20 detractors", () => {
    const s = npsScore({ n: 100, promoters: 50, passives: 30, detractors: 20 });
    expect(s.value).toBe(30);
    // √((0.5 + 0.2 − 0.09)/100) = √0.0061
    expect(s.se!).toBeCloseTo(100 * Math.sqrt(0.0061), 13);
  });

  it("edge cases: n = 0, n = 1, all promoters, all detractors, clamping", () => {
    expect(npsScore({ n: 0, promoters: 0, passives: 0, detractors: 0 })).toMatchObject({
      value: null,
      se: null,
      ci95: null,
      n: 0,
    });
    expect(npsScore({ n: 1, promoters: 1, passives: 0, detractors: 0 })).toMatchObject({
      value: 100,
      se: 0,
      ci95: [100, 100],
    });
    expect(npsScore({ n: 500, promoters: 500, passives: 0, detractors: 0 })).toMatchObject({
      value: 100,
      se: 0,
      ci95: [100, 100],
    });
    expect(npsScore({ n: 7, promoters: 0, passives: 0, detractors: 7 })).toMatchObject({
      value: -100,
      se: 0,
      ci95: [-100, -100],
    });
    expect(npsScore({ n: 3, promoters: 0, passives: 3, detractors: 0 })).toMatchObject({
      value: 0,
      se: 0,
      ci95: [0, 0],
    });
    const nearTop = npsScore({ n: 10, promoters: 9, passives: 1, detractors: 0 });
    expect(nearTop.ci95![1]).toBe(100);
    expect(nearTop.ci95![0]).toBeCloseTo(90 - Z * 100 * Math.sqrt((0.9 - 0.81) / 10), 12);
  });

  it("rejects inconsistent stats", () => {
    expect(() => npsScore({ n: 10, promoters: 5, passives: 3, detractors: 1 })).toThrow(
      InvalidStatsError,
    );
    expect(() => npsScore({ n: 1, promoters: 1.5, passives: 0, detractors: -0.5 })).toThrow(
      InvalidStatsError,
    );
  });
});
