import { AlertRule, rulesForTouchpoint, type ResolvedRule } from "@pulse/catalogue";
import { benjaminiHochberg } from "@pulse/scoring";
import { describe, expect, it } from "vitest";
import { acknowledge, evaluateMinute, MinuteGapError, type MonitorState, type Notification, type Silence } from "./machine";
import type { Baseline } from "./monitor";
import { mulberry32, npsMinute, simulatedBaseline, type Truth } from "./sim.test-helper";
import { tallyOf, type Tally } from "./tally";

const T0 = Date.UTC(2026, 0, 5); // a Monday
const MIN = 60_000;

function resolved(id: string, tp: string, over: Partial<AlertRule> & Pick<AlertRule, "metric" | "kind">, targets: Record<string, number> = {}): ResolvedRule {
  const rule = AlertRule.parse({ id, ...over });
  return rulesForTouchpoint({ rules: [rule], fdr: 0.1 }, tp, targets).find((r) => r.id === id)!;
}

/** Runs minutes through evaluateMinute, carrying state; returns every notification and the last states. */
function run(opts: {
  rules: ResolvedRule[];
  baselines?: Record<string, Baseline | null>;
  minutes: number;
  start?: number;
  tally: (tp: string, minute: number, i: number) => Tally;
  states?: Array<MonitorState | null>;
  silences?: Silence[];
  fdr?: number;
}): { notes: Notification[]; states: Array<MonitorState | null> } {
  let states: Array<MonitorState | null> = opts.states ?? opts.rules.map(() => null);
  const notes: Notification[] = [];
  const start = opts.start ?? T0;
  for (let i = 0; i < opts.minutes; i++) {
    const minute = start + i * MIN;
    const tallies = new Map<string, Tally>();
    const tallyFor = (tp: string): Tally => {
      if (!tallies.has(tp)) tallies.set(tp, opts.tally(tp, minute, i));
      return tallies.get(tp)!;
    };
    const r = evaluateMinute({
      tenant: "acme",
      minute,
      fdr: opts.fdr ?? 0.1,
      silences: opts.silences ?? [],
      monitors: opts.rules.map((rule, j) => ({ rule, baseline: opts.baselines?.[rule.touchpoint] ?? null, tally: tallyFor(rule.touchpoint), state: states[j] ?? null })),
    });
    states = [...r.states];
    notes.push(...r.notifications);
  }
  return { notes, states };
}

const GOOD: Truth = { rate: 0.5, promoter: 0.5, detractor: 0.2 }; // NPS 30, 720 answers a day

describe("target rules", () => {
  it("stay quiet over 14 in-control days for 8 touchpoints and fire at the one planted below target", () => {
    const rand = mulberry32(1);
    const tps = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const rules = tps.map((tp) => resolved("nps_target", tp, { metric: "nps", kind: "target" }, { nps: 20 }));
    const quiet = run({ rules, minutes: 14 * 1440, tally: () => npsMinute(rand, GOOD) });
    expect(quiet.notes).toEqual([]);
    expect(quiet.states.every((s) => s!.status === "ok")).toBe(true);
    // now touchpoint "e" drops to NPS 0 (promoters 35%, detractors 35%)
    const bad: Truth = { rate: 0.5, promoter: 0.35, detractor: 0.35 };
    const shifted = run({
      rules,
      states: quiet.states,
      start: T0 + 14 * 1440 * MIN,
      minutes: 1440,
      tally: (tp) => npsMinute(rand, tp === "e" ? bad : GOOD),
    });
    const firing = shifted.notes.filter((n) => n.type === "firing");
    expect(firing.map((n) => n.alert.touchpoint)).toEqual(["e"]);
    const ev = firing[0]!.alert.evidence;
    expect(ev.reference).toEqual({ kind: "target", value: 20 });
    expect(ev.statistic.name).toBe("log_e_value");
    expect(ev.statistic.value).toBeGreaterThanOrEqual(ev.statistic.threshold);
    expect(ev.statistic.threshold).toBeCloseTo(Math.log(100), 12);
    expect(ev.value.n).toBeGreaterThan(0);
    expect(ev.value.value!).toBeLessThan(20);
    expect(ev.value.ci95![0]).toBeLessThan(ev.value.value!);
    expect(ev.since).not.toBeNull();
    expect(ev.since!).toBeLessThanOrEqual(firing[0]!.minute);
  });
});

