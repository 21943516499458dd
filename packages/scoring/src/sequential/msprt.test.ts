import { describe, expect, it } from "vitest";
import { mulberry32 } from "../prng.test-helper";
import { initialMsprt, msprtLogE, msprtLogLr, stepMsprt } from "./msprt";

function normal(rand: () => number): number {
  // Box–Muller
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

describe("normal-mixture SPRT", () => {
  it("equals the mixture likelihood ratio integrated numerically over θ ~ N(m, τ²)", () => {
    const n = 25;
    const mean = 10.8;
    const m = 10;
    const sigma2 = 4;
    const tau2 = 1;
    // ∫ exp(n(θ − m)(x̄ − (θ + m)/2)/σ²) φ(θ; m, τ²) dθ by the trapezoid rule
    let integral = 0;
    const step = 1e-3;
    for (let th = m - 12; th <= m + 12; th += step) {
      const logLr = (n * (th - m) * (mean - (th + m) / 2)) / sigma2;
      const dens = Math.exp(-((th - m) ** 2) / (2 * tau2)) / Math.sqrt(2 * Math.PI * tau2);
      integral += Math.exp(logLr) * dens * step;
    }
    expect(msprtLogLr(n, mean, m, sigma2, tau2)).toBeCloseTo(Math.log(integral), 6);
  });

  it("crosses 1/α for at most about α of null streams (simulation) and quickly under a shift", () => {
    const rand = mulberry32(21);
    let falseAlarms = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      let st = initialMsprt();
      for (let t = 0; t < 300; t++) {
        const xs = [normal(rand) * 30 + 60, normal(rand) * 30 + 60];
        st = stepMsprt(st, 2, xs[0]! + xs[1]!, xs[0]! ** 2 + xs[1]! ** 2);
        if (st.n >= 30 && msprtLogE(st, 60) >= Math.log(20)) {
          falseAlarms++;
          break;
        }
      }
    }
    expect(falseAlarms / runs).toBeLessThan(0.05 + 3 * Math.sqrt(0.05 * 0.95 / runs));
    let shifted = initialMsprt();
    let hit = -1;
    for (let t = 0; t < 300 && hit < 0; t++) {
      const x = normal(rand) * 30 + 80;
      shifted = stepMsprt(shifted, 1, x, x * x);
      if (shifted.n >= 30 && msprtLogE(shifted, 60) >= Math.log(20)) hit = t;
    }
    expect(hit).toBeGreaterThan(0);
  });

  it("gives no evidence before two observations", () => {
    expect(msprtLogE(stepMsprt(initialMsprt(), 1, 5, 25), 1)).toBe(0);
  });
});
