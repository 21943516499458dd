import { describe, expect, it } from "vitest";
import { actionEffect, MDE_MULTIPLIER, type ActionEffect } from "./action-effect";
import { compareNps } from "./compare";
import { momentStatsOf } from "./moments";
import { npsStatsOf } from "./nps";
import { mulberry32 } from "./prng.test-helper";
import { normalCdf } from "./special-functions";
import { tQuantile, tTwoSidedP } from "./student-t";

const Z = 1.959963984540054;

/** NPS answers with P(promoter) = 0.5 + δ/200, P(passive) = 0.3, P(detractor) = 0.2 − δ/200: NPS = 30 + δ. */
function npsAnswers(rand: () => number, n: number, delta: number): number[] {
  const s = delta / 200;
  return Array.from({ length: n }, () => {
    const u = rand();
    return u < 0.5 + s
      ? 9 + Math.floor(rand() * 2)
      : u < 0.8 + s
        ? 7 + Math.floor(rand() * 2)
        : Math.floor(rand() * 7);
  });
}

const coded = (a: number): number => (a >= 9 ? 100 : a >= 7 ? 0 : -100);

/** Mean of a cell and the variance of that mean, from the raw values (population variance / n). */
function cell(values: number[]): { m: number; v: number; n: number; s2: number } {
  const n = values.length;
  const m = values.reduce((s, x) => s + x, 0) / n;
  const ss = values.reduce((s, x) => s + (x - m) ** 2, 0);
  return { m, v: ss / n / n, n, s2: ss / (n - 1) };
}