describe("the state machine", () => {
  const rule = resolved("nps_target", "phone", { metric: "nps", kind: "target", forMinutes: 3, resolveMinutes: 20, renotifyMinutes: 60, minN: 10 }, { nps: 50 });
  // every minute 4 answers: 1 promoter, 3 detractors (NPS −50): far below the target of 50
  const awful = tallyOf({ events: 4, npsN: 4, promoters: 1, detractors: 3 });
  const great = tallyOf({ events: 4, npsN: 4, promoters: 4, detractors: 0 });

  it("goes ok → pending → firing after forMinutes, re-notifies, then resolves only after resolveMinutes of recovery", () => {
    const { notes, states } = run({ rules: [rule], minutes: 200, tally: (_tp, _m, i) => (i < 150 ? awful : great) });
    const firing = notes.filter((n) => n.type === "firing");
    expect(firing).toHaveLength(1);
    const firedAt = firing[0]!.minute;
    // the alarm held for forMinutes = 3 evaluations: pending twice, firing on the third
    expect(firing[0]!.alert.pendingSince).toBe(firedAt - 2 * MIN);
    const renotify = notes.filter((n) => n.type === "renotify").map((n) => n.minute);
    expect(renotify).toEqual([firedAt + 60 * MIN, firedAt + 120 * MIN].filter((m) => m < T0 + 150 * MIN + 20 * MIN));
    const resolvedNote = notes.filter((n) => n.type === "resolved");
    expect(resolvedNote).toHaveLength(1);
    // recovery needs minN = 10 fresh observations (3 minutes of 4) and then 20 recovered minutes
    expect(resolvedNote[0]!.minute).toBeGreaterThanOrEqual(T0 + (150 + 20 - 1) * MIN);
    expect(resolvedNote[0]!.alert.id).toBe(firing[0]!.alert.id);
    expect(states[0]!.status).toBe("ok");
  });

  it("an acknowledged alert is not re-notified, but its resolution is", () => {
    const first = run({ rules: [rule], minutes: 30, tally: () => awful });
    expect(first.states[0]!.status).toBe("firing");
    const acked = acknowledge(first.states[0]!, "oncall@acme", T0 + 30 * MIN);
    const rest = run({ rules: [rule], states: [acked], start: T0 + 30 * MIN, minutes: 200, tally: (_tp, _m, i) => (i < 120 ? awful : great) });
    expect(rest.notes.map((n) => n.type)).toEqual(["resolved"]);
    expect(rest.notes[0]!.alert.ackedBy).toBe("oncall@acme");
  });

  it("evaluates a minute once (a duplicate run changes nothing) and refuses to skip a minute", () => {
    const first = run({ rules: [rule], minutes: 10, tally: () => awful });
    const again = evaluateMinute({ tenant: "acme", minute: T0 + 9 * MIN, fdr: 0.1, monitors: [{ rule, baseline: null, tally: awful, state: first.states[0]! }] });
    expect(again.notifications).toEqual([]);
    expect(again.states[0]).toBe(first.states[0]);
    expect(again.evaluated).toEqual([false]);
    expect(() => evaluateMinute({ tenant: "acme", minute: T0 + 11 * MIN, fdr: 0.1, monitors: [{ rule, baseline: null, tally: awful, state: first.states[0]! }] })).toThrow(MinuteGapError);
  });

  it("marks silenced notifications instead of dropping them", () => {
    const silences: Silence[] = [{ id: "s1", touchpoint: "phone", startsAt: T0, endsAt: T0 + 1440 * MIN }];
    const { notes } = run({ rules: [rule], minutes: 20, tally: () => awful, silences });
    expect(notes.map((n) => [n.type, n.silenced])).toEqual([["firing", true]]);
  });

  it("goes to no_data after noDataMinutes without answers, and a change rule without baseline says why", () => {
    const quietRule = resolved("nps_target", "phone", { metric: "nps", kind: "target", noDataMinutes: 30 }, { nps: 0 });
    const change = resolved("nps_change", "phone", { metric: "nps", kind: "change" });
    const { states } = run({ rules: [quietRule, change], minutes: 40, tally: (_tp, _m, i) => (i === 0 ? great : tallyOf({})) });
    expect(states[0]!.status).toBe("no_data");
    expect(states[1]).toMatchObject({ status: "no_data", reason: "no baseline history" });
  });
});

