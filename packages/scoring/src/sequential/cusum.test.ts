import { describe, expect, it } from "vitest";
import { mulberry32 } from "../prng.test-helper";
import {
  cusumPValue,
  cusumThreshold,
  initialCusum,
  markovChainArl,
  normalCusum,
  siegmundArl,
  stepCusum,
  tiltedCusum,
  tiltedIncrements,
} from "./cusum";

function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe("tilted CUSUM", () => {
  it("is exactly the Bernoulli CUSUM of p0 vs p0 + δ for a share", () => {
    const spec = tiltedCusum([1, 0], [0.2, 0.8], 0.1);
    const p0 = 0.2;
    const p1 = 0.3;
    // the Bernoulli LLR: success ln(p1/p0), failure ln((1−p1)/(1−p0))
    const [succ, fail] = tiltedIncrements(spec);
    expect(succ).toBeCloseTo(Math.log(p1 / p0), 12);
    expect(fail).toBeCloseTo(Math.log((1 - p1) / (1 - p0)), 12);
  });

  it("steps per minute from n and Σx the same as summing single observations' LLRs", () => {
    const spec = tiltedCusum([1, 0, -1], [0.45, 0.3, 0.25], -0.2);
    const inc = tiltedIncrements(spec);
    const minutes = [[2, 1, 3], [0, 0, 0], [1, 0, 0], [0, 2, 4], [3, 0, 0]];
    let st = initialCusum();
    let s = 0;
    let since: number | null = null;
    minutes.forEach((c, t) => {
      const n = c[0]! + c[1]! + c[2]!;
      st = stepCusum(spec, st, t * 60_000, n, c[0]! - c[2]!);
      if (n === 0) return;
      s = Math.max(0, s + c[0]! * inc[0]! + c[1]! * inc[1]! + c[2]! * inc[2]!);
      since = s === 0 ? null : (since ?? t * 60_000);
    });
    expect(st.s).toBeCloseTo(s, 12);
    expect(st.s).toBeGreaterThan(0);
    expect(st.since).toBe(since);
  });

  it("Brook–Evans ARL0 matches a simulated run length and respects Lorden's bound e^h", () => {
    const spec = tiltedCusum([1, 0], [0.1, 0.9], 0.1); // abandonment 10% → 20%
    const inc = tiltedIncrements(spec);
    const h = 3;
    const arl = markovChainArl(inc, spec.p0, h, 300);
    expect(arl).toBeGreaterThan(Math.exp(h));
    const rand = mulberry32(5);
    const runs = 1500;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      let t = 0;
      while (s < h) {
        t++;
        s = Math.max(0, s + (rand() < 0.1 ? inc[0]! : inc[1]!));
      }
      total += t;
    }
    const simulated = total / runs;
    // run lengths are roughly geometric: sd of the mean ≈ ARL/√runs ≈ 2.6%
    expect(Math.abs(arl - simulated) / simulated).toBeLessThan(0.1);
  });

  it("cusumThreshold hits the requested ARL0", () => {
    const spec = tiltedCusum([1, 0, -1], [0.4, 0.3, 0.3], -0.1);
    const h = cusumThreshold(spec, 5000);
    const arl = markovChainArl(tiltedIncrements(spec), spec.p0, h);
    expect(Math.abs(arl - 5000) / 5000).toBeLessThan(0.01);
    expect(h).toBeLessThan(Math.log(5000)); // Lorden: e^h ≤ ARL0
  });

  it("refuses a shift that leaves the support", () => {
    expect(() => tiltedCusum([1, 0], [0.9, 0.1], 0.2)).toThrow(/delta/);
  });
});

describe("normal CUSUM", () => {
  it("Siegmund's approximation agrees with simulation for k = 0.5, h = 4 (ARL0 ≈ 336)", () => {
    const approx = siegmundArl(0.5, 4);
    expect(approx).toBeCloseTo((Math.exp(5.166) - 5.166 - 1) / 0.5, 9);
    const rand = mulberry32(9);
    const runs = 1500;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      let t = 0;
      while (s < 4) {
        t++;
        s = Math.max(0, s + normal(rand) - 0.5);
      }
      total += t;
    }
    expect(Math.abs(approx - total / runs) / (total / runs)).toBeLessThan(0.1);
  });

  it("thresholds on the LLR scale map back to the standardised scale", () => {
    const spec = normalCusum(4, 1.5, 0.6); // CES 4 ± 1.5, shift +0.6 (worse)
    const h = cusumThreshold(spec, 20_000);
    const k = 0.6 / 3;
    expect(Math.abs(siegmundArl(k, (h * 1.5) / 0.6) - 20_000) / 20_000).toBeLessThan(1e-6);
    let st = initialCusum();
    st = stepCusum(spec, st, 0, 10, 10 * 4.6);
    expect(st.s).toBeCloseTo((0.6 / 2.25) * (46 - 10 * 4.3), 12);
  });

  it("p-value = min(1, N·e^−S)", () => {
    expect(cusumPValue({ s: 10, n: 50, since: 0 })).toBeCloseTo(50 * Math.exp(-10), 15);
    expect(cusumPValue(initialCusum())).toBe(1);
  });
});
