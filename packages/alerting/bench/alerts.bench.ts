/**
 * pnpm bench:alerts — Pulse's alert rules vs a fixed threshold on the point estimate, on simulated
 * NPS streams with known truth (seeded). Every touchpoint: NPS 30 in control (50% promoters, 20%
 * detractors), its catalogue target 20. Pulse runs its default rules (nps_target, nps_change,
 * volume_silence) through the same engine as the live evaluator, baselines from the previous 28
 * days, FDR across the tenant. The baseline alerts whenever the trailing-24 h NPS (n ≥ 30) is below
 * the target, evaluated every minute (an alert episode ends when it is back at or above target).
 *
 * Prints false alerts per touchpoint per 30 days (in control), and the detection delay (minutes and
 * responses after the shift) per shift size and volume.
 */
import { AlertRule, rulesForTouchpoint, type ResolvedRule } from "@pulse/catalogue";
import { addTally, EMPTY_TALLY, evaluateMinute, tallyOf, type Baseline, type MonitorState, type Tally } from "../src/index";
import { mulberry32, poisson } from "../src/sim.test-helper";

const MIN = 60_000;
const DAY_MIN = 1440;
const T0 = Date.UTC(2026, 0, 5);

interface Truth { promoter: number; detractor: number }
const IN_CONTROL: Truth = { promoter: 0.5, detractor: 0.2 }; // NPS 30
/** Drop by `points`: half from promoters to passives, half from passives to detractors. */
const shifted = (points: number): Truth => ({ promoter: 0.5 - points / 200, detractor: 0.2 + points / 200 });

function minute(rand: () => number, perDay: number, t: Truth): Tally {
  const n = poisson(rand, perDay / DAY_MIN);
  let p = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const u = rand();
    if (u < t.promoter) p++;
    else if (u < t.promoter + t.detractor) d++;
  }
  return n === 0 ? EMPTY_TALLY : tallyOf({ events: n, npsN: n, promoters: p, detractors: d });
}

const DEFAULTS = (tp: string): ResolvedRule[] =>
  rulesForTouchpoint({ rules: [AlertRule.parse({ id: "nps_target", metric: "nps", kind: "target" })], fdr: 0.1 }, tp, { nps: 20 }).filter((r) =>
    ["nps_target", "nps_change", "volume_silence"].includes(r.id),
  );

interface Stream { tp: string; perDay: number; shiftAt: number | null; size: number }
interface Outcome { pulseAlerts: number[]; baselineAlerts: number[]; responsesTo: (m: number) => number }