function expectClose(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

type NpsWorld = {
  treatedBefore: number[];
  treatedAfter: number[];
  controlBefore: number[];
  controlAfter: number[];
};

function npsWorld(seed: number, n: number, effect: number, seasonal: number): NpsWorld {
  const rand = mulberry32(seed);
  return {
    treatedBefore: npsAnswers(rand, n, 0),
    treatedAfter: npsAnswers(rand, n + 37, effect + seasonal),
    controlBefore: npsAnswers(rand, n + 11, 0),
    controlAfter: npsAnswers(rand, n - 23, seasonal),
  };
}

function npsEffect(w: NpsWorld, withControl = true): ActionEffect {
  return actionEffect({
    metric: "nps",
    expectedDirection: "increase",
    treated: { before: npsStatsOf(w.treatedBefore), after: npsStatsOf(w.treatedAfter) },
    control: withControl
      ? { before: npsStatsOf(w.controlBefore), after: npsStatsOf(w.controlAfter) }
      : null,
  });
}

describe("corrective action effects", () => {
  it("planted NPS improvement on the treated touchpoints only: effect, interval, MDE and verdict equal an independent computation", () => {
    // A seasonal dip of 6 points hits everyone after the start; the action adds 15 on treated.
    const w = npsWorld(1, 1500, 15, -6);
    const [tb, ta, cb, ca] = [w.treatedBefore, w.treatedAfter, w.controlBefore, w.controlAfter].map(
      (a) => cell(a.map(coded)),
    );
    const did = ta!.m - tb!.m - (ca!.m - cb!.m);
    const se = Math.sqrt(ta!.v + tb!.v + ca!.v + cb!.v);
    const z = did / se;
    const p = 2 * (1 - normalCdf(Math.abs(z)));

    const e = npsEffect(w);
    expect(e.primary).toBe("difference_in_differences");
    expectClose(e.effect, did);
    expectClose(e.differenceInDifferences!.se, se);
    expectClose(e.differenceInDifferences!.statistic, z);
    expectClose(e.differenceInDifferences!.pValue, p, 1e-7);
    expectClose(e.ci95![0], did - Z * se);
    expectClose(e.ci95![1], did + Z * se);
    expectClose(e.minimumDetectableEffect, (Z + 0.8416212335729143) * se);
    expect(e.verdict).toBe("improved");
    expect(e.ci95![0]).toBeLessThan(15);
    expect(e.ci95![1]).toBeGreaterThan(15);
    expect(e.cells.treated.after.n).toBe(1537);
    expectClose(e.cells.control!.after.value, ca!.m);
    // Before/after alone mixes the action with the seasonal dip.
    expectClose(e.beforeAfter.estimate, ta!.m - tb!.m);
    expectClose(e.beforeAfter.se, Math.sqrt(ta!.v + tb!.v));
    console.log(
      `planted +15 with a −6 seasonal dip: DiD ${did.toFixed(2)} [${e.ci95!.map((v) => v.toFixed(2)).join(", ")}], ` +
        `before/after ${e.beforeAfter.estimate!.toFixed(2)}, MDE ${e.minimumDetectableEffect!.toFixed(2)}, ${e.verdict}`,
    );
  });

  it("no planted change: no_detectable_change in the large majority of seeds (reported)", () => {
    const runs = 300;
    const counts = { improved: 0, no_detectable_change: 0, worse: 0, too_early: 0 };
    let beforeAfterFooled = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const e = npsEffect(npsWorld(1000 + seed, 400, 0, -8));
      counts[e.verdict]++;
      if (e.beforeAfter.significant) beforeAfterFooled++;
    }
    console.log(
      `no planted effect, −8 seasonal dip, ${runs} seeds: ${JSON.stringify(counts)}; ` +
        `before/after alone significant in ${beforeAfterFooled}`,
    );
    expect(counts.no_detectable_change / runs).toBeGreaterThanOrEqual(0.92);
    expect(counts.too_early).toBe(0);
    // The control is what keeps the seasonal dip from being read as the action's effect.
    expect(beforeAfterFooled / runs).toBeGreaterThan(0.3);
  }, 60_000);

  it("the minimum detectable effect is what it says: a true effect of that size is detected about 80% of the time", () => {
    // Expected per-answer variances: before 100²·(0.7 − 0.3²); after with effect δ: 100²·(0.7 − (0.3 + δ/100)²).
    const n = 500;
    const vBefore = 1e4 * (0.7 - 0.09);
    let delta = 10;
    for (let i = 0; i < 20; i++) {
      const vAfter = 1e4 * (0.7 - (0.3 + delta / 100) ** 2);
      delta = MDE_MULTIPLIER * Math.sqrt((3 * vBefore) / n + vAfter / n);
    }
    let detected = 0;
    const runs = 300;
    for (let seed = 1; seed <= runs; seed++) {
      const rand = mulberry32(5000 + seed);
      const e = actionEffect({
        metric: "nps",
        expectedDirection: "increase",
        treated: {
          before: npsStatsOf(npsAnswers(rand, n, 0)),
          after: npsStatsOf(npsAnswers(rand, n, delta)),
        },
        control: {
          before: npsStatsOf(npsAnswers(rand, n, 0)),
          after: npsStatsOf(npsAnswers(rand, n, 0)),
        },
      });
      if (e.verdict === "improved") detected++;
    }
    console.log(
      `effect = MDE (${delta.toFixed(2)} points, n = ${n} per cell): detected in ${detected}/${runs}`,
    );
    expect(detected / runs).toBeGreaterThan(0.72);
    expect(detected / runs).toBeLessThan(0.88);
  }, 60_000);

  it("a mean metric (wait, expected to decrease): Welch–Satterthwaite DiD equals a direct computation", () => {
    const rand = mulberry32(3);
    const waits = (n: number, mean: number) =>
      Array.from({ length: n }, () => Math.round(-Math.log(1 - rand()) * mean));
    const raw = {
      tb: waits(300, 240),
      ta: waits(280, 180),
      cb: waits(320, 250),
      ca: waits(260, 245),
    };
    const [tb, ta, cb, ca] = [raw.tb, raw.ta, raw.cb, raw.ca].map(cell);
    const vs = [ta!, tb!, ca!, cb!].map((c) => c.s2 / c.n);
    const did = ta!.m - tb!.m - (ca!.m - cb!.m);
    const se = Math.sqrt(vs.reduce((s, v) => s + v, 0));
    const df = se ** 4 / vs.reduce((s, v, i) => s + (v * v) / ([ta!, tb!, ca!, cb!][i]!.n - 1), 0);
    const e = actionEffect({
      metric: "wait",
      expectedDirection: "decrease",
      treated: { before: momentStatsOf(raw.tb), after: momentStatsOf(raw.ta) },
      control: { before: momentStatsOf(raw.cb), after: momentStatsOf(raw.ca) },
    });
    expectClose(e.effect, did);
    expectClose(e.differenceInDifferences!.df, df);
    expectClose(e.differenceInDifferences!.pValue, tTwoSidedP(did / se, df), 1e-8);
    expectClose(e.ci95![1], did + tQuantile(0.975, df) * se);
    expect(e.effect!).toBeLessThan(0);
    expect(e.verdict).toBe("improved"); // lower wait is what the action expected
  });

  it("a share metric (FCR) that dropped after the action is 'worse'; the MDE uses the test's SE", () => {
    const t = { before: { successes: 720, n: 1000 }, after: { successes: 610, n: 950 } };
    const c = { before: { successes: 700, n: 1100 }, after: { successes: 690, n: 1080 } };
    const e = actionEffect({
      metric: "fcr",
      expectedDirection: "increase",
      treated: t,
      control: c,
    });
    const p = [t.after, t.before, c.after, c.before].map((x) => x.successes / x.n);
    const se = Math.sqrt(
      p.reduce((s, q, i) => s + (q * (1 - q)) / [t.after, t.before, c.after, c.before][i]!.n, 0),
    );
    expectClose(e.effect, p[0]! - p[1]! - (p[2]! - p[3]!));
    expectClose(e.differenceInDifferences!.se, se);
    expectClose(e.minimumDetectableEffect, MDE_MULTIPLIER * se);
    expect(e.verdict).toBe("worse");
    // Without a control the verdict rests on the two-proportion test; its MDE on the pooled SE₀.
    const alone = actionEffect({ metric: "fcr", expectedDirection: "increase", treated: t });
    const pooled = (720 + 610) / 1950;
    expectClose(
      alone.minimumDetectableEffect,
      MDE_MULTIPLIER * Math.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 950)),
    );
    expect(alone.primary).toBe("before_after");
    expect(alone.differenceInDifferences).toBeNull();
    expect(alone.verdict).toBe("worse");
  });

  it("worked example from the README", () => {
    const e = actionEffect({
      metric: "nps",
      expectedDirection: "increase",
      treated: {
        before: { n: 400, promoters: 160, passives: 120, detractors: 120 },
        after: { n: 400, promoters: 200, passives: 120, detractors: 80 },
      },
      control: {
        before: { n: 500, promoters: 200, passives: 150, detractors: 150 },
        after: { n: 500, promoters: 210, passives: 150, detractors: 140 },
      },
    });
    // Cell variances: 6900/400, 6100/400, 6900/500, 6804/500 → Σ = 59.908
    const se = Math.sqrt(17.25 + 15.25 + 13.8 + 13.608);
    expect(e.effect).toBe(16);
    expectClose(e.differenceInDifferences!.se, se, 1e-12);
    expect(se).toBeCloseTo(7.74, 2);
    expect(e.differenceInDifferences!.pValue!).toBeCloseTo(0.0387, 4);
    expect(e.ci95![0]).toBeCloseTo(0.83, 2);
    expect(e.ci95![1]).toBeCloseTo(31.17, 2);
    expect(e.minimumDetectableEffect!).toBeCloseTo(21.68, 2);
    expect(e.beforeAfter.estimate).toBe(20);
    expect(e.verdict).toBe("improved");
  });

  it("without a control the before/after test is compareNps(after, before)", () => {
    const w = npsWorld(4, 600, 12, 0);
    const e = npsEffect(w, false);
    const c = compareNps(npsStatsOf(w.treatedAfter), npsStatsOf(w.treatedBefore));
    expect(e.effect).toBe(c.difference);
    expect(e.ci95).toEqual(c.ci95);
    expect(e.beforeAfter.pValue).toBe(c.pValue);
    expect(e.cells.control).toBeNull();
  });

  it("too_early: a period with fewer than minCellN observations, or no variability yet", () => {
    const rand = mulberry32(6);
    const before = npsStatsOf(npsAnswers(rand, 800, 0));
    const e = actionEffect({
      metric: "nps",
      expectedDirection: "increase",
      treated: { before, after: npsStatsOf(npsAnswers(rand, 12, 40)) },
    });
    expect(e.verdict).toBe("too_early");
    expect(e.reason).toMatch(/12 observations; at least 30/);
    expect(e.effect).not.toBeNull(); // the estimate is still shown, with its wide interval
    const flat = { n: 40, promoters: 40, passives: 0, detractors: 0 };
    expect(
      actionEffect({
        metric: "nps",
        expectedDirection: "increase",
        treated: { before: flat, after: flat },
      }).verdict,
    ).toBe("too_early");
    const empty = actionEffect({
      metric: "ces",
      expectedDirection: "increase",
      treated: { before: { n: 0, sum: 0, sumSq: 0 }, after: { n: 0, sum: 0, sumSq: 0 } },
    });
    expect(empty).toMatchObject({
      verdict: "too_early",
      effect: null,
      ci95: null,
      minimumDetectableEffect: null,
    });
  });

  it("rejects an unknown metric or direction, and a bad minCellN", () => {
    const s = { successes: 1, n: 2 };
    const base = { metric: "fcr" as const, treated: { before: s, after: s } };
    expect(() => actionEffect({ ...base, expectedDirection: "up" as "increase" })).toThrow(
      /expectedDirection must be increase or decrease/,
    );
    expect(() =>
      actionEffect({ ...base, metric: "revenue" as "fcr", expectedDirection: "increase" }),
    ).toThrow(/metric must be one of/);
    expect(() => actionEffect({ ...base, expectedDirection: "increase", minCellN: 0 })).toThrow(
      /minCellN/,
    );
    expect(() =>
      actionEffect({
        ...base,
        expectedDirection: "increase",
        treated: { before: { successes: 3, n: 2 }, after: s },
      }),
    ).toThrow(/successes must be ≤ n/);
  });
});