describe("change rules (CUSUM against the touchpoint's baseline)", () => {
  it("find a 10-point NPS drop and give the baseline and statistic as evidence", () => {
    const rand = mulberry32(5);
    const busy: Truth = { rate: 2, promoter: 0.5, detractor: 0.2 }; // NPS 30, 2 880 answers a day
    const baseline = simulatedBaseline(rand, busy, 7);
    const rule = resolved("nps_change", "phone", { metric: "nps", kind: "change" });
    const dropped: Truth = { rate: 2, promoter: 0.45, detractor: 0.25 }; // NPS 20
    const before = run({ rules: [rule], baselines: { phone: baseline }, minutes: 3 * 1440, tally: () => npsMinute(rand, busy) });
    expect(before.notes).toEqual([]);
    const after = run({ rules: [rule], baselines: { phone: baseline }, states: before.states, start: T0 + 3 * 1440 * MIN, minutes: 2 * 1440, tally: () => npsMinute(rand, dropped) });
    const firing = after.notes.filter((n) => n.type === "firing");
    expect(firing.length).toBeGreaterThanOrEqual(1);
    const ev = firing[0]!.alert.evidence;
    expect(ev.reference.kind).toBe("baseline");
    expect(ev.reference.value).toBeCloseTo(30, -1);
    expect(ev.statistic.name).toBe("cusum_llr");
    expect(ev.value.value!).toBeLessThan(ev.reference.value);
  });
});

describe("silence rules", () => {
  it("fire when a busy touchpoint goes quiet, and resolve when traffic returns", () => {
    const rand = mulberry32(8);
    const busy: Truth = { rate: 3, promoter: 0.5, detractor: 0.2 };
    const baseline = simulatedBaseline(rand, busy, 2);
    const rule = resolved("volume_silence", "web", { metric: "volume", kind: "silence", resolveMinutes: 10 });
    const { notes } = run({
      rules: [rule],
      baselines: { web: baseline },
      minutes: 300,
      tally: (_tp, _m, i) => (i >= 100 && i < 180 ? tallyOf({}) : npsMinute(rand, busy)),
    });
    expect(notes.map((n) => n.type)).toEqual(["firing", "resolved"]);
    const fired = notes[0]!;
    // silent for 30 minutes at 3 a minute: P(Poisson(90) = 0) = e^−90, far below 1e-6, but a
    // partial window of zeros reaches p < 1e-6 once e^−3k < 1e-6: k ≥ 5 zero minutes
    expect(fired.minute).toBeGreaterThanOrEqual(T0 + 100 * MIN);
    expect(fired.minute).toBeLessThan(T0 + 130 * MIN);
    expect(notes[1]!.minute).toBeGreaterThan(T0 + 180 * MIN);
  });
});

describe("FDR across the tenant's monitors", () => {
  it("an alarm only counts when Benjamini–Hochberg over all monitors rejects it", () => {
    // one monitor barely past its own threshold (e ≈ 150, p ≈ 0.0067) among 40 in-control monitors
    const rules = Array.from({ length: 41 }, (_, k) => resolved("nps_target", `t${k}`, { metric: "nps", kind: "target", forMinutes: 1, minN: 1 }, { nps: 0 }));
    const states = rules.map((r, k) => ({
      v: 1 as const,
      status: "ok" as const,
      lastMinute: T0 - MIN,
      lastDataMinute: T0 - MIN,
      stat: { test: { type: "categorical" as const, e: { logE: k === 0 ? Math.log(150) : 0, n: 100, sy: 0, syy: 0 } }, run: tallyOf({}), since: null, ew: { w: 0, sx: 0 } },
      alarmStreak: 0,
      recoverStreak: 0,
      alert: null,
      reason: null,
    }));
    const empty = tallyOf({});
    const r = evaluateMinute({ tenant: "acme", minute: T0, fdr: 0.1, monitors: rules.map((rule, k) => ({ rule, baseline: null, tally: k === 0 ? tallyOf({}) : empty, state: states[k]! })) });
    const ps = [1 / 150, ...new Array<number>(40).fill(1)];
    // independent: BH at q = 0.1 over 41 p-values needs p ≤ 0.1/41 ≈ 0.0024 for a single rejection
    expect(benjaminiHochberg(ps, 0.1)[0]).toBe(false);
    expect(r.states[0]!.status).not.toBe("pending");
    expect(r.notifications).toEqual([]);
    // alone, the same monitor fires
    const alone = evaluateMinute({ tenant: "acme", minute: T0, fdr: 0.1, monitors: [{ rule: rules[0]!, baseline: null, tally: empty, state: states[0]! }] });
    expect(alone.notifications.map((n) => n.type)).toEqual(["firing"]);
  });
});
