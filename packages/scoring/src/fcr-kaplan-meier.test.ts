import { describe, expect, it } from "vitest";
import { closedAndPendingFcr, type FcrCohort } from "./fcr-cohorts";
import { earlyFcr, fcrKaplanMeierCurve, type EarlyFcr } from "./fcr-kaplan-meier";
import { fcrScores } from "./fcr-scores";
import {
  DAY,
  HOUR,
  cohortsOf,
  minuteOf,
  simulateContacts,
  trueSurvival,
  type SimContact,
} from "./fcr-simulation.test-helper";
import { wilsonInterval } from "./intervals";

const MINUTE = 60_000;
const W = 7 * DAY;
const W_BINS = W / MINUTE;
const L = HOUR;
const NOW = 1_700_000_012_345;
const Z = 1.959963984540054;

type Subject = { time: number; event: boolean };

/**
 * One record per contact: the bin of its first repeat when that is seen within its certain
 * follow-up (and within W), else censored at that follow-up. Contacts not followed for bin 0 yet
 * are left out.
 */
function subjectsOf(contacts: readonly SimContact[]): Subject[] {
  const out: Subject[] = [];
  for (const c of contacts) {
    // Certain follow-up of the youngest possible contact of the minute, in whole bins.
    const followUp = Math.floor((NOW - L - (minuteOf(c.t, MINUTE) + MINUTE)) / MINUTE);
    if (followUp < 0) continue;
    const last = Math.min(followUp, W_BINS);
    const bin = c.d === null ? Infinity : Math.ceil(c.d / MINUTE);
    if (bin <= last) {
      // The claim that makes this unbiased: a repeat within the follow-up has always arrived.
      if (c.repeatArrival! > NOW) throw new Error("a repeat inside the follow-up has not arrived");
      out.push({ time: bin, event: true });
    } else out.push({ time: last, event: false });
  }
  return out;
}

/** Textbook product-limit over individual records, with Greenwood and the log-log interval. */
function productLimit(subjects: readonly Subject[], minAtRisk: number) {
  const sorted = [...subjects].sort((a, b) => a.time - b.time);
  const atRiskAt = (t: number): number => sorted.filter((s) => s.time >= t).length;
  let horizon = -1;
  while (horizon < W_BINS && atRiskAt(horizon + 1) >= minAtRisk) horizon++;
  const eventTimes = [
    ...new Set(sorted.filter((s) => s.event && s.time <= horizon).map((s) => s.time)),
  ];
  let s = 1;
  let v = 0;
  let events = 0;
  const steps: { bin: number; n: number; d: number; s: number; v: number }[] = [];
  for (const t of eventTimes) {
    const n = atRiskAt(t);
    const d = sorted.filter((x) => x.event && x.time === t).length;
    s *= 1 - d / n;
    v += d / (n * (n - d));
    events += d;
    steps.push({ bin: t, n, d, s, v });
  }
  return { horizon, atRisk: horizon >= 0 ? atRiskAt(horizon) : atRiskAt(0), s, v, events, steps };
}

function logLog(s: number, v: number): [number, number] {
  const theta = Math.log(-Math.log(s));
  const se = Math.sqrt(v) / Math.abs(Math.log(s));
  return [Math.exp(-Math.exp(theta + Z * se)), Math.exp(-Math.exp(theta - Z * se))];
}

