import { describe, expect, it } from "vitest";
import { mulberry32, poisson } from "../prng.test-helper";
import { cusumThreshold, initialCusum, markovChainArl, poissonCusum, stepCusum } from "./cusum";
import { initialPoissonE, stepPoissonE } from "./poisson";


describe("Poisson e-process", () => {
  it("adds λk − m·e·(e^λ − 1) with the bet from the discounted past rate", () => {
    const m = 0.02;
    const minutes: Array<[number, number]> = [[50, 3], [40, 0], [60, 5]];
    let st = initialPoissonE();
    let logE = 0;
    let dE = 0;
    let dC = 0;
    for (const [e, k] of minutes) {
      const lam = Math.min(Math.log(4), Math.max(0, Math.log((dC + m) / (dE + 1) / m)));
      logE += lam * k - m * e * (Math.exp(lam) - 1);
      const d = Math.pow(0.5, e / 5000);
      dE = dE * d + e;
      dC = dC * d + k;
      st = stepPoissonE(m, st, e, k);
    }
    expect(st.logE).toBeCloseTo(logE, 12);
    expect(st.count).toBe(8);
  });

  it("rarely crosses 1/α at the null rate and crosses it at twice the rate (simulation)", () => {
    const rand = mulberry32(17);
    const runs = 300;
    let alarms = 0;
    for (let r = 0; r < runs; r++) {
      let st = initialPoissonE();
      for (let t = 0; t < 500; t++) {
        st = stepPoissonE(0.02, st, 20, poisson(rand, 0.4));
        if (st.logE >= Math.log(20)) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / runs).toBeLessThan(0.05 + 3 * Math.sqrt(0.05 * 0.95 / runs));
    let st = initialPoissonE();
    for (let t = 0; t < 500; t++) st = stepPoissonE(0.02, st, 20, poisson(rand, 0.8));
    expect(st.logE).toBeGreaterThan(Math.log(100));
  });
});

describe("Poisson CUSUM", () => {
  it("steps k·ln(r1/r0) − e·(r1 − r0) and its threshold's ARL matches simulation", () => {
    const spec = poissonCusum(0.05, 0.05);
    const st = stepCusum(spec, initialCusum(), 0, 10, 3);
    expect(st.s).toBeCloseTo(3 * Math.log(2) - 10 * 0.05, 12);
    const h = cusumThreshold(spec, 400);
    const rand = mulberry32(23);
    let total = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      let t = 0;
      while (s < h) {
        t++;
        s = Math.max(0, s + poisson(rand, 0.05) * Math.log(2) - 0.05);
      }
      total += t;
    }
    expect(Math.abs(total / runs - 400) / 400).toBeLessThan(0.12);
    expect(markovChainArl([Math.log(2) - 0.05, -0.05], [0.05, 0.95], 1)).toBeGreaterThan(Math.E); // Lorden
  });
});
