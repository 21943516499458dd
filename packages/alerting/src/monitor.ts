/**
 * The statistic behind one (rule, touchpoint): built from the rule and the touchpoint's baseline,
 * stepped one minute at a time, and read as an alarm with its p-value and evidence. The state is
 * plain JSON (it lives in Redis between evaluations).
 */
import type { ResolvedRule } from "@pulse/catalogue";
import {
  cusumPValue,
  cusumThreshold,
  initialCusum,
  initialEProcess,
  initialMsprt,
  initialPoissonE,
  msprtLogE,
  normalCusum,
  poissonCusum,
  silenceTest,
  stepCategorical,
  stepCusum,
  stepHoeffding,
  stepMsprt,
  stepPoissonE,
  tiltedCusum,
  type CusumSpec,
  type CusumState,
  type EProcessState,
  type MsprtState,
  type PoissonEState,
} from "@pulse/scoring";
import { METRICS, type MetricAdapter } from "./metrics";
import { EMPTY_TALLY, addTally, type Tally } from "./tally";

const MINUTE = 60_000;
/** observations: how fast a target test's bet follows a change (any predictable bet keeps validity) */
const BET_HALF_LIFE = 150;
const DAY_MINUTES = 1440;

/** A touchpoint's history: the tally over the baseline days, and its event rate per hour of week. */
export interface Baseline {
  readonly days: number;
  readonly tally: Tally;
  /** mean events per minute in each hour of the week (168 values, Monday 00:00 UTC first) */
  readonly eventsPerMinute: readonly number[];
}

type TestState =
  | { readonly type: "categorical"; readonly e: EProcessState }
  | { readonly type: "hoeffding"; readonly e: EProcessState }
  | { readonly type: "msprt"; readonly m: MsprtState }
  | { readonly type: "poisson"; readonly e: PoissonEState }
  | { readonly type: "cusum"; readonly c: CusumState }
  | { readonly type: "silence"; readonly window: readonly number[] };

export interface StatState {
  readonly test: TestState;
  /** the observations since the statistic last left its resting value (its run): the evidence */
  readonly run: Tally;
  readonly since: number | null;
  /** discounted n and Σx for the recovery condition */
  readonly ew: { readonly w: number; readonly sx: number };
}

export interface Reading {
  /** the statistic is past its threshold with enough observations */
  readonly alarm: boolean;
  /** a valid p-value for this evaluation (for the tenant's FDR step) */
  readonly p: number;
  /** the separate recovery condition (hysteresis); null when this minute says nothing */
  readonly recovered: boolean | null;
  readonly statistic: { readonly name: string; readonly value: number; readonly threshold: number };
  readonly reference: { readonly kind: "target" | "baseline"; readonly value: number };
  readonly n: number;
}

/** Everything fixed for a (rule, baseline): thresholds and parameters. null = cannot be monitored. */
export type Plan =
  | { readonly kind: "target"; readonly m: MetricAdapter; readonly target: number; readonly threshold: number }
  | { readonly kind: "change"; readonly m: MetricAdapter; readonly spec: CusumSpec; readonly h: number; readonly mu0: number; readonly halfShift: number }
  | { readonly kind: "silence"; readonly rates: readonly number[] };

export type PlanResult = { readonly plan: Plan } | { readonly unavailable: string };

const thresholds = new Map<string, number>();
function memoThreshold(spec: CusumSpec, arl0: number): number {
  const key = JSON.stringify([spec, Math.round(arl0)]);
  let h = thresholds.get(key);
  if (h === undefined) {
    h = cusumThreshold(spec, arl0);
    if (thresholds.size > 10_000) thresholds.clear();
    thresholds.set(key, h);
  }
  return h;
}

// Plans are pure functions of (rule, baseline); callers pass the same objects minute after minute.
const plans = new WeakMap<ResolvedRule, WeakMap<Baseline, PlanResult>>();
const plansNoBaseline = new WeakMap<ResolvedRule, PlanResult>();

export function planFor(rule: ResolvedRule, baseline: Baseline | null): PlanResult {
  if (baseline === null) {
    let p = plansNoBaseline.get(rule);
    if (!p) plansNoBaseline.set(rule, (p = makePlan(rule, null)));
    return p;
  }
  let byBaseline = plans.get(rule);
  if (!byBaseline) plans.set(rule, (byBaseline = new WeakMap()));
  let p = byBaseline.get(baseline);
  if (!p) byBaseline.set(baseline, (p = makePlan(rule, baseline)));
  return p;
}

