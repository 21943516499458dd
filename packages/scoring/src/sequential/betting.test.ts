import { describe, expect, it } from "vitest";
import { mulberry32 } from "../prng.test-helper";
import {
  initialEProcess,
  stepCategorical,
  stepHoeffding,
  type CategoricalSpec,
  type EProcessState,
} from "./betting";

const NPS: readonly number[] = [1, 0, -1];

/** Draws one minute of NPS categories with probabilities [promoter, passive, detractor]. */
function drawMinute(rand: () => number, n: number, probs: readonly number[]): number[] {
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const u = rand();
    counts[u < probs[0]! ? 0 : u < probs[0]! + probs[1]! ? 1 : 2]! += 1;
  }
  return counts;
}

/**
 * Independent computation: the wealth as a product over every single observation, each minute's
 * bet recomputed from the full list of past minutes, an observation weighted 0.5^(L/halfLife)
 * with L the number of observations in later minutes.
 */
function bruteForceWealth(spec: CategoricalSpec, minutes: readonly number[][]): number {
  const sign = spec.side === "below" ? -1 : 1;
  const ys = spec.support.map((x) => sign * (x - spec.target));
  const cap = 0.5 / -Math.min(...ys);
  const range = Math.max(...ys) - Math.min(...ys);
  const H = spec.halfLife ?? 500;
  const past: number[][] = [];
  let wealth = 1;
  for (const counts of minutes) {
    let sy = 0;
    let syy = 0;
    let later = 0;
    for (let m = past.length - 1; m >= 0; m--) {
      const w = Math.pow(0.5, later / H);
      for (const y of past[m]!) {
        sy += w * y;
        syy += w * y * y;
      }
      later += past[m]!.length;
    }
    const lambda = Math.min(cap, Math.max(0, sy / (syy + (range / 2) ** 2)));
    const obs: number[] = [];
    counts.forEach((k, c) => {
      for (let j = 0; j < k; j++) obs.push(ys[c]!);
    });
    for (const y of obs) wealth *= 1 + lambda * y;
    past.push(obs);
  }
  return wealth;
}

describe("categorical betting e-process", () => {
  it("equals the product over single observations with the same predictable bets", () => {
    const rand = mulberry32(7);
    const spec: CategoricalSpec = { support: NPS, target: 0.3, side: "below", halfLife: 40 };
    const minutes = Array.from({ length: 60 }, () => drawMinute(rand, Math.floor(rand() * 6), [0.3, 0.3, 0.4]));
    let st: EProcessState = initialEProcess();
    for (const m of minutes) st = stepCategorical(spec, st, m);
    expect(st.logE).toBeCloseTo(Math.log(bruteForceWealth(spec, minutes)), 9);
    expect(st.n).toBe(minutes.flat().reduce((a, b) => a + b, 0));
    expect(st.logE).toBeGreaterThan(Math.log(2)); // NPS −10 against a target of 30: evidence grows
  });

  it("keeps P(ever ≥ 1/α) ≤ α under the null (simulation, NPS exactly at the target)", () => {
    const rand = mulberry32(11);
    const alpha = 0.05;
    const runs = 400;
    let alarms = 0;
    // promoters 40%, passives 30%, detractors 30%: NPS = +10 = target
    for (let r = 0; r < runs; r++) {
      let st = initialEProcess();
      const spec: CategoricalSpec = { support: NPS, target: 0.1, side: "below" };
      for (let t = 0; t < 400; t++) {
        st = stepCategorical(spec, st, drawMinute(rand, 3, [0.4, 0.3, 0.3]));
        if (st.logE >= Math.log(1 / alpha)) {
          alarms++;
          break;
        }
      }
    }
    // binomial(400, ≤ 0.05): mean ≤ 20, sd ≈ 4.4; 36 is 3.6 sd above
    expect(alarms).toBeLessThan(36);
  });

  it("detects a share below target and stays silent for a share above it", () => {
    const rand = mulberry32(3);
    const share: CategoricalSpec = { support: [1, 0], target: 0.8, side: "below" };
    let low = initialEProcess();
    let high = initialEProcess();
    for (let t = 0; t < 500; t++) {
      const k = 4;
      const lowHits = Array.from({ length: k }, () => (rand() < 0.7 ? 1 : 0)).reduce<number>((a, b) => a + b, 0);
      const highHits = Array.from({ length: k }, () => (rand() < 0.9 ? 1 : 0)).reduce<number>((a, b) => a + b, 0);
      low = stepCategorical(share, low, [lowHits, k - lowHits]);
      high = stepCategorical(share, high, [highHits, k - highHits]);
    }
    expect(low.logE).toBeGreaterThan(Math.log(100));
    expect(high.logE).toBeLessThan(Math.log(2));
  });

  it("rejects a target outside the support and a count vector of the wrong length", () => {
    expect(() => stepCategorical({ support: [1, 0], target: 1, side: "below" }, initialEProcess(), [1, 1])).toThrow(/target must lie strictly inside/);
    expect(() => stepCategorical({ support: [1, 0], target: 0.5, side: "below" }, initialEProcess(), [1])).toThrow(/counts/);
  });
});

describe("Hoeffding e-process for a bounded mean", () => {
  it("matches the closed form exp(λΣy − nλ²R²/8) minute by minute", () => {
    const spec = { lower: 1, upper: 7, target: 3, side: "above" as const, halfLife: 50 };
    const minutes: Array<[number, number]> = [[4, 16], [2, 9], [5, 22], [0, 0], [3, 13]];
    let st = initialEProcess();
    let logE = 0;
    let sy = 0;
    let w = 0;
    for (const [n, sum] of minutes) {
      // independent: the bet from an explicitly discounted mean of past y
      const lam = Math.min(2 / 6, Math.max(0, (4 * (sy / (w + 1))) / 36));
      if (n > 0) {
        logE += lam * (sum - 3 * n) - (n * lam * lam * 36) / 8;
        const d = Math.pow(0.5, n / 50);
        sy = sy * d + (sum - 3 * n);
        w = w * d + n;
      }
      st = stepHoeffding(spec, st, n, sum);
    }
    expect(st.logE).toBeCloseTo(logE, 12);
    expect(st.logE).toBeGreaterThan(0);
  });

  it("refuses a sum outside [n·lower, n·upper]", () => {
    expect(() => stepHoeffding({ lower: 1, upper: 7, target: 3, side: "above" }, initialEProcess(), 2, 20)).toThrow(/sum must lie/);
  });
});
