import { describe, expect, it } from "vitest";
import { complaintRate, meanHoursToResolve, rate } from "./rates";
import { mulberry32 } from "./prng.test-helper";
import { tQuantile } from "./student-t";
import { InvalidStatsError } from "./validate";

describe("rate (FCR, abandonment)", () => {
  it("share with the Wilson interval; 8/10 → [0.4902, 0.9433]", () => {
    const r = rate({ successes: 8, n: 10 });
    expect(r.value).toBe(0.8);
    expect(r.ci95![0]).toBeCloseTo(0.4902, 4);
    expect(r.ci95![1]).toBeCloseTo(0.9433, 4);
  });
  it("matches a by-hand Wilson computation on random outcomes", () => {
    const rand = mulberry32(3);
    const z = 1.959963984540054;
    const outcomes = Array.from({ length: 1000 }, () => rand() < 0.73);
    const x = outcomes.filter(Boolean).length;
    const n = outcomes.length;
    const p = x / n;
    const centre = (x + (z * z) / 2) / (n + z * z);
    const half = ((z * Math.sqrt(n)) / (n + z * z)) * Math.sqrt(p * (1 - p) + (z * z) / (4 * n));
    const r = rate({ successes: x, n });
    expect(r.value!).toBeCloseTo(p, 15);
    expect(r.ci95![0]).toBeCloseTo(centre - half, 12);
    expect(r.ci95![1]).toBeCloseTo(centre + half, 12);
  });
  it("edges", () => {
    expect(rate({ successes: 0, n: 0 })).toEqual({ value: null, successes: 0, n: 0, ci95: null });
    expect(rate({ successes: 0, n: 1 }).ci95![0]).toBe(0);
    expect(rate({ successes: 1, n: 1 }).ci95![1]).toBe(1);
    expect(() => rate({ successes: 3, n: 2 })).toThrow(InvalidStatsError);
  });
});

describe("complaintRate", () => {
  it("per 1,000 contacts with the exact Poisson interval (10 complaints → [4.7954, 18.3904] per contacts)", () => {
    const c = complaintRate({ complaints: 10, contacts: 2000 });
    expect(c.value).toBe(5);
    expect(c.ci95![0]).toBeCloseTo((4.7953886961324335 * 1000) / 2000, 12);
    expect(c.ci95![1]).toBeCloseTo((18.39035604201778 * 1000) / 2000, 12);
    const zero = complaintRate({ complaints: 0, contacts: 1000 });
    expect(zero.value).toBe(0);
    expect(zero.ci95![0]).toBe(0);
    expect(zero.ci95![1]).toBeCloseTo(3.6888794541139354, 12);
    expect(complaintRate({ complaints: 0, contacts: 0 }).value).toBeNull();
  });
});

describe("meanHoursToResolve", () => {
  it("mean and t-interval in hours from seconds sums", () => {
    const secs = [3600, 7200, 1800, 86400, 5400];
    const n = secs.length;
    const mean = secs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(secs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const half = (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
    const got = meanHoursToResolve({
      n,
      sumSeconds: secs.reduce((s, x) => s + x, 0),
      sumSqSeconds: secs.reduce((s, x) => s + x * x, 0),
    });
    expect(got.value!).toBeCloseTo(mean / 3600, 12);
    expect(got.sd!).toBeCloseTo(sd / 3600, 12);
    expect(got.ci95![0]).toBeCloseTo((mean - half) / 3600, 12);
    expect(got.ci95![1]).toBeCloseTo((mean + half) / 3600, 12);
    expect(meanHoursToResolve({ n: 0, sumSeconds: 0, sumSqSeconds: 0 }).value).toBeNull();
  });
});