function makePlan(rule: ResolvedRule, baseline: Baseline | null): PlanResult {
  if (rule.metric === "fcr") return { unavailable: "fcr cannot be monitored per minute" };
  const m = METRICS[rule.metric];
  if (rule.kind === "target") {
    return { plan: { kind: "target", m, target: rule.resolvedTarget! / m.scale, threshold: Math.log(1 / rule.resolvedAlpha) } };
  }
  if (!baseline || baseline.days <= 0) return { unavailable: "no baseline history" };
  if (rule.kind === "silence") return { plan: { kind: "silence", rates: baseline.eventsPerMinute } };
  const t = baseline.tally;
  const n = m.n(t);
  if (n < rule.minN) return { unavailable: `baseline has ${n} observations, fewer than minN ${rule.minN}` };
  const delta = (m.bad * rule.resolvedShift!) / m.scale;
  const arl0 = Math.max(2, rule.arlDays * (n / baseline.days));
  try {
    let spec: CusumSpec;
    let mu0: number;
    switch (rule.metric) {
      case "nps": {
        // add-one smoothing so a category never seen in the baseline keeps a positive probability
        const p = [t.promoters + 1, t.npsN - t.promoters - t.detractors + 1, t.detractors + 1];
        const tot = p[0]! + p[1]! + p[2]!;
        spec = tiltedCusum([1, 0, -1], p.map((x) => x / tot), delta);
        mu0 = (p[0]! - p[2]!) / tot;
        break;
      }
      case "csat_top2":
      case "abandonment": {
        const k = m.sum(t);
        const p1 = (k + 0.5) / (n + 1);
        spec = tiltedCusum([1, 0], [p1, 1 - p1], delta);
        mu0 = p1;
        break;
      }
      case "ces":
      case "wait": {
        const sumSq = rule.metric === "ces" ? t.cesSumSq : t.waitSumSq;
        mu0 = m.sum(t) / n;
        const sd = Math.sqrt(Math.max(0, (sumSq - n * mu0 * mu0) / (n - 1)));
        if (!(sd > 0)) return { unavailable: "baseline has no variation" };
        spec = normalCusum(mu0, sd, delta);
        break;
      }
      case "complaint_rate":
        mu0 = (t.complaints + 0.5) / (t.contacts + 1);
        spec = poissonCusum(mu0, delta);
        break;
      default:
        return { unavailable: `change is not defined for ${rule.metric}` };
    }
    return { plan: { kind: "change", m, spec, h: memoThreshold(spec, arl0), mu0, halfShift: Math.abs(delta) / 2 } };
  } catch (e) {
    return { unavailable: `baseline: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function initialTest(rule: ResolvedRule): TestState {
  if (rule.kind === "change") return { type: "cusum", c: initialCusum() };
  if (rule.kind === "silence") return { type: "silence", window: [] };
  switch (rule.metric) {
    case "ces":
      return { type: "hoeffding", e: initialEProcess() };
    case "wait":
      return { type: "msprt", m: initialMsprt() };
    case "complaint_rate":
      return { type: "poisson", e: initialPoissonE() };
    default:
      return { type: "categorical", e: initialEProcess() };
  }
}

export function initialStat(rule: ResolvedRule): StatState {
  return { test: initialTest(rule), run: EMPTY_TALLY, since: null, ew: { w: 0, sx: 0 } };
}

/** Hour of week (0 = Monday 00:00–01:00 UTC) of an epoch-ms minute. */
export function hourOfWeek(minute: number): number {
  const d = new Date(minute);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}

function expectedOver(rates: readonly number[], minute: number, windowMinutes: number): number {
  let mu = 0;
  for (let i = 0; i < windowMinutes; i++) mu += rates[hourOfWeek(minute - i * MINUTE)] ?? 0;
  return mu;
}

function support(metric: string): number[] {
  return metric === "nps" ? [1, 0, -1] : [1, 0];
}

function counts(metric: string, t: Tally): number[] {
  if (metric === "nps") return [t.promoters, t.npsN - t.promoters - t.detractors, t.detractors];
  const m = METRICS[metric as "csat_top2"];
  return [m.sum(t), m.n(t) - m.sum(t)];
}

/** One minute of one monitor. */
export function stepStat(rule: ResolvedRule, plan: Plan, s: StatState, minute: number, t: Tally): StatState {
  const test = s.test;
  if (plan.kind === "silence" && test.type === "silence") {
    const window = [...test.window, t.events].slice(-rule.windowMinutes);
    return { ...s, test: { type: "silence", window }, run: EMPTY_TALLY, since: null };
  }
  if (plan.kind === "silence") return s;
  const m = plan.m;
  const n = m.n(t);
  if (n === 0) return s;
  // the recovery estimate: half-life of max(minN, 30) observations
  const d = Math.pow(0.5, n / Math.max(rule.minN, 30));
  const ew = { w: s.ew.w * d + n, sx: s.ew.sx * d + m.sum(t) };
  let next: TestState;
  let resting: boolean;
  switch (test.type) {
    case "categorical": {
      const side = m.bad < 0 ? "below" : "above";
      const target = (plan as { target: number }).target;
      const e = stepCategorical({ support: support(rule.metric), target, side, halfLife: BET_HALF_LIFE }, test.e, counts(rule.metric, t));
      next = { type: "categorical", e };
      resting = e.logE <= 0;
      break;
    }
    case "hoeffding": {
      const side = m.bad < 0 ? "below" : "above";
      const e = stepHoeffding({ lower: 1, upper: 7, target: (plan as { target: number }).target, side, halfLife: BET_HALF_LIFE }, test.e, n, m.sum(t));
      next = { type: "hoeffding", e };
      resting = e.logE <= 0;
      break;
    }
    case "msprt": {
      const mm = stepMsprt(test.m, n, t.waitSum, t.waitSumSq);
      next = { type: "msprt", m: mm };
      resting = mm.sum / mm.n <= (plan as { target: number }).target;
      break;
    }
    case "poisson": {
      const e = stepPoissonE((plan as { target: number }).target, test.e, t.contacts, t.complaints);
      next = { type: "poisson", e };
      resting = e.logE <= 0;
      break;
    }
    case "cusum": {
      const c = stepCusum((plan as { spec: CusumSpec }).spec, test.c, minute, n, m.sum(t));
      next = { type: "cusum", c };
      resting = c.s <= 0;
      break;
    }
    default:
      return s;
  }
  return {
    test: next,
    ew,
    run: resting ? EMPTY_TALLY : addTally(s.run, t),
    since: resting ? null : (s.since ?? minute),
  };
}

/** What the statistic says after this minute. */
export function read(rule: ResolvedRule, plan: Plan, s: StatState, minute: number): Reading {
  const test = s.test;
  if (plan.kind === "silence" && test.type === "silence") {
    const observed = test.window.reduce((a, b) => a + b, 0);
    const full = test.window.length >= rule.windowMinutes;
    const expected = expectedOver(plan.rates, minute, Math.min(rule.windowMinutes, test.window.length));
    const r = silenceTest(observed, expected, rule.resolvedAlpha, rule.minExpected);
    return {
      alarm: full && r.silent,
      p: full ? r.p : 1,
      recovered: full ? r.p >= 0.01 : null,
      statistic: { name: "poisson_lower_tail_p", value: r.p, threshold: rule.resolvedAlpha },
      reference: { kind: "baseline", value: expected },
      n: observed,
    };
  }
  if (plan.kind === "silence") throw new Error("silence plan with a non-silence state");
  const m = plan.m;
  // recovery is judged on at least minN observations since the last restart
  const mean = s.ew.w >= rule.minN ? s.ew.sx / s.ew.w : null;
  if (plan.kind === "target") {
    let logE: number;
    let n: number;
    if (test.type === "msprt") {
      const mm = test.m;
      const side = mm.n > 0 ? m.bad * (mm.sum / mm.n - plan.target) : 0;
      logE = side > 0 ? msprtLogE(mm, plan.target) : 0;
      n = mm.n;
    } else if (test.type === "poisson") {
      logE = test.e.logE;
      n = test.e.exposure;
    } else if (test.type === "categorical" || test.type === "hoeffding") {
      logE = test.e.logE;
      n = test.e.n;
    } else throw new Error("target plan with a change state");
    return {
      alarm: n >= rule.minN && logE >= plan.threshold,
      p: Math.min(1, Math.exp(-logE)),
      recovered: mean === null ? null : m.bad * (mean - plan.target) <= 0,
      statistic: { name: "log_e_value", value: logE, threshold: plan.threshold },
      reference: { kind: "target", value: plan.target * m.scale },
      n,
    };
  }
  if (test.type !== "cusum") throw new Error("change plan with a target state");
  return {
    alarm: test.c.n >= rule.minN && test.c.s >= plan.h,
    p: cusumPValue(test.c),
    recovered: mean === null ? null : m.bad * (mean - plan.mu0) <= plan.halfShift,
    statistic: { name: "cusum_llr", value: test.c.s, threshold: plan.h },
    reference: { kind: "baseline", value: plan.mu0 * m.scale },
    n: test.c.n,
  };
}

/** The statistic restarted (after firing and after resolving); the recovery estimate restarts too. */
export function restart(rule: ResolvedRule, s: StatState): StatState {
  return s.test.type === "silence" ? { ...s } : { ...initialStat(rule) };
}

export { DAY_MINUTES, MINUTE };
