import { describe, expect, it } from "vitest";
import { keyDrivers } from "./key-drivers";
import {
  csatTop2Outcome,
  npsOutcome,
  operationalDrivers,
  type OperationalDriverRow,
  type OperationalDriversAnalysis,
} from "./operational-drivers";
import { mulberry32 } from "./prng.test-helper";
import { tQuantile, tTwoSidedP } from "./student-t";

const DRIVERS = [
  "waited_5m",
  "abandoned_before",
  "transferred",
  "repeat_contact",
  "open_complaint",
];

/**
 * Respondents with correlated operational drivers. The NPS answer bucket is drawn from
 * P(promoter) = 0.5 + Σ effect_d·x_d/200, P(passive) = 0.3, P(detractor) = 0.2 − Σ effect_d·x_d/200, so
 * that E[coded score] = 30 + Σ effect_d·x_d exactly: the linear model holds with these effects.
 */
function respondents(
  seed: number,
  n: number,
  effects: Record<string, number>,
): OperationalDriverRow[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const waited = rand() < 0.3;
    const x: Record<string, boolean> = {
      waited_5m: waited,
      abandoned_before: rand() < (waited ? 0.25 : 0.08),
      transferred: rand() < 0.2,
      repeat_contact: rand() < (waited ? 0.3 : 0.12),
      open_complaint: rand() < 0.06,
    };
    const shift = Object.entries(effects).reduce((s, [d, e]) => s + (x[d] ? e : 0), 0) / 200;
    const u = rand();
    const answer =
      u < 0.5 + shift
        ? 9 + Math.floor(rand() * 2)
        : u < 0.8 + shift
          ? 7 + Math.floor(rand() * 2)
          : Math.floor(rand() * 7);
    return { score: npsOutcome(answer), drivers: x };
  });
}

/** Gauss–Jordan inverse with partial pivoting. */
function invert(a: number[][]): number[][] {
  const p = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    m[c] = m[c]!.map((v) => v / d);
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      m[r] = m[r]!.map((v, j) => v - f * m[c]![j]!);
    }
  }
  return m.map((row) => row.slice(p));
}

/** Normal equations (XᵀX)β = Xᵀy solved by an explicit inverse; classical and HC3 sandwich by definition. */
function referenceOls(rows: OperationalDriverRow[], names: string[]) {
  const x = rows.map((r) => [1, ...names.map((d) => Number(r.drivers[d]))]);
  const y = rows.map((r) => r.score!);
  const n = x.length;
  const p = names.length + 1;
  const xtx = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => x.reduce((s, xi) => s + xi[a]! * xi[b]!, 0)),
  );
  const xty = Array.from({ length: p }, (_, a) => x.reduce((s, xi, i) => s + xi[a]! * y[i]!, 0));
  const c = invert(xtx);
  const beta = c.map((row) => row.reduce((s, v, b) => s + v * xty[b]!, 0));
  const e = x.map((xi, i) => y[i]! - xi.reduce((s, v, a) => s + v * beta[a]!, 0));
  const sse = e.reduce((s, v) => s + v * v, 0);
  const classical = c.map((row, a) => Math.sqrt((sse / (n - p)) * row[a]!));
  const meat = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  x.forEach((xi, i) => {
    const cx = c.map((row) => row.reduce((s, v, b) => s + v * xi[b]!, 0));
    const h = xi.reduce((s, v, a) => s + v * cx[a]!, 0);
    const w = (e[i]! / (1 - h)) ** 2;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a]![b]! += w * xi[a]! * xi[b]!;
  });
  const cm = c.map((row) =>
    Array.from({ length: p }, (_, b) => row.reduce((s, v, k) => s + v * meat[k]![b]!, 0)),
  );
  const hc3 = Array.from({ length: p }, (_, a) =>
    Math.sqrt(cm[a]!.reduce((s, v, k) => s + v * c[k]![a]!, 0)),
  );
  const ym = y.reduce((s, v) => s + v, 0) / n;
  const sst = y.reduce((s, v) => s + (v - ym) ** 2, 0);
  return { beta, classical, hc3, r2: 1 - sse / sst, df: n - p };
}

