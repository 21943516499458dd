import { describe, expect, it } from "vitest";
import { mulberry32 } from "../prng.test-helper";
import { benjaminiHochberg, eBenjaminiHochberg } from "./fdr";

// Independent computation: the step-up rule from its definition, trying every k.
function bruteBh(p: readonly number[], q: number): boolean[] {
  const m = p.length;
  let best = 0;
  for (let k = 1; k <= m; k++) if (p.filter((x) => x <= (q * k) / m).length >= k) best = k;
  const cut = (q * best) / m;
  return p.map((x) => best > 0 && x <= cut);
}
function bruteEbh(e: readonly number[], q: number): boolean[] {
  const m = e.length;
  let best = 0;
  for (let k = 1; k <= m; k++) if (e.filter((x) => x >= m / (q * k)).length >= k) best = k;
  const cut = m / (q * best);
  return e.map((x) => best > 0 && x >= cut);
}

describe("FDR", () => {
  it("BH on a textbook example", () => {
    // m = 5, q = 0.05: thresholds 0.01 0.02 0.03 0.04 0.05 → p_(3) = 0.025 ≤ 0.03, p_(4) = 0.045 > 0.04
    expect(benjaminiHochberg([0.045, 0.001, 0.6, 0.025, 0.012], 0.05)).toEqual([false, true, false, true, true]);
  });

  it("BH and e-BH equal their definitions on random inputs", () => {
    const rand = mulberry32(42);
    for (let t = 0; t < 200; t++) {
      const m = 1 + Math.floor(rand() * 12);
      const p = Array.from({ length: m }, () => rand() ** 3);
      const e = Array.from({ length: m }, () => Math.exp(rand() * 8) - 1);
      expect(benjaminiHochberg(p, 0.1)).toEqual(bruteBh(p, 0.1));
      expect(eBenjaminiHochberg(e, 0.1)).toEqual(bruteEbh(e, 0.1));
    }
  });

  it("e-BH with one monitor is the plain e ≥ 1/q test", () => {
    expect(eBenjaminiHochberg([20], 0.05)).toEqual([true]);
    expect(eBenjaminiHochberg([19.9], 0.05)).toEqual([false]);
    expect(() => benjaminiHochberg([0.1], 0)).toThrow(/q must be in/);
  });
});
