import { describe, expect, it } from "vitest";
import { closedAndPendingFcr, type FcrCohort } from "./fcr-cohorts";
import { earlyFcr, fcrKaplanMeierCurve } from "./fcr-kaplan-meier";
import {
  DAY,
  HOUR,
  cohortsOf,
  minuteOf,
  simulateContacts,
  type SimContact,
} from "./fcr-simulation.test-helper";
import { wilsonInterval } from "./intervals";
import { InvalidParameterError } from "./parameters";
import { mulberry32 } from "./prng.test-helper";
import { InvalidStatsError } from "./validate";

const MINUTE = 60_000;
const W = 7 * DAY;
const L = HOUR;
// Not minute-aligned, so cohorts straddle every boundary.
const NOW = 1_700_000_012_345;

/** Brute force, one contact at a time, from the true time to first repeat (not the histogram). */
function bruteForce(contacts: readonly SimContact[]) {
  let n = 0;
  let resolved = 0;
  let pending = 0;
  let knownUnresolved = 0;
  for (const c of contacts) {
    const repeatedWithinW = c.d !== null && c.d <= W;
    if (minuteOf(c.t, MINUTE) + MINUTE + W + L <= NOW) {
      n++;
      if (!repeatedWithinW) resolved++;
    } else {
      pending++;
      if (repeatedWithinW && c.repeatArrival! <= NOW) knownUnresolved++;
    }
  }
  return { n, resolved, pending, knownUnresolved };
}

// Simulations of thousands of contacts are CPU-bound; the machine running them may be shared.
const SIMULATION = { timeout: 60_000 };