function analyse(
  rows: OperationalDriverRow[],
  opts: Parameters<typeof operationalDrivers>[1] = {},
): OperationalDriversAnalysis {
  const res = operationalDrivers(rows, opts);
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe("operational drivers (OLS with HC3 standard errors, LMG importance)", () => {
  it("recovers a planted effect: waiting more than 5 minutes lowers NPS by 20 points", () => {
    const rows = respondents(42, 4000, { waited_5m: -20 });
    const a = analyse(rows);
    const waited = a.drivers.find((d) => d.driver === "waited_5m")!;
    expect(waited.coefficient).toBeLessThan(0);
    expect(waited.significant).toBe(true);
    expect(waited.pValue!).toBeLessThan(1e-6);
    expect(waited.ci95![0]).toBeLessThanOrEqual(-20);
    expect(waited.ci95![1]).toBeGreaterThanOrEqual(-20);
    expect(a.drivers[0]!.driver).toBe("waited_5m"); // the most important driver
    expect(a.n).toBe(4000);
    expect(a.intercept.ci95![0]).toBeLessThan(30);
    expect(a.intercept.ci95![1]).toBeGreaterThan(30);
    console.log(
      `planted −20: waited_5m ${waited.coefficient.toFixed(2)} [${waited.ci95!.map((v) => v.toFixed(2)).join(", ")}] p=${waited.pValue!.toExponential(2)}`,
    );
  });

  it("matches an independent OLS (normal equations by Gauss–Jordan; classical and HC3 by definition)", () => {
    const rows = respondents(7, 1500, { waited_5m: -20, open_complaint: -35, transferred: -8 });
    const ref = referenceOls(rows, DRIVERS);
    for (const se of ["hc3", "classical"] as const) {
      const a = analyse(rows, { drivers: DRIVERS, se });
      expect(a.df).toBe(ref.df);
      expect(rel(a.r2, ref.r2)).toBeLessThan(1e-9);
      expect(rel(a.intercept.coefficient, ref.beta[0]!)).toBeLessThan(1e-9);
      expect(rel(a.intercept.se!, ref[se][0]!)).toBeLessThan(1e-9);
      for (const d of a.drivers) {
        const j = DRIVERS.indexOf(d.driver) + 1;
        expect(rel(d.coefficient, ref.beta[j]!)).toBeLessThan(1e-9);
        expect(rel(d.se!, ref[se][j]!)).toBeLessThan(1e-9);
        const t = ref.beta[j]! / ref[se][j]!;
        expect(rel(d.statistic!, t)).toBeLessThan(1e-9);
        expect(rel(d.pValue!, tTwoSidedP(t, ref.df))).toBeLessThan(1e-8);
        const half = tQuantile(0.975, ref.df) * ref[se][j]!;
        expect(rel(d.ci95![0], ref.beta[j]! - half)).toBeLessThan(1e-9);
      }
    }
    // HC3 and classical differ on a 0/±100 outcome whose variance depends on the drivers.
    const hc3 = analyse(rows, { drivers: DRIVERS }).drivers.find(
      (d) => d.driver === "open_complaint",
    )!;
    const cl = analyse(rows, { drivers: DRIVERS, se: "classical" }).drivers.find(
      (d) => d.driver === "open_complaint",
    )!;
    expect(Math.abs(hc3.se! - cl.se!) / cl.se!).toBeGreaterThan(0.01);
  });

  it("importance is the LMG decomposition of key-drivers on the same rows (Σ = 1, Σ raw = R²)", () => {
    const rows = respondents(8, 2000, { waited_5m: -20, repeat_contact: -15 });
    const a = analyse(rows);
    const lmg = keyDrivers(
      rows.map((r) => ({
        overall: r.score,
        drivers: Object.fromEntries(DRIVERS.map((d) => [d, Number(r.drivers[d])])),
      })),
    );
    if (!lmg.ok) throw new Error(lmg.error.message);
    expect(rel(a.r2, lmg.value.r2)).toBeLessThan(1e-9);
    for (const d of a.drivers) {
      const k = lmg.value.drivers.find((x) => x.driver === d.driver)!;
      expect(d.importance).toBe(k.importance);
      expect(d.rawWeight).toBe(k.rawWeight);
      expect(rel(d.beta, k.beta)).toBeLessThan(1e-9);
      expect(rel(d.correlation, k.correlation)).toBeLessThan(1e-12);
    }
    expect(a.drivers.reduce((s, d) => s + d.importance!, 0)).toBeCloseTo(1, 12);
  });

  it("finds nothing where nothing was planted: false-positive rate near 5% over many seeds (reported)", () => {
    let tests = 0;
    let significant = 0;
    for (let seed = 1; seed <= 300; seed++) {
      for (const d of analyse(respondents(1000 + seed, 400, {})).drivers) {
        tests++;
        if (d.significant) significant++;
      }
    }
    const fpRate = significant / tests;
    console.log(
      `no planted effect: ${significant}/${tests} driver tests significant at 5% (${(100 * fpRate).toFixed(2)}%)`,
    );
    expect(tests).toBe(1500);
    expect(fpRate).toBeGreaterThan(0.03);
    expect(fpRate).toBeLessThan(0.07);
  }, 60_000); // 300 fits: CPU-bound, and the machine is shared

  it("constant and collinear drivers get a clear reason and the model is fitted without them (no NaN)", () => {
    const rows = respondents(9, 800, { waited_5m: -20 }).map((r) => ({
      score: r.score,
      drivers: {
        ...r.drivers,
        always_online: true, // constant
        waited_copy: r.drivers.waited_5m, // collinear with waited_5m
        either: Number(r.drivers.transferred) + Number(r.drivers.open_complaint), // sum of two others
      },
    }));
    const names = [...DRIVERS, "always_online", "waited_copy", "either"];
    const a = analyse(rows, { drivers: names });
    expect(a.dropped.map((d) => [d.driver, d.reason])).toEqual([
      ["always_online", "constant"],
      ["waited_copy", "collinear"],
      ["either", "collinear"],
    ]);
    expect(a.dropped[0]!.message).toMatch(/same value for every respondent/);
    expect(a.dropped[1]!.message).toMatch(/linear combination/);
    const plain = analyse(rows, { drivers: DRIVERS });
    expect(a.drivers.map((d) => d.driver).sort()).toEqual([...DRIVERS].sort());
    for (const d of a.drivers) {
      const p = plain.drivers.find((x) => x.driver === d.driver)!;
      expect(rel(d.coefficient, p.coefficient)).toBeLessThan(1e-9);
      expect(rel(d.se!, p.se!)).toBeLessThan(1e-9);
    }
    expect(JSON.stringify(a)).not.toMatch(/NaN/);
    expect(a.drivers.every((d) => Number.isFinite(d.se) && Number.isFinite(d.pValue))).toBe(true);
  });

  it("a driver seen on one respondent only has no HC3 SE: dropped as leverage_one (kept with classical SEs)", () => {
    const rows = respondents(10, 300, {}).map((r, i) => ({
      score: r.score,
      drivers: { ...r.drivers, vip: i === 17 },
    }));
    const a = analyse(rows, { drivers: [...DRIVERS, "vip"] });
    expect(a.dropped.map((d) => [d.driver, d.reason])).toEqual([["vip", "leverage_one"]]);
    expect(a.dropped[0]!.message).toMatch(/leverage 1/);
    expect(a.drivers.every((d) => d.se !== null && Number.isFinite(d.se))).toBe(true);
    const cl = analyse(rows, { drivers: [...DRIVERS, "vip"], se: "classical" });
    expect(cl.drivers.some((d) => d.driver === "vip")).toBe(true);
  });

  it("past 12 drivers the regression still runs; importance is null and says why", () => {
    const rand = mulberry32(12);
    const names = Array.from({ length: 13 }, (_, j) => `d${String(j).padStart(2, "0")}`);
    const rows = Array.from({ length: 300 }, () => ({
      score: rand() < 0.5 ? 100 : -100,
      drivers: Object.fromEntries(names.map((d) => [d, rand() < 0.3])),
    }));
    const a = analyse(rows);
    expect(a.drivers).toHaveLength(13);
    expect(a.drivers.every((d) => d.importance === null && Number.isFinite(d.pValue))).toBe(true);
    expect(a.importanceNote).toMatch(/at most 12 drivers \(got 13\)/);
    expect(analyse(respondents(1, 300, {})).importanceNote).toBeNull();
  });

  it("uses complete cases and reports the rows left out", () => {
    const rows = respondents(11, 500, {});
    rows[3] = { score: null, drivers: rows[3]!.drivers };
    rows[4] = { score: rows[4]!.score, drivers: { ...rows[4]!.drivers, transferred: null } };
    const { open_complaint: _, ...withoutComplaint } = rows[5]!.drivers;
    rows[5] = { score: rows[5]!.score, drivers: withoutComplaint };
    const a = analyse(rows);
    expect(a.n).toBe(497);
    expect(a.excludedRows).toBe(3);
    expect(a.drivers.every((d) => d.n === 497)).toBe(true);
  });

  it("clear errors: no drivers, too few rows, a constant outcome, nothing estimable", () => {
    expect(operationalDrivers([{ score: 100, drivers: {} }])).toMatchObject({
      ok: false,
      error: { code: "no_drivers" },
    });
    expect(operationalDrivers(respondents(1, 6, {}))).toMatchObject({
      ok: false,
      error: { code: "too_few_rows" },
    });
    const flat = respondents(2, 50, {}).map((r) => ({ ...r, score: 0 }));
    expect(operationalDrivers(flat)).toMatchObject({
      ok: false,
      error: { code: "constant_outcome" },
    });
    const constant = respondents(3, 50, {}).map((r) => ({
      score: r.score,
      drivers: { a: 1, b: false },
    }));
    const none = operationalDrivers(constant);
    expect(none).toMatchObject({ ok: false, error: { code: "no_usable_drivers" } });
    expect(!none.ok && none.error.message).toMatch(/a \(constant\), b \(constant\)/);
  });

  it("worked example from the README: one boolean driver is a difference of NPS, HC3 var = s₁²/(n₁−1) + s₀²/(n₀−1)", () => {
    const waited = [-100, -100, 0, 100]; // NPS −25
    const not = [100, 100, 0, 100, -100, 100]; // NPS 50
    const rows = [
      ...waited.map((score) => ({ score, drivers: { waited_5m: true } })),
      ...not.map((score) => ({ score, drivers: { waited_5m: false } })),
    ];
    const a = analyse(rows);
    const d = a.drivers[0]!;
    expect(d.coefficient).toBeCloseTo(-75, 12);
    expect(a.intercept.coefficient).toBeCloseTo(50, 12);
    // s₁² = 27500/3, s₀² = 35000/5
    expect(d.se!).toBeCloseTo(Math.sqrt(27500 / 3 / 3 + 7000 / 5), 10);
    expect(a.intercept.se!).toBeCloseTo(Math.sqrt(1400), 10);
    expect(d.statistic!).toBeCloseTo(-1.1236, 4);
    expect(d.pValue!).toBeCloseTo(0.2938, 4);
    expect(d.significant).toBe(false);
    expect(a.df).toBe(8);
    expect(d.importance).toBe(1);
  });

  it("codes outcomes so their mean is the score", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsOutcome)).toEqual([-100, -100, 0, 0, 100, 100]);
    expect([1, 3, 4, 5].map(csatTop2Outcome)).toEqual([0, 0, 1, 1]);
    expect(() => npsOutcome(11)).toThrow(/integer 0–10/);
    expect(() => csatTop2Outcome(0)).toThrow(/integer 1–5/);
  });
});