/** Runs `days` of engine evaluation after 28 days of history; returns alert minutes per stream. */
function simulate(streams: Stream[], days: number, seed: number): Outcome[] {
  const rand = mulberry32(seed);
  const rules = streams.flatMap((s) => DEFAULTS(s.tp));
  const states: Array<MonitorState | null> = rules.map(() => null);
  const daily: Tally[][] = streams.map(() => []);
  const minutes: Tally[][] = streams.map(() => []);
  const truthAt = (s: Stream, m: number): Truth => (s.shiftAt !== null && m >= s.shiftAt ? shifted(s.size) : IN_CONTROL);
  // 28 days of history, by day
  for (let d = 0; d < 28; d++)
    streams.forEach((s, i) => {
      let t = EMPTY_TALLY;
      for (let k = 0; k < DAY_MIN; k++) t = addTally(t, minute(rand, s.perDay, IN_CONTROL));
      daily[i]!.push(t);
    });
  const out: Outcome[] = streams.map(() => ({ pulseAlerts: [], baselineAlerts: [], responsesTo: () => 0 }));
  const cumN: number[][] = streams.map(() => []);
  const window: Array<{ n: number; p: number; d: number }> = streams.map(() => ({ n: 0, p: 0, d: 0 }));
  const inAlert = streams.map(() => false);
  for (let day = 0; day < days; day++) {
    const baselines: Baseline[] = streams.map((s, i) => {
      const last = daily[i]!.slice(-28);
      const tally = last.reduce((a, b) => addTally(a, b), EMPTY_TALLY);
      return { days: 28, tally, eventsPerMinute: new Array<number>(168).fill(tally.events / (28 * DAY_MIN)) };
    });
    const today = streams.map(() => EMPTY_TALLY);
    for (let k = 0; k < DAY_MIN; k++) {
      const m = T0 + (day * DAY_MIN + k) * MIN;
      const tallies = streams.map((s, i) => {
        const t = minute(rand, s.perDay, truthAt(s, m));
        today[i] = addTally(today[i]!, t);
        minutes[i]!.push(t);
        const c = cumN[i]!;
        c.push((c[c.length - 1] ?? 0) + t.npsN);
        // the baseline rule: trailing 24 h point estimate
        const w = window[i]!;
        w.n += t.npsN;
        w.p += t.promoters;
        w.d += t.detractors;
        const old = minutes[i]!.length > DAY_MIN ? minutes[i]![minutes[i]!.length - 1 - DAY_MIN]! : null;
        if (old) {
          w.n -= old.npsN;
          w.p -= old.promoters;
          w.d -= old.detractors;
        }
        const below = w.n >= 30 && (100 * (w.p - w.d)) / w.n < 20;
        if (below && !inAlert[i]) out[i]!.baselineAlerts.push(m);
        inAlert[i] = below;
        return t;
      });
      const idx = new Map(streams.map((s, i) => [s.tp, i]));
      const r = evaluateMinute({
        tenant: "bench",
        minute: m,
        fdr: 0.1,
        monitors: rules.map((rule, j) => ({ rule, baseline: baselines[idx.get(rule.touchpoint)!]!, tally: tallies[idx.get(rule.touchpoint)!]!, state: states[j] ?? null })),
      });
      r.states.forEach((s, j) => (states[j] = s));
      for (const n of r.notifications) if (n.type === "firing") out[idx.get(n.alert.touchpoint)!]!.pulseAlerts.push(m);
    }
    streams.forEach((_, i) => daily[i]!.push(today[i]!));
  }
  streams.forEach((_, i) => {
    out[i]!.responsesTo = (m: number) => cumN[i]![Math.min(cumN[i]!.length - 1, Math.round((m - T0) / MIN))] ?? 0;
  });
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const fmtH = (min: number | null): string => (min === null ? "—" : min < 120 ? `${min} min` : `${(min / 60).toFixed(1)} h`);

const started = Date.now();
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const IC_TPS = Number(args.get("touchpoints") ?? 8);
const IC_DAYS = Number(args.get("days") ?? 45);

console.log(`pnpm bench:alerts — seeded simulation; NPS 30 in control, target 20; default rules (nps_target α=0.01, nps_change δ=10 pts ARL 30 d, volume_silence), FDR q=0.1`);
console.log("");
console.log(`In control: ${IC_TPS} touchpoints × ${IC_DAYS} days (after 28 days of history), half at 200 and half at 2000 answers a day`);
const ic: Stream[] = Array.from({ length: IC_TPS }, (_, i) => ({ tp: `ic${i}`, perDay: i % 2 === 0 ? 200 : 2000, shiftAt: null, size: 0 }));
const icOut = simulate(ic, IC_DAYS, 1);
for (const perDay of [200, 2000]) {
  const idx = ic.map((s, i) => [s, i] as const).filter(([s]) => s.perDay === perDay).map(([, i]) => i);
  const pulse = idx.reduce((a, i) => a + icOut[i]!.pulseAlerts.length, 0);
  const base = idx.reduce((a, i) => a + icOut[i]!.baselineAlerts.length, 0);
  const scale = 30 / (IC_DAYS * idx.length);
  console.log(`  ${String(perDay).padStart(4)}/day  false alerts per touchpoint per 30 days: Pulse ${(pulse * scale).toFixed(3)} (${pulse} in ${idx.length * IC_DAYS} touchpoint-days)   fixed threshold ${(base * scale).toFixed(3)} (${base})`);
}
console.log("");
console.log("Shifts (NPS drop of s points at a random minute of day 3), detection delay: median over touchpoints [responses] (detected/total within 7 days)");
const SIZES = [5, 10, 20];
const PER = Number(args.get("shifted") ?? 4);
for (const perDay of [200, 2000]) {
  const rand = mulberry32(perDay);
  const streams: Stream[] = SIZES.flatMap((size) => Array.from({ length: PER }, (_, i) => ({ tp: `s${size}_${i}`, perDay, size, shiftAt: T0 + (2 * DAY_MIN + Math.floor(rand() * DAY_MIN)) * MIN })));
  const out = simulate(streams, 10, perDay + 7);
  for (const size of SIZES) {
    const idx = streams.map((s, i) => [s, i] as const).filter(([s]) => s.size === size);
    const delays = (pick: (o: Outcome) => number[]) => {
      const mins: number[] = [];
      const resp: number[] = [];
      let early = 0;
      for (const [s, i] of idx) {
        const o = out[i]!;
        const alerts = pick(o);
        if (alerts.some((m) => m < s.shiftAt!)) early++;
        const hit = alerts.find((m) => m >= s.shiftAt! && m < s.shiftAt! + 7 * DAY_MIN * MIN);
        if (hit !== undefined) {
          mins.push((hit - s.shiftAt!) / MIN);
          resp.push(o.responsesTo(hit) - o.responsesTo(s.shiftAt!));
        }
      }
      return `${fmtH(median(mins)).padStart(8)} [${String(median(resp) ?? "—").padStart(5)}] (${mins.length}/${idx.length}${early ? `, ${early} alerted before the shift` : ""})`;
    };
    console.log(`  ${String(perDay).padStart(4)}/day  −${String(size).padStart(2)} pts  Pulse ${delays((o) => o.pulseAlerts)}   fixed threshold ${delays((o) => o.baselineAlerts)}`);
  }
}
console.log("");
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
