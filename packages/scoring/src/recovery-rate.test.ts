import { describe, expect, it } from "vitest";
import { mergeStats } from "./merge";
import { mulberry32 } from "./prng.test-helper";
import { recoveryRate, recoveryStatsOf, type RecoveryStats } from "./recovery-rate";

const Z = 1.959963984540054;

function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const c = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const h = (Z / (1 + (Z * Z) / n)) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

type Customer = { before: number | null; after: number | null };

function customers(seed: number, count: number): Customer[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => ({
    before: rand() < 0.1 ? null : Math.floor(rand() * 7), // detractors, a few without an earlier answer
    after: rand() < 0.45 ? null : Math.floor(rand() * 11),
  }));
}

describe("recovery rate of followed-up customers", () => {
  it("equals a direct count over generated customers, with Wilson intervals", () => {
    const list = customers(1, 2000);
    const answered = list.filter((c) => c.after !== null);
    const compared = answered.filter((c) => c.before !== null);
    const improved = compared.filter((c) => c.after! > c.before!).length;
    const promoters = compared.filter((c) => c.before! <= 8 && c.after! >= 9).length;

    const r = recoveryRate(recoveryStatsOf(list));
    expect(r.response).toMatchObject({
      count: answered.length,
      n: 2000,
      value: answered.length / 2000,
    });
    expect(r.improved).toMatchObject({
      count: improved,
      n: compared.length,
      value: improved / compared.length,
    });
    expect(r.becamePromoters).toMatchObject({ count: promoters, n: compared.length });
    expect(r.value).toBe(improved / compared.length);
    expect(r.n).toBe(compared.length);
    for (const [got, x, n] of [
      [r.ci95!, improved, compared.length],
      [r.becamePromoters.ci95!, promoters, compared.length],
      [r.response.ci95!, answered.length, 2000],
    ] as const) {
      const [lo, hi] = wilson(x, n);
      expect(got[0]).toBeCloseTo(lo, 12);
      expect(got[1]).toBeCloseTo(hi, 12);
    }
  });

  it("worked example from the README", () => {
    // before → after: 3→8, 6→9, 2→2, 5→null, null→10, 0→10
    const s = recoveryStatsOf([
      { before: 3, after: 8 },
      { before: 6, after: 9 },
      { before: 2, after: 2 },
      { before: 5, after: null },
      { before: null, after: 10 },
      { before: 0, after: 10 },
    ]);
    expect(s).toEqual({ followedUp: 6, answered: 5, compared: 4, improved: 3, becamePromoters: 2 });
    const r = recoveryRate(s);
    expect(r.value).toBe(0.75);
    expect(r.becamePromoters.value).toBe(0.5);
    expect(r.ci95![0]).toBeCloseTo(0.3006, 4);
    expect(r.ci95![1]).toBeCloseTo(0.9544, 4);
  });

  it("merges by addition, and refuses counts that contradict each other", () => {
    const a = customers(2, 300);
    const b = customers(3, 500);
    expect(mergeStats(recoveryStatsOf(a), recoveryStatsOf(b))).toEqual(
      recoveryStatsOf([...a, ...b]),
    );
    const ok: RecoveryStats = {
      followedUp: 10,
      answered: 6,
      compared: 5,
      improved: 3,
      becamePromoters: 1,
    };
    expect(() => recoveryRate({ ...ok, answered: 11 })).toThrow(/answered must be ≤ followedUp/);
    expect(() => recoveryRate({ ...ok, improved: 6 })).toThrow(/improved must be ≤ compared/);
    expect(() => recoveryRate({ ...ok, becamePromoters: 4 })).toThrow(
      /becamePromoters must be ≤ improved/,
    );
    expect(() => recoveryRate({ ...ok, compared: -1 })).toThrow(
      /compared must be a non-negative integer/,
    );
    expect(() => recoveryStatsOf([{ before: 3, after: 11 }])).toThrow(
      /after is an NPS answer 0–10/,
    );
  });

  it("nobody answered yet: shares are null, not 0", () => {
    const r = recoveryRate(recoveryStatsOf([{ before: 2, after: null }]));
    expect(r).toMatchObject({ value: null, ci95: null, n: 0, response: { value: 0, n: 1 } });
    expect(r.becamePromoters.value).toBeNull();
  });
});
