/**
 * Test support: a known, deterministic data set written straight into feedback_events,
 * fcr_contacts and fcr_repeats, and reference computations made from the raw arrays (not from the rollups, and
 * not through the service's code). Only special functions (normal / Student-t / gamma quantiles)
 * come from @pulse/scoring; every count, sum, share, mean, interval and test is formed here.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createReader, createWriter, migrate, openClickHouse, type ClickHouse, type Reader, type Writer } from "@pulse/clickhouse";
import { seededRandom } from "@pulse/kit";
import { gammaQuantile, normalTwoSidedP, tQuantile, tTwoSidedP } from "@pulse/scoring";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const Z = 1.959963984540054;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The fixed "now" of the API tests: mid-minute, mid-hour, mid-day. */
export const NOW = Date.parse("2025-06-10T12:34:20.000Z");

export type RawEvent = {
  tenant: string;
  id: string;
  type: "survey.response" | "call.completed" | "contact.completed" | "complaint.opened" | "complaint.resolved";
  at: number;
  touchpoint: string;
  channel: string;
  segment: string;
  journeyStage: string;
  customer: string;
  survey?: string;
  nps?: number;
  csat?: number;
  ces?: number;
  wait?: number;
  abandoned?: 0 | 1;
  hoursToResolve?: number;
  topics?: string[];
};

/** A contact for FCR, with the time to its next contact of the same customer and topic (null: none yet). */
export type RawFcrContact = {
  tenant: string;
  contactId: string;
  at: number;
  touchpoint: string;
  channel: string;
  segment: string;
  journeyStage: string;
  topic: string;
  customer: string;
  repeatAfterMs: number | null;
};

export type Dataset = { events: RawEvent[]; fcr: RawFcrContact[] };

/** The FCR settings of the API tests: W = 7 days, L = 1 hour (the query service's defaults). */
export const FCR_W = 7 * DAY;
export const FCR_L = HOUR;

/** mulberry32: small deterministic PRNG. */
export const prng = seededRandom;

const TOUCHPOINTS = ["ivr", "chat", "store"] as const;
const CHANNEL_OF: Record<string, string[]> = { ivr: ["phone"], chat: ["chat", "web"], store: ["store"] };
const SEGMENTS = ["retail", "business"];
const STAGES = ["onboarding", "support"];
const TOPICS = ["billing", "delay", "rude-agent", "app-crash", "refund"];

/**
 * Events over the 8 days before `now` for `tenant`. In the last 24 hours the IVR's NPS answers are
 * shifted down (a real, significant drop against the day before); other touchpoints keep theirs.
 */