describe("closed-window FCR and pending contacts", SIMULATION, () => {
  for (const seed of [1, 2, 3]) {
    it(`equal a contact-by-contact brute force over 10 days of simulated contacts (seed ${seed})`, () => {
      const contacts = simulateContacts({
        seed,
        now: NOW,
        keys: 2000,
        historyMs: 10 * DAY,
        latenessMs: L,
      });
      const cohorts = cohortsOf(contacts, { now: NOW, binMs: MINUTE, windowMs: W });
      const bf = bruteForce(contacts);
      const { closed, pending } = closedAndPendingFcr(cohorts, { now: NOW, allowedLatenessMs: L });

      // The data set must exercise both sides, or the comparison proves little.
      expect(bf.n).toBeGreaterThan(500);
      expect(bf.pending).toBeGreaterThan(1000);
      expect(bf.knownUnresolved).toBeGreaterThan(100);
      expect(closed.n).toBe(bf.n);
      expect(closed.resolved).toBe(bf.resolved);
      expect(closed.repeated).toBe(bf.n - bf.resolved);
      expect(closed.value).toBe(bf.resolved / bf.n);
      expect(closed.ci95).toEqual(wilsonInterval(bf.resolved, bf.n));
      expect(pending).toEqual({ contacts: bf.pending, knownUnresolved: bf.knownUnresolved });
      expect(closed.n + pending.contacts).toBe(contacts.length);
    });
  }

  it("merges exactly: cohorts of two groups concatenated give every figure of the pooled cohorts", () => {
    const contacts = simulateContacts({
      seed: 9,
      now: NOW,
      keys: 1500,
      historyMs: 10 * DAY,
      latenessMs: L,
    });
    const rand = mulberry32(10);
    const a: SimContact[] = [];
    const b: SimContact[] = [];
    for (const c of contacts) (rand() < 0.4 ? a : b).push(c);
    const p = { now: NOW, binMs: MINUTE, windowMs: W };
    const split = [...cohortsOf(a, p), ...cohortsOf(b, p)];
    const pooled = cohortsOf(contacts, p);
    expect(split.length).toBeGreaterThan(pooled.length); // some minutes appear in both groups
    const params = { now: NOW, allowedLatenessMs: L };
    expect(closedAndPendingFcr(split, params)).toEqual(closedAndPendingFcr(pooled, params));
    // The early estimate too: its risk table is a sum over cohorts, so it is identical.
    expect(fcrKaplanMeierCurve(split, params)).toEqual(fcrKaplanMeierCurve(pooled, params));
    expect(earlyFcr(split, params)).toEqual(earlyFcr(pooled, params));
  });

  it("closure rule start + width + W + L ≤ now, at the boundary", () => {
    const params = { now: 10 * DAY, allowedLatenessMs: L };
    const edge = 10 * DAY - MINUTE - W - L; // closes exactly now
    const cohorts: FcrCohort[] = [
      { start: edge, contacts: 5, repeats: [[3, 2]] },
      { start: edge + 1, contacts: 7, repeats: [[1, 1]] }, // 1 ms younger: still open
    ];
    const { closed, pending } = closedAndPendingFcr(cohorts, params);
    expect(closed).toMatchObject({ n: 5, resolved: 3, repeated: 2, value: 0.6 });
    expect(pending).toEqual({ contacts: 7, knownUnresolved: 1 });
    // An hour-wide cohort (hour rollup) closes when its youngest possible contact does.
    const hourly = { start: 10 * DAY - HOUR - W - L, widthMs: HOUR, contacts: 4, repeats: [] };
    expect(closedAndPendingFcr([hourly], params).closed.n).toBe(4);
    expect(closedAndPendingFcr([{ ...hourly, start: hourly.start + 1 }], params).closed.n).toBe(0);
  });

  it("'within' is inclusive: a repeat after exactly W (bin W/binMs) is unresolved, later bins are not repeats", () => {
    const wBins = W / MINUTE;
    const cohort: FcrCohort = {
      start: 0,
      contacts: 10,
      repeats: new Map([
        [0, 2], // ties in time: D = 0
        [wBins, 1],
        [wBins + 1, 3], // a rollup kept with a longer window: no repeat within this W
      ]),
    };
    const { closed } = closedAndPendingFcr([cohort], { now: 30 * DAY, allowedLatenessMs: L });
    expect(closed).toMatchObject({ n: 10, repeated: 3, resolved: 7 });
  });

  it("no closed cohorts: no rate at all, only the pending count", () => {
    const { closed, pending } = closedAndPendingFcr(
      [{ start: NOW - 6 * HOUR, contacts: 40, repeats: [[5, 4]] }],
      { now: NOW, allowedLatenessMs: L },
    );
    expect(closed).toEqual({ value: null, n: 0, resolved: 0, repeated: 0, ci95: null });
    expect(pending).toEqual({ contacts: 40, knownUnresolved: 4 });
    expect(closedAndPendingFcr([], { now: NOW, allowedLatenessMs: L }).closed.n).toBe(0);
  });

  it("rejects statistics that cannot come from real data, and bad parameters, naming the rule", () => {
    const params = { now: NOW, allowedLatenessMs: L };
    const bad = (c: Partial<FcrCohort>) => () =>
      closedAndPendingFcr([{ start: 0, contacts: 3, repeats: [], ...c }], params);
    expect(
      bad({
        repeats: [
          [1, 2],
          [2, 2],
        ],
      }),
    ).toThrow(/repeats must not exceed its contacts/);
    expect(bad({ repeats: [[-1, 1]] })).toThrow(InvalidStatsError);
    expect(bad({ repeats: [[1.5, 1]] })).toThrow(/bin must be an integer/);
    expect(bad({ contacts: -1 })).toThrow(/contacts must be a non-negative integer/);
    expect(bad({ start: 0.5 })).toThrow(/start must be an integer/);
    expect(bad({ widthMs: 0 })).toThrow(/widthMs/);
    expect(() => closedAndPendingFcr([], { ...params, windowMs: 90_000 })).toThrow(
      InvalidParameterError,
    );
    expect(() => closedAndPendingFcr([], { ...params, windowMs: 90_000 })).toThrow(
      /whole number of bins/,
    );
    expect(() => closedAndPendingFcr([], { ...params, allowedLatenessMs: -1 })).toThrow(
      /allowedLatenessMs/,
    );
    try {
      closedAndPendingFcr([], { ...params, binMs: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: "scoring_invalid_parameter",
        status: 400,
        details: { parameter: "binMs" },
      });
    }
  });
});
