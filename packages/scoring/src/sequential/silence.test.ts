import { describe, expect, it } from "vitest";
import { poissonLowerTail, silenceTest } from "./silence";

function bruteTail(k: number, mu: number): number {
  let term = Math.exp(-mu);
  let s = term;
  for (let i = 1; i <= k; i++) {
    term *= mu / i;
    s += term;
  }
  return s;
}

describe("silence (Poisson lower tail)", () => {
  it("equals the summed Poisson pmf", () => {
    for (const [k, mu] of [[0, 3], [2, 7.5], [10, 30], [40, 40]] as const)
      expect(poissonLowerTail(k, mu)).toBeCloseTo(bruteTail(k, mu), 12);
  });

  it("calls silence only for a busy touchpoint far below its expectation", () => {
    expect(silenceTest(0, 20)).toMatchObject({ silent: true }); // e^−20 ≈ 2e−9
    expect(silenceTest(0, 5).silent).toBe(false); // expected below minExpected
    expect(silenceTest(12, 20).silent).toBe(false);
    expect(silenceTest(0, 20).p).toBeCloseTo(Math.exp(-20), 20);
  });
});
