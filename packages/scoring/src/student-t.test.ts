import { describe, expect, it } from "vitest";
import { Z95 } from "./special-functions";
import { tCdf, tQuantile, tTwoSidedP } from "./student-t";

describe("Student t quantile", () => {
  it("matches the published table t_{0.975, df} to 1e-6 (in fact 1e-9)", () => {
    const table: [number, number][] = [
      [1, 12.706204736],
      [2, 4.30265273],
      [5, 2.570581836],
      [10, 2.228138852],
      [30, 2.042272456],
      [100, 1.983971519],
      [1000, 1.962339081],
    ];
    for (const [df, want] of table) {
      expect(Math.abs(tQuantile(0.975, df) - want)).toBeLessThan(1e-9);
      expect(tQuantile(0.025, df)).toBeCloseTo(-tQuantile(0.975, df), 12);
    }
  });

  it("matches 40-digit mpmath references to 1e-13 relative, including huge df", () => {
    // mpmath.findroot on betainc(ν/2, ½, 0, ν/(ν+t²))/2 = α at 40 digits.
    const refs: [number, number, number][] = [
      [0.975, 1e4, 1.9602012398906263],
      [0.975, 1e5, 1.9599877075346097],
      [0.975, 1e6, 1.959966356814107],
      [0.975, 1e8, 1.9599640082627667],
      [0.001, 3.5, -8.315567604516117],
      [0.9, 3.5, 1.5765766051364052],
      [0.001, 50, -3.2614090557983184],
      [0.9, 1000, 1.2823987214609245],
      [0.001, 1e5, -3.0903138094272378],
    ];
    for (const [p, df, want] of refs)
      expect(Math.abs(tQuantile(p, df) - want) / Math.abs(want)).toBeLessThan(1e-13);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(Z95, 14);
  });

  it("closed forms for df = 1 (Cauchy) and df = 2", () => {
    for (const p of [0.001, 0.1, 0.3, 0.6, 0.95, 0.9999]) {
      const cauchy = Math.tan(Math.PI * (p - 0.5));
      expect(Math.abs(tQuantile(p, 1) - cauchy) / Math.abs(cauchy)).toBeLessThan(1e-12);
      const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
      expect(Math.abs(tQuantile(p, 2) - two) / Math.abs(two)).toBeLessThan(1e-12);
    }
  });

  it("inverts the CDF for fractional df (Welch)", () => {
    for (const df of [1.3, 4.7, 16.74, 250.5]) {
      for (const p of [0.0005, 0.025, 0.3, 0.5, 0.8, 0.975])
        expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 14);
    }
  });
});

describe("Student t CDF", () => {
  it("closed forms: Cauchy and df = 2", () => {
    for (const t of [-30, -2, -0.5, 0, 0.7, 3, 100]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
  });
  it("matches mpmath references and tail p-values", () => {
    const refs: [number, number][] = [
      [3.5, 0.03784732190474504],
      [50, 0.007872479136560001],
      [1000, 0.006289283900545398],
      [1e5, 0.006210459596279523],
    ];
    for (const [df, want] of refs)
      expect(Math.abs(tCdf(-2.5, df) - want) / want).toBeLessThan(1e-12);
    expect(Math.abs(tTwoSidedP(3, 7.3) - 0.018980551023133497) / 0.018980551023133497).toBeLessThan(
      1e-12,
    );
    expect(tTwoSidedP(0, 5)).toBe(1);
  });
});