export function generateDataset(tenant: string, now: number, seed: number, scale = 1): Dataset {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const events: RawEvent[] = [];
  const fcr: RawFcrContact[] = [];
  const span = 8 * DAY;
  let k = 0;
  const base = (tp: string, at: number): Omit<RawEvent, "type"> => ({
    tenant,
    id: `${tenant}-e${k++}`,
    at,
    touchpoint: tp,
    channel: pick(CHANNEL_OF[tp]!),
    segment: pick(SEGMENTS),
    journeyStage: pick(STAGES),
    customer: `${tenant}-c${int(1, 400)}`,
  });
  const count = Math.round(2400 * scale);
  for (let i = 0; i < count; i++) {
    // Millisecond times, never in the future; a few land in the current minute.
    const at = now - 1 - Math.floor(rnd() * span);
    const tp = pick(TOUCHPOINTS);
    const r = rnd();
    if (r < 0.4) {
      const recentIvr = tp === "ivr" && at >= now - DAY;
      const e: RawEvent = { ...base(tp, at), type: "survey.response", survey: `${tenant}-s${i}` };
      if (rnd() < 0.8) e.nps = recentIvr ? int(0, 8) : int(3, 10);
      if (rnd() < 0.7) e.csat = int(1, 5);
      if (rnd() < 0.5) e.ces = int(1, 7);
      events.push(e);
    } else if (r < 0.75) {
      if (tp === "ivr") {
        const abandoned = rnd() < 0.15 ? 1 : 0;
        // Wait seconds with millisecond resolution, never exactly x.5 (ClickHouse rounds ties to even).
        const millis = int(1, 998);
        const wait = int(0, 300) + (millis === 500 ? 501 : millis) / 1000;
        events.push({ ...base(tp, at), type: "call.completed", wait, abandoned });
      } else {
        events.push({ ...base(tp, at), type: "contact.completed" });
      }
      // Draws once used for FCR verdicts, kept so the events stay exactly those every other test
      // was written against (the FCR contacts below have a generator of their own).
      if (rnd() < 0.6) {
        pick(TOPICS);
        rnd();
      }
    } else if (r < 0.9) {
      const n = int(0, 2);
      const topics = [...new Set(Array.from({ length: n }, () => pick(TOPICS)))];
      events.push({ ...base(tp, at), type: "complaint.opened", topics });
    } else {
      events.push({ ...base(tp, at), type: "complaint.resolved", hoursToResolve: int(1, 400) / 4 });
    }
  }
  // Respondents for key-driver analysis: one NPS row (touchpoint "relationship") and CSAT rows for
  // ivr, chat and (for most) store, sharing survey_id + customer_id.
  const respondents = Math.round(90 * scale);
  for (let i = 0; i < respondents; i++) {
    const at = now - 1 - Math.floor(rnd() * 6 * DAY);
    const survey = `${tenant}-kd${i}`;
    const customer = `${tenant}-kdc${i}`;
    const a = rnd();
    const b = rnd();
    const c = rnd();
    const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.round(x)));
    const row = (tp: string, extra: Partial<RawEvent>): RawEvent => ({
      tenant,
      id: `${tenant}-kd${i}-${tp}`,
      type: "survey.response",
      at,
      touchpoint: tp,
      channel: "web",
      segment: "retail",
      journeyStage: "support",
      customer,
      survey,
      ...extra,
    });
    events.push(row("relationship", { nps: clamp(10 * (0.6 * a + 0.3 * b + 0.1 * c) + (rnd() - 0.5) * 2, 0, 10) }));
    events.push(row("ivr", { csat: clamp(1 + 4 * a + (rnd() - 0.5), 1, 5) }));
    events.push(row("chat", { csat: clamp(1 + 4 * b + (rnd() - 0.5) * 2, 1, 5) }));
    if (rnd() < 0.8) events.push(row("store", { csat: clamp(1 + 4 * c + (rnd() - 0.5) * 2, 1, 5) }));
  }
  // FCR contacts over the 10 days before now (their own generator, so the events above stay as they
  // were): windows closed, open and just started. A repeat that would come after `now` has not
  // happened yet: the contact has no repeat so far (it is censored, which is what pending means).
  const frnd = prng(seed * 7919 + 1);
  const fcrCount = Math.round(3000 * scale);
  for (let i = 0; i < fcrCount; i++) {
    const tp = TOUCHPOINTS[Math.floor(frnd() * TOUCHPOINTS.length)]!;
    const at = now - 1 - Math.floor(frnd() * 10 * DAY);
    const channels = CHANNEL_OF[tp] ?? ["web"];
    const repeats = frnd() < (tp === "chat" ? 0.45 : 0.2);
    // Most repeats come early (hours), some late in the window, a few exactly at W or just after it.
    const u = frnd();
    const delay = u < 0.6 ? Math.floor(frnd() * 6 * HOUR) : u < 0.95 ? Math.floor(frnd() * FCR_W) : frnd() < 0.5 ? FCR_W : FCR_W + MINUTE;
    fcr.push({
      tenant,
      contactId: `${tenant}-f${i}`,
      at,
      touchpoint: tp,
      channel: channels[Math.floor(frnd() * channels.length)]!,
      segment: SEGMENTS[Math.floor(frnd() * SEGMENTS.length)]!,
      journeyStage: STAGES[Math.floor(frnd() * STAGES.length)]!,
      topic: TOPICS[Math.floor(frnd() * TOPICS.length)]!,
      customer: `${tenant}-c${i}`,
      repeatAfterMs: repeats && at + delay <= now ? delay : null,
    });
  }
  return { events, fcr };
}