function expectClose(actual: number | null, expected: number, rel = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

// Simulations of thousands of contacts are CPU-bound; the machine running them may be shared.
const SIMULATION = { timeout: 60_000 };

describe("early FCR: Kaplan–Meier over the time to first repeat", SIMULATION, () => {
  for (const { seed, history } of [
    { seed: 1, history: 10 * DAY },
    { seed: 2, history: 10 * DAY },
    { seed: 3, history: 6 * HOUR },
    { seed: 4, history: 2 * DAY },
  ]) {
    it(`equals an independent product-limit computation over the same contacts (seed ${seed}, ${history / HOUR} h)`, () => {
      const contacts = simulateContacts({
        seed,
        now: NOW,
        keys: 2000,
        historyMs: history,
        latenessMs: L,
      });
      const cohorts = cohortsOf(contacts, { now: NOW, binMs: MINUTE, windowMs: W });
      const ref = productLimit(subjectsOf(contacts), 30);
      const est = earlyFcr(cohorts, { now: NOW, allowedLatenessMs: L });

      expect(ref.horizon).toBeGreaterThan(0);
      expect(ref.events).toBeGreaterThan(20);
      expect(est.horizonBin).toBe(ref.horizon);
      expect(est.horizonMs).toBe(ref.horizon * MINUTE);
      expect(est.reachesWindow).toBe(ref.horizon === W_BINS);
      expect(est.atRisk).toBe(ref.atRisk);
      expect(est.atRisk).toBeGreaterThanOrEqual(30);
      expect(est.events).toBe(ref.events);
      expectClose(est.value, ref.s);
      expectClose(est.se, ref.s * Math.sqrt(ref.v));
      const [lo, hi] = logLog(ref.s, ref.v);
      expectClose(est.ci95![0], lo);
      expectClose(est.ci95![1], hi);
      expect(est.intervalMethod).toBe("log-log");

      const curve = fcrKaplanMeierCurve(cohorts, { now: NOW, allowedLatenessMs: L });
      expect(curve.map((c) => [c.bin, c.atRisk, c.events])).toEqual(
        ref.steps.map((r) => [r.bin, r.n, r.d]),
      );
      curve.forEach((c, i) => expectClose(c.survival, ref.steps[i]!.s));
      expect(curve.at(-1)!.survival).toBe(est.value);
    });
  }

  it("cannot claim W from 6 hours of data: the horizon stops where fewer than 30 contacts remain at risk", () => {
    const contacts = simulateContacts({
      seed: 5,
      now: NOW,
      keys: 3000,
      historyMs: 6 * HOUR,
      latenessMs: L,
    });
    const cohorts = cohortsOf(contacts, { now: NOW, binMs: MINUTE, windowMs: W });
    const est = earlyFcr(cohorts, { now: NOW, allowedLatenessMs: L });
    expect(est.reachesWindow).toBe(false);
    // At most 6 h of history minus the lateness and the cohort's own minute of follow-up.
    expect(est.horizonMs!).toBeLessThanOrEqual(6 * HOUR - L - MINUTE);
    expect(est.horizonMs!).toBeGreaterThan(3 * HOUR);
    const oneBinLater = fcrKaplanMeierCurve(cohorts, {
      now: NOW,
      allowedLatenessMs: L,
      minAtRisk: est.atRisk + 1,
    });
    expect(oneBinLater.length).toBeLessThanOrEqual(
      fcrKaplanMeierCurve(cohorts, { now: NOW, allowedLatenessMs: L }).length,
    );
    // The closed-window rate has nothing to say yet: everything is pending.
    const { closed, pending } = closedAndPendingFcr(cohorts, { now: NOW, allowedLatenessMs: L });
    expect(closed.n).toBe(0);
    expect(pending.contacts).toBe(contacts.length);
  });

  it("covers the true P(no repeat within h) in about 95% of simulated data sets (reported)", () => {
    let covered = 0;
    let closedCovered = 0;
    const runs = 80;
    for (let seed = 100; seed < 100 + runs; seed++) {
      const history = seed % 2 === 0 ? 10 * DAY : 12 * HOUR;
      const contacts = simulateContacts({
        seed,
        now: NOW,
        keys: 800,
        historyMs: history,
        latenessMs: L,
      });
      const cohorts = cohortsOf(contacts, { now: NOW, binMs: MINUTE, windowMs: W });
      const est = earlyFcr(cohorts, { now: NOW, allowedLatenessMs: L });
      const truth = trueSurvival(est.horizonMs!);
      if (est.ci95![0] <= truth && truth <= est.ci95![1]) covered++;
      if (history > W) {
        const { closed } = closedAndPendingFcr(cohorts, { now: NOW, allowedLatenessMs: L });
        const t = trueSurvival(W);
        if (closed.ci95![0] <= t && t <= closed.ci95![1]) closedCovered++;
      }
    }
    console.log(
      `KM 95% interval coverage ${covered}/${runs}; closed-window Wilson coverage ${closedCovered}/${runs / 2}`,
    );
    expect(covered / runs).toBeGreaterThanOrEqual(0.88);
    expect(closedCovered / (runs / 2)).toBeGreaterThanOrEqual(0.85);
  });

  it("with every cohort closed, Ŝ(W) is the closed-window FCR", () => {
    const cohorts: FcrCohort[] = [
      {
        start: 0,
        contacts: 50,
        repeats: [
          [0, 3],
          [17, 5],
          [W_BINS, 2],
        ],
      },
      {
        start: 3 * MINUTE,
        contacts: 70,
        repeats: [
          [17, 1],
          [400, 9],
        ],
      },
    ];
    const params = { now: 30 * DAY, allowedLatenessMs: L };
    const est = earlyFcr(cohorts, params);
    const { closed } = closedAndPendingFcr(cohorts, params);
    expect(est.reachesWindow).toBe(true);
    expect(est.atRisk).toBe(120 - 18); // everyone without a repeat in an earlier bin (3 + 5 + 1 + 9)
    expectClose(est.value, closed.value!, 1e-15);
    expect(est.events).toBe(closed.repeated);
  });

  it("matches the textbook: Freireich's 6-MP remission data (Kaplan–Meier, Greenwood, log-log)", () => {
    // Weeks of remission, * censored: 6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*.
    // One bin is one week (binMs = 1); a censored subject is a cohort whose follow-up ends at its
    // week (start = now − L − width − c), a relapse a cohort followed to the end with one repeat.
    const now = 1000;
    const params = { now, allowedLatenessMs: 0, binMs: 1, windowMs: 40, minAtRisk: 1 };
    const censoredAt = (c: number): FcrCohort => ({ start: now - 1 - c, contacts: 1, repeats: [] });
    const relapseAt = (t: number, k = 1): FcrCohort => ({
      start: 0,
      contacts: k,
      repeats: [[t, k]],
    });
    // prettier-ignore
    const cohorts = [
      relapseAt(6, 3), censoredAt(6), relapseAt(7), censoredAt(9), relapseAt(10), censoredAt(10),
      censoredAt(11), relapseAt(13), relapseAt(16), censoredAt(17), censoredAt(19), censoredAt(20),
      relapseAt(22), relapseAt(23), censoredAt(25), censoredAt(32), censoredAt(32), censoredAt(34),
      censoredAt(35),
    ];
    const curve = fcrKaplanMeierCurve(cohorts, params);
    // Exact products and Greenwood sums, and the published table (S, SE to 3–4 digits).
    const table: [number, number, number, number, number, number][] = [
      // week, n, d, S exact, Σ d/(n(n−d)), published SE
      [6, 21, 3, 18 / 21, 3 / (21 * 18), 0.0764],
      [7, 17, 1, (18 / 21) * (16 / 17), 3 / 378 + 1 / 272, 0.0869],
      [10, 15, 1, (18 / 21) * (16 / 17) * (14 / 15), 3 / 378 + 1 / 272 + 1 / 210, 0.0963],
      [13, 12, 1, 0.6902, 0, 0.1068],
      [16, 11, 1, 0.6275, 0, 0.1141],
      [22, 7, 1, 0.5378, 0, 0.1282],
      [23, 6, 1, 0.4482, 0, 0.1346],
    ];
    expect(curve.map((c) => [c.bin, c.atRisk, c.events])).toEqual(
      table.map((r) => [r[0], r[1], r[2]]),
    );
    table.forEach(([, , , s, v, se], i) => {
      const step = curve[i]!;
      if (v > 0) {
        expectClose(step.survival, s, 1e-15);
        expectClose(step.se, s * Math.sqrt(v), 1e-14);
      } else expect(step.survival).toBeCloseTo(s, 4);
      expect(step.se!).toBeCloseTo(se, 4);
    });
    // Log-log interval at week 6, by hand: S = 6/7, V = 1/126 → [0.6197, 0.9516] (published 0.620, 0.952).
    expect(curve[0]!.ci95[0]).toBeCloseTo(0.6197, 4);
    expect(curve[0]!.ci95[1]).toBeCloseTo(0.9516, 4);
    // With min 6 at risk the horizon is week 23 (6 at risk); with 7 it stops at week 22.
    expect(earlyFcr(cohorts, { ...params, minAtRisk: 6 })).toMatchObject({
      horizonBin: 23,
      atRisk: 6,
    });
    expect(earlyFcr(cohorts, { ...params, minAtRisk: 7 })).toMatchObject({
      horizonBin: 22,
      atRisk: 7,
    });
  });

  describe("edges", () => {
    const params = { now: 30 * DAY, allowedLatenessMs: L };

    it("everything censored (no cohort followed for even one bin): no estimate, not a zero", () => {
      const young: FcrCohort[] = [
        { start: params.now - L - 30_000, contacts: 500, repeats: [[0, 40]] },
      ];
      const est = earlyFcr(young, params);
      expect(est).toMatchObject<Partial<EarlyFcr>>({
        value: null,
        ci95: null,
        horizonMs: null,
        reachesWindow: false,
        contacts: 0,
        atRisk: 0,
      });
      expect(fcrKaplanMeierCurve(young, params)).toEqual([]);
      expect(earlyFcr([], params).value).toBeNull();
    });

    it("no repeat yet: Ŝ = 1, Greenwood SE 0, and a Wilson bound from the contacts followed to the horizon", () => {
      const est = earlyFcr(
        [{ start: params.now - L - 2 * HOUR, contacts: 200, repeats: [] }],
        params,
      );
      // Followed through bin ⌊(2 h − 1 min)/1 min⌋ = 119.
      expect(est).toMatchObject({
        value: 1,
        se: 0,
        horizonBin: 119,
        atRisk: 200,
        intervalMethod: "wilson-no-repeats",
      });
      expect(est.ci95).toEqual([wilsonInterval(200, 200)![0], 1]);
    });

    it("all repeated (ties at bin 0): Ŝ = 0 with a Wilson upper bound, never NaN", () => {
      const est = earlyFcr([{ start: 0, contacts: 40, repeats: [[0, 40]] }], params);
      expect(est).toMatchObject({ value: 0, se: null, horizonBin: 0, atRisk: 40, events: 40 });
      expect(est.intervalMethod).toBe("wilson-all-repeated");
      expect(est.ci95).toEqual([0, wilsonInterval(0, 40)![1]]);
    });

    it("ties: several repeats in one bin count as d_b together", () => {
      const cohorts: FcrCohort[] = [
        {
          start: 0,
          contacts: 60,
          repeats: [
            [0, 6],
            [2, 6],
          ],
        },
        { start: 0, contacts: 40, repeats: [[2, 4]] },
      ];
      const curve = fcrKaplanMeierCurve(cohorts, params);
      expect(curve.map((c) => [c.bin, c.atRisk, c.events])).toEqual([
        [0, 100, 6],
        [2, 94, 10],
      ]);
      expectClose(curve[1]!.survival, (94 / 100) * (84 / 94), 1e-15);
    });

    it("repeats seen after a cohort's certain follow-up are left out of the estimate (still known unresolved)", () => {
      // Followed through bin 9 only; a repeat in bin 30 has been seen but bin 30 is not complete.
      const cohort: FcrCohort = {
        start: params.now - L - 10 * MINUTE,
        contacts: 40,
        repeats: [
          [3, 2],
          [30, 5],
        ],
      };
      const est = earlyFcr([cohort], params);
      expect(est).toMatchObject({ horizonBin: 9, events: 2, atRisk: 38 });
      expect(closedAndPendingFcr([cohort], params).pending.knownUnresolved).toBe(7);
    });

    it("rejects a minAtRisk that is not a positive integer", () => {
      expect(() => earlyFcr([], { ...params, minAtRisk: 0 })).toThrow(
        /minAtRisk must be a positive integer/,
      );
    });
  });
});

describe("FCR worked example from the README", () => {
  const MIN = MINUTE;
  const T = 1_717_999_980_000; // a minute boundary
  const cohorts: FcrCohort[] = [
    {
      start: T - 8 * DAY,
      contacts: 200,
      repeats: [
        [5, 10],
        [600, 20],
        [W_BINS, 2],
      ],
    },
    {
      start: T - 2 * DAY,
      contacts: 100,
      repeats: [
        [0, 2],
        [30, 8],
        [1500, 5],
      ],
    },
    { start: T - 3 * HOUR, contacts: 80, repeats: [[12, 4]] },
  ];
  const params = { now: T, allowedLatenessMs: HOUR };

  it("closed, pending and the Kaplan–Meier estimate at W", () => {
    const s = fcrScores(cohorts, params);
    expect(s.closed).toMatchObject({ n: 200, resolved: 168, repeated: 32, value: 0.84 });
    expect(s.closed.ci95![0]).toBeCloseTo(0.7829, 4);
    expect(s.closed.ci95![1]).toBeCloseTo(0.8843, 4);
    expect(s.pending).toEqual({ contacts: 180, knownUnresolved: 19 });
    const factors = [378 / 380, 368 / 378, 364 / 368, 356 / 364, 260 / 280, 255 / 260, 168 / 170];
    const km = factors.reduce((a, b) => a * b, 1);
    const v =
      2 / (380 * 378) +
      10 / (378 * 368) +
      4 / (368 * 364) +
      8 / (364 * 356) +
      20 / (280 * 260) +
      5 / (260 * 255) +
      2 / (170 * 168);
    expect(s.early).toMatchObject({
      horizonBin: W_BINS,
      reachesWindow: true,
      atRisk: 170,
      events: 51,
    });
    expectClose(s.early.value, km, 1e-14);
    expectClose(s.early.se, km * Math.sqrt(v), 1e-13);
    expect(s.early.value).toBeCloseTo(0.8432, 4);
    expect(s.early.ci95![0]).toBeCloseTo(0.7978, 4);
    expect(s.early.ci95![1]).toBeCloseTo(0.8791, 4);
    expect(s).toEqual({
      ...closedAndPendingFcr(cohorts, params),
      early: earlyFcr(cohorts, params),
    });
  });

  it("the last two days alone reach 2,819 minutes (46 h 59 min), not W", () => {
    const early = earlyFcr(cohorts.slice(1), params);
    expect(early).toMatchObject({
      horizonBin: 2819,
      horizonMs: 2819 * MIN,
      reachesWindow: false,
      atRisk: 85,
    });
    expect(early.value).toBeCloseTo(0.871, 3);
  });

  it("an hour-wide cohort is censored as if all its contacts came at the end of the hour", () => {
    const hour: FcrCohort = { start: T - 5 * HOUR, widthMs: HOUR, contacts: 50, repeats: [] };
    // ⌊(5 h − 1 h lateness − 1 h width) / 1 min⌋ = 180
    expect(earlyFcr([hour], params)).toMatchObject({ horizonBin: 180, value: 1 });
  });
});
