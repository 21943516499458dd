import { describe, expect, it } from "vitest";
import { poissonSample, seededRandom } from "./random";

describe("seededRandom (mulberry32)", () => {
  it("gives mulberry32's reference values for seed 1, the same again for the same seed", () => {
    // Independent computation of mulberry32(1) with BigInt arithmetic, step by step.
    const ref = (seed: number, n: number): number[] => {
      const M = 2n ** 32n;
      const u = (x: bigint) => ((x % M) + M) % M;
      const imul = (x: bigint, y: bigint) => {
        const r = u(x * y);
        return r;
      };
      let a = BigInt(seed);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        a = u(a + 0x6d2b79f5n);
        let t = a;
        t = imul(t ^ (t >> 15n), t | 1n);
        t = u(t ^ u(t + imul(t ^ (t >> 7n), t | 61n)));
        out.push(Number(u(t ^ (t >> 14n))) / 4294967296);
      }
      return out;
    };
    const r = seededRandom(1);
    const got = Array.from({ length: 5 }, () => r());
    expect(got).toEqual(ref(1, 5));
    const again = seededRandom(1);
    expect(Array.from({ length: 5 }, () => again())).toEqual(got);
    expect(got.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("differs between seeds", () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});

describe("poissonSample", () => {
  it("draws Poisson(mu): the empirical frequencies of 0..6 match e^-mu mu^k / k! (seeded, 40,000 draws)", () => {
    const r = seededRandom(7);
    const mu = 2.5;
    const n = 40_000;
    const counts = new Array<number>(7).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const k = poissonSample(r, mu);
      sum += k;
      if (k < counts.length) counts[k] = (counts[k] ?? 0) + 1;
    }
    let fact = 1;
    for (let k = 0; k < counts.length; k++) {
      if (k > 0) fact *= k;
      const p = (Math.exp(-mu) * mu ** k) / fact;
      // Within 5 binomial standard errors of the exact probability.
      expect(Math.abs((counts[k] ?? 0) / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
    expect(Math.abs(sum / n - mu)).toBeLessThan(5 * Math.sqrt(mu / n));
  });
});