function dt(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

export const EVENT_COLUMNS = [
  "tenant",
  "event_id",
  "type",
  "schema_version",
  "occurred_at",
  "received_at",
  "source",
  "touchpoint",
  "touchpoint_raw",
  "journey_stage",
  "channel",
  "customer_id",
  "segment",
  "survey_id",
  "nps",
  "csat",
  "ces",
  "wait_seconds",
  "abandoned",
  "hours_to_resolve",
  "topics",
] as const;

export function eventRow(e: RawEvent): unknown[] {
  return [
    e.tenant,
    e.id,
    e.type,
    1,
    dt(e.at),
    dt(e.at),
    "test",
    e.touchpoint,
    e.touchpoint,
    e.journeyStage,
    e.channel,
    e.customer,
    e.segment,
    e.survey ?? "",
    e.nps ?? null,
    e.csat ?? null,
    e.ces ?? null,
    e.wait ?? null,
    e.abandoned ?? null,
    e.hoursToResolve ?? null,
    e.topics ?? [],
  ];
}

let batch = 0;
export async function insertDataset(writer: Writer, d: Dataset): Promise<void> {
  batch++;
  await writer.insert("feedback_events", EVENT_COLUMNS, d.events.map(eventRow), { dedupToken: `test-events-${batch}-${d.events[0]?.id ?? ""}` });
  const dims = (c: RawFcrContact) => [c.tenant, c.customer, c.topic, dt(c.at), c.contactId, c.touchpoint, c.channel, c.segment, c.journeyStage];
  await writer.insert(
    "fcr_contacts",
    ["tenant", "customer_id", "topic", "occurred_at", "contact_id", "touchpoint", "channel", "segment", "journey_stage", "kafka_topic", "kafka_partition", "kafka_offset"],
    d.fcr.map((c, i) => [...dims(c), "test", 0, i]),
    { dedupToken: `test-fcr-contacts-${batch}-${d.fcr[0]?.contactId ?? ""}` },
  );
  // The outcome rows as the worker writes them: +1 in the repeat's bin when it came within W.
  const repeated = d.fcr.filter((c) => c.repeatAfterMs !== null && c.repeatAfterMs <= FCR_W);
  await writer.insert(
    "fcr_repeats",
    ["tenant", "customer_id", "topic", "occurred_at", "contact_id", "touchpoint", "channel", "segment", "journey_stage", "repeat_bin", "sign"],
    repeated.map((c) => [...dims(c), Math.ceil(c.repeatAfterMs! / MINUTE), 1]),
    { dedupToken: `test-fcr-repeats-${batch}-${d.fcr[0]?.contactId ?? ""}` },
  );
}

export async function openTestDb(): Promise<{ ch: ClickHouse; reader: Reader; writer: Writer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "pulse-query-"));
  const ch = await openClickHouse({ path: join(dir, "db"), database: "pulse_query_test" });
  await migrate(ch, join(REPO_ROOT, "infra/clickhouse"));
  return { ch, reader: createReader(ch), writer: createWriter(ch), dir };
}

// ---------------------------------------------------------------- reference computations

export type Interval = [number, number];

export function npsRef(answers: number[]) {
  const n = answers.length;
  const promoters = answers.filter((a) => a >= 9).length;
  const detractors = answers.filter((a) => a <= 6).length;
  const passives = n - promoters - detractors;
  if (n === 0) return { value: null, n, promoters, passives, detractors, se: null, ci95: null };
  const pp = promoters / n;
  const pd = detractors / n;
  const value = 100 * (pp - pd);
  const se = 100 * Math.sqrt((pp + pd - (pp - pd) ** 2) / n);
  const ci95: Interval = [Math.max(-100, value - Z * se), Math.min(100, value + Z * se)];
  return { value, n, promoters, passives, detractors, se, ci95 };
}

export function wilsonRef(x: number, n: number): Interval | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [x === 0 ? 0 : centre - half, x === n ? 1 : centre + half];
}

