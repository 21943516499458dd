import { describe, expect, it } from "vitest";
import {
  Z95,
  erfc,
  gammaQuantile,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
} from "./special-functions";
import { poissonInterval, wilsonInterval } from "./intervals";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("log-gamma and log-beta", () => {
  it("matches factorials and Γ(½) = √π", () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(rel(logGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    let f = 0;
    for (let i = 2; i < 171; i++) f += Math.log(i);
    expect(rel(logGamma(171), f)).toBeLessThan(1e-14);
  });

  it("logBeta agrees with the log-gamma sum where that is accurate, and B(a, 1) = 1/a", () => {
    for (const [a, b] of [
      [0.5, 0.5],
      [2.5, 7],
      [12, 0.5],
      [15, 30],
      [3, 40],
    ] as const) {
      expect(Math.abs(logBeta(a, b) - (logGamma(a) + logGamma(b) - logGamma(a + b)))).toBeLessThan(
        1e-12,
      );
    }
    for (const a of [20, 1e3, 1e6]) expect(rel(logBeta(a, 1), -Math.log(a))).toBeLessThan(1e-13);
  });
});

describe("normal distribution", () => {
  it("Φ⁻¹(0.975) is the 95% critical value to ~1e-15", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(Z95, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-Z95, 14);
    expect(normalQuantile(0.5)).toBe(0);
  });
  it("matches scipy in the tails", () => {
    expect(rel(normalQuantile(1e-10), -6.361340902404056)).toBeLessThan(1e-14);
    expect(rel(erfc(5), 1.5374597944280347e-12)).toBeLessThan(1e-13);
    expect(rel(normalTwoSidedP(5), 5.733031437583866e-7)).toBeLessThan(1e-13);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.5) + normalCdf(-1.5)).toBeCloseTo(1, 15);
  });
});

describe("regularized incomplete beta and gamma", () => {
  it("closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b, I_x(½,½) = 2/π·asin√x", () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      expect(rel(regularizedBeta(1, 1, x), x)).toBeLessThan(1e-14);
      expect(rel(regularizedBeta(3.5, 1, x), x ** 3.5)).toBeLessThan(1e-13);
      expect(rel(regularizedBeta(1, 4.2, x), 1 - (1 - x) ** 4.2)).toBeLessThan(1e-13);
      expect(
        rel(regularizedBeta(0.5, 0.5, x), (2 / Math.PI) * Math.asin(Math.sqrt(x))),
      ).toBeLessThan(1e-13);
    }
  });
  it("matches scipy.special.betainc", () => {
    const cases: [number, number, number, number][] = [
      [2.5, 7, 0.2, 0.36749651990402316],
      [50, 0.5, 0.97, 0.08169933372182264],
      [500, 0.5, 0.996, 0.045338095197252064],
      [3000, 4000, 0.43, 0.5958415156690128],
    ];
    for (const [a, b, x, want] of cases)
      expect(rel(regularizedBeta(a, b, x), want)).toBeLessThan(1e-11);
  });
  it("P(1, x) = 1 − e^{−x} and matches scipy.special.gammainc", () => {
    for (const x of [0.1, 1, 2, 7, 30])
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
    const cases: [number, number][] = [
      [0.5, 0.7057338956950373],
      [3, 0.6405735336749161],
      [10, 0.6594893575343392],
      [1000, 0.9989406767460701],
    ];
    for (const [a, want] of cases) {
      expect(rel(regularizedGammaP(a, a * 1.1), want)).toBeLessThan(1e-12);
      expect(regularizedGammaQ(a, a * 1.1)).toBeCloseTo(1 - want, 12);
    }
  });
  it("gammaQuantile inverts P", () => {
    for (const a of [0.5, 1, 4, 25, 400]) {
      for (const p of [0.001, 0.025, 0.5, 0.975, 0.999]) {
        expect(regularizedGammaP(a, gammaQuantile(p, a))).toBeCloseTo(p, 13);
      }
    }
  });
});

describe("intervals against published values", () => {
  it("Wilson 8/10 = [0.4902, 0.9433] and pins 0 and 1 at the edges", () => {
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 10)![0]).toBe(0);
    expect(wilsonInterval(10, 10)![1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
    // Wilson's 0/n upper bound is z²/(n + z²).
    expect(wilsonInterval(0, 20)![1]).toBeCloseTo((Z95 * Z95) / (20 + Z95 * Z95), 15);
  });
  it("exact Poisson (Garwood) intervals match the tables / scipy chi2", () => {
    const cases: [number, number, number][] = [
      [0, 0, 3.6888794541139354],
      [1, 0.025317807984289876, 5.571643390938898],
      [10, 4.7953886961324335, 18.39035604201778],
      [100, 81.36399125092314, 121.62679379242638],
    ];
    for (const [k, lo, hi] of cases) {
      const [l, h] = poissonInterval(k);
      expect(Math.abs(l - lo)).toBeLessThan(1e-12 * Math.max(1, lo));
      expect(rel(h, hi)).toBeLessThan(1e-13);
    }
  });
});