export function meanRef(values: number[]) {
  const n = values.length;
  if (n === 0) return { mean: null, n, sd: null, se: null, ci95: null as Interval | null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, n, sd: null, se: null, ci95: null as Interval | null };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  const sd = Math.sqrt(ss / (n - 1));
  const se = sd / Math.sqrt(n);
  const t = tQuantile(0.975, n - 1);
  return { mean, n, sd, se, ci95: [mean - t * se, mean + t * se] as Interval };
}

/** Inverse-CDF quantile: the smallest x whose cumulative count reaches q·N. */
export function quantileRef(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

export function poissonRateRef(k: number, contacts: number): { value: number | null; ci95: Interval | null } {
  if (contacts === 0) return { value: null, ci95: null };
  const f = 1000 / contacts;
  return { value: k * f, ci95: [(k === 0 ? 0 : gammaQuantile(0.025, k)) * f, gammaQuantile(0.975, k + 1) * f] };
}

export type Predicate = (e: { tenant: string; at: number; touchpoint: string; channel: string; segment: string; journeyStage: string }) => boolean;
export type RangePredicate = Predicate & { range: { from: number; to: number } };

/** Events and contacts in [from, to) that also pass `extra`; carries the range for the FCR cohorts. */
export function inRange(from: number, to: number, extra: Predicate = () => true): RangePredicate {
  return Object.assign((e: Parameters<Predicate>[0]) => e.at >= from && e.at < to && extra(e), { range: { from, to } });
}

/** The rollup bucket a contact at `at` falls in when [from, to) is answered by the coarsest rollups that tile it. */
export function cohortOfRef(at: number, from: number, to: number): { start: number; width: number } {
  const ds = Math.ceil(from / DAY) * DAY;
  const de = Math.floor(to / DAY) * DAY;
  if (ds < de && at >= ds && at < de) return { start: Math.floor(at / DAY) * DAY, width: DAY };
  const [lo, hi] = ds < de ? (at < ds ? [from, ds] : [de, to]) : [from, to];
  const hs = Math.ceil(lo / HOUR) * HOUR;
  const he = Math.floor(hi / HOUR) * HOUR;
  if (hs < he && at >= hs && at < he) return { start: Math.floor(at / HOUR) * HOUR, width: HOUR };
  return { start: Math.floor(at / MINUTE) * MINUTE, width: MINUTE };
}

/**
 * FCR by brute force over the raw contacts of [from, to): each contact is censored at the end of
 * its bucket, L before now (c = ⌊(now − L − bucket end) / 1 min⌋); closed iff c ≥ W. Closed-window
 * share with Wilson interval, the pending counts, and Kaplan–Meier over the minute bins with
 * Greenwood's variance and the log-log interval, horizon = the last bin with ≥ 30 at risk.
 */
export function fcrRef(contacts: readonly RawFcrContact[], from: number, to: number, now = NOW) {
  const wBins = FCR_W / MINUTE;
  const rows = contacts.map((c) => {
    const { start, width } = cohortOfRef(c.at, from, to);
    const censor = Math.floor((now - FCR_L - start - width) / MINUTE);
    const bin = c.repeatAfterMs !== null && c.repeatAfterMs <= FCR_W ? Math.ceil(c.repeatAfterMs / MINUTE) : null;
    return { censor, bin };
  });
  const closed = rows.filter((r) => r.censor >= wBins);
  const open = rows.filter((r) => r.censor < wBins);
  const n = closed.length;
  const repeated = closed.filter((r) => r.bin !== null).length;
  const atRisk = (b: number) => rows.filter((r) => r.censor >= b && !(r.bin !== null && r.bin < b)).length;
  const eventsAt = (b: number) => rows.filter((r) => r.censor >= b && r.bin === b).length;
  let h: number | null = null;
  for (let lo = 0, hi = wBins; lo <= hi; ) {
    const mid = Math.floor((lo + hi) / 2);
    if (atRisk(mid) >= 30) {
      h = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let survival = 1;
  let v = 0;
  let events = 0;
  const eventBins = [...new Set(rows.flatMap((r) => (r.bin !== null && h !== null && r.bin <= h && r.censor >= r.bin ? [r.bin] : [])))].sort((a, b) => a - b);
  for (const b of eventBins) {
    const nb = atRisk(b);
    const db = eventsAt(b);
    survival *= (nb - db) / nb;
    if (nb > db) v += db / (nb * (nb - db));
    events += db;
  }
  let ci95: Interval | null = null;
  const nh = h === null ? atRisk(0) : atRisk(h);
  if (h !== null) {
    if (survival === 1) ci95 = [wilsonRef(nh, nh)![0], 1];
    else if (survival === 0) ci95 = [0, wilsonRef(0, nh)![1]];
    else {
      const k = (Z * Math.sqrt(v)) / Math.abs(Math.log(survival));
      ci95 = [survival ** Math.exp(k), survival ** Math.exp(-k)];
    }
  }
  return {
    value: n === 0 ? null : (n - repeated) / n,
    n,
    ci95: wilsonRef(n - repeated, n),
    resolved: n - repeated,
    repeated,
    pending: { contacts: open.length, knownUnresolved: open.filter((r) => r.bin !== null).length },
    early: {
      value: h === null ? null : survival,
      ci95,
      horizonHours: h === null ? null : (h * MINUTE) / HOUR,
      reachesWindow: h === wBins,
      atRisk: nh,
      events,
      contacts: rows.filter((r) => r.censor >= 0).length,
    },
    windowDays: FCR_W / DAY,
    allowedLatenessMinutes: FCR_L / MINUTE,
  };
}

/** Every figure of one /v1/scores group, from raw events and FCR contacts (`where` from inRange carries the range). */
export function scoresRef(d: Dataset, where: Predicate) {
  const ev = d.events.filter(where);
  const range = (where as Partial<RangePredicate>).range;
  if (!range) throw new Error("scoresRef needs a predicate made by inRange (FCR cohorts depend on the range)");
  const fcr = fcrRef(d.fcr.filter(where), range.from, range.to);
  const nps = npsRef(ev.flatMap((e) => (e.nps === undefined ? [] : [e.nps])));
  const csatAnswers = ev.flatMap((e) => (e.csat === undefined ? [] : [e.csat]));
  const top2 = csatAnswers.filter((a) => a >= 4).length;
  const csatCi = wilsonRef(top2, csatAnswers.length);
  const ces = meanRef(ev.flatMap((e) => (e.ces === undefined ? [] : [e.ces])));
  const waits = ev.filter((e) => e.wait !== undefined && e.abandoned !== 1).map((e) => e.wait!);
  const wait = meanRef(waits);
  const wholeSeconds = waits.map((w) => Math.round(w));
  const calls = ev.filter((e) => e.type === "call.completed");
  const abandoned = calls.filter((e) => e.abandoned === 1).length;
  const contacts = ev.filter((e) => e.type === "call.completed" || e.type === "contact.completed").length;
  const opened = ev.filter((e) => e.type === "complaint.opened").length;
  const resolvedEvents = ev.filter((e) => e.type === "complaint.resolved");
  const hours = resolvedEvents.flatMap((e) => (e.hoursToResolve === undefined ? [] : [e.hoursToResolve]));
  const rate = poissonRateRef(opened, contacts);
  return {
    nps: { value: nps.value, n: nps.n, promoters: nps.promoters, passives: nps.passives, detractors: nps.detractors, ci95: nps.ci95 },
    csat: {
      top2Box: csatAnswers.length === 0 ? null : (100 * top2) / csatAnswers.length,
      mean: csatAnswers.length === 0 ? null : csatAnswers.reduce((s, a) => s + a, 0) / csatAnswers.length,
      n: csatAnswers.length,
      ci95: csatCi === null ? null : ([csatCi[0] * 100, csatCi[1] * 100] as Interval),
    },
    ces: { mean: ces.mean, n: ces.n, ci95: ces.ci95 },
    fcr,
    waitSeconds: { mean: wait.mean, p50: quantileRef(wholeSeconds, 0.5), p90: quantileRef(wholeSeconds, 0.9), n: wait.n, ci95: wait.ci95 },
    abandonment: { value: calls.length === 0 ? null : abandoned / calls.length, n: calls.length, ci95: wilsonRef(abandoned, calls.length) },
    complaints: {
      opened,
      resolved: resolvedEvents.length,
      contacts,
      per1000Contacts: rate.value,
      per1000Ci95: rate.ci95,
      meanHoursToResolve: hours.length === 0 ? null : hours.reduce((s, h) => s + h, 0) / hours.length,
    },
    volume: { events: ev.length, contacts },
    // Raw material for the comparison references.
    _raw: {
      npsAnswers: ev.flatMap((e) => (e.nps === undefined ? [] : [e.nps])),
      csatAnswers,
      cesAnswers: ev.flatMap((e) => (e.ces === undefined ? [] : [e.ces])),
      waits,
      calls: calls.length,
      abandoned,
      fcrN: fcr.n,
      fcrYes: fcr.resolved,
    },
  };
}

export type ScoresRef = ReturnType<typeof scoresRef>;

export function zTestRef(diff: number, seCi: number, seTest: number) {
  const ci95: Interval = [diff - Z * seCi, diff + Z * seCi];
  if (!(seTest > 0)) return { difference: diff, ci95, pValue: null, significant: false };
  const p = normalTwoSidedP(diff / seTest);
  return { difference: diff, ci95, pValue: p, significant: p < 0.05 };
}

export function compareNpsRef(a: number[], b: number[]) {
  const ra = npsRef(a);
  const rb = npsRef(b);
  if (ra.value === null || rb.value === null) return { difference: null, ci95: null, pValue: null, significant: false };
  const se = Math.sqrt((ra.se ?? 0) ** 2 + (rb.se ?? 0) ** 2);
  return zTestRef(ra.value - rb.value, se, se);
}

export function compareShareRef(xa: number, na: number, xb: number, nb: number, scale = 1) {
  if (na === 0 || nb === 0) return { difference: null, ci95: null, pValue: null, significant: false };
  const pa = xa / na;
  const pb = xb / nb;
  const pooled = (xa + xb) / (na + nb);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  const se = Math.sqrt((pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
  const r = zTestRef(pa - pb, se, se0);
  return { difference: r.difference * scale, ci95: [r.ci95[0] * scale, r.ci95[1] * scale] as Interval, pValue: r.pValue, significant: r.significant };
}

export function welchRef(a: number[], b: number[]) {
  const ma = meanRef(a);
  const mb = meanRef(b);
  if (ma.mean === null || mb.mean === null) return { difference: null, ci95: null, pValue: null, significant: false };
  const difference = ma.mean - mb.mean;
  if (ma.sd === null || mb.sd === null) return { difference, ci95: null, pValue: null, significant: false };
  const va = ma.sd ** 2 / a.length;
  const vb = mb.sd ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = tQuantile(0.975, df);
  const p = tTwoSidedP(difference / se, df);
  return { difference, ci95: [difference - t * se, difference + t * se] as Interval, pValue: p, significant: p < 0.05 };
}

/** Pearson correlation, two-pass. */
export function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    const dx = xi - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Asserts that `actual` equals `expected` structurally, numbers within 1e-9 (absolute, or relative
 * to the expected magnitude when it exceeds 1). Returns a list of mismatching paths (empty = equal).
 */
export function diffClose(actual: unknown, expected: unknown, path = "$", tol = 1e-9): string[] {
  if (typeof expected === "number") {
    if (typeof actual !== "number") return [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
    return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)) ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (expected === null || typeof expected !== "object") {
    return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected array of ${expected.length}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => diffClose(actual[i], e, `${path}[${i}]`, tol));
  }
  if (actual === null || typeof actual !== "object") return [`${path}: expected object, got ${JSON.stringify(actual)}`];
  return Object.entries(expected).flatMap(([k, v]) => (k.startsWith("_") ? [] : diffClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`, tol)));
}
