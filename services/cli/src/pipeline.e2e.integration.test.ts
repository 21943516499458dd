/**
 * End to end: HTTP → collector → Kafka → worker → ClickHouse rollups → query API, with real
 * Kafka, Redis and chDB. Every figure /v1/scores serves is checked against an independent
 * computation here, straight from the events sent.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedbackEvent } from "@pulse/contract";
import { collectorKey, openE2e, queryToken, type E2e } from "./testing/harness";

const tenant = `e2e${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
const HOUR = Date.UTC(2026, 9, 5, 10, 0, 0);

let e2e: E2e;
let collector: Awaited<ReturnType<E2e["startCollector"]>>;
let query: Awaited<ReturnType<E2e["startQuery"]>>;

/** A deterministic mixed set of events over one hour, for two touchpoints. */
function knownEvents(): FeedbackEvent[] {
  const out: FeedbackEvent[] = [];
  let i = 0;
  const at = (min: number) => new Date(HOUR + min * 60_000).toISOString();
  const base = <C extends "phone" | "chat" | "email" | "survey">(touchpoint: string, channel: C, customer: string, min: number) => ({
    id: `${tenant}-${i++}`,
    occurredAt: at(min),
    source: "e2e",
    touchpoint,
    channel,
    customer: { id: customer, segment: "retail" },
    schemaVersion: 1 as const,
  });
  for (let k = 0; k < 180; k++) {
    const tp = k % 3 === 0 ? "chat" : "phone";
    out.push({ ...base(tp, "survey", `s${k}`, k % 60), type: "survey.response", body: { surveyId: "post", nps: (k * 7) % 11, ...(k % 4 ? { csat: 1 + ((k * 3) % 5) } : {}), ...(k % 5 ? { ces: 1 + ((k * 5) % 7) } : {}) } });
  }
  for (let k = 0; k < 90; k++) {
    // customers c0..c29 call three times: twice about billing within a day (a repeat), once about tech.
    const topic = k % 3 === 2 ? "tech" : "billing";
    out.push({ ...base("phone", "phone", `c${k % 30}`, k % 60), type: "call.completed", body: { queue: topic, topic, waitSeconds: (k * 13) % 300 + (k % 2 ? 0.5 : 0), handleSeconds: 120 + k, holdSeconds: 0, transfers: k % 2, abandoned: k % 9 === 0 } });
  }
  for (let k = 0; k < 40; k++) {
    out.push({ ...base("chat", "chat", `h${k}`, k), type: "contact.completed", body: { handleSeconds: 300, waitSeconds: (k * 17) % 120, topic: "delivery" } });
  }
  for (let k = 0; k < 12; k++) {
    out.push({ ...base("phone", "email", `p${k}`, k), type: "complaint.opened", body: { complaintId: `${tenant}-k${k}`, category: "billing", severity: "high", text: "I was charged twice for the same order" } });
  }
  for (let k = 0; k < 6; k++) {
    out.push({ ...base("phone", "email", `p${k}`, 30 + k), type: "complaint.resolved", body: { complaintId: `${tenant}-k${k}`, resolution: "upheld", resolvedAt: at(30 + k + 90 * (k + 1)) } });
  }
  return out;
}

beforeAll(async () => {
  e2e = await openE2e({ name: tenant, partitions: 3 });
  await e2e.startWorker({ partitionsConcurrently: 3 });
  collector = await e2e.startCollector([collectorKey(KEY, tenant)]);
  query = await e2e.startQuery([queryToken(TOKEN, tenant)]);
});

afterAll(() => e2e?.close());

// ---- the independent computation -------------------------------------------------------------
const Z = 1.959963984540054;
const round = (x: number) => Math.round(x * 1e9) / 1e9;
function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return [c - h, c + h];
}
function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

function expected(events: FeedbackEvent[], touchpoint: string, fcr: { contacts: number; resolved: number }) {
  const es = events.filter((e) => e.touchpoint === touchpoint);
  const nps = es.flatMap((e) => (e.type === "survey.response" && e.body.nps !== undefined ? [e.body.nps] : []));
  const csat = es.flatMap((e) => (e.type === "survey.response" && e.body.csat !== undefined ? [e.body.csat] : []));
  const ces = es.flatMap((e) => (e.type === "survey.response" && e.body.ces !== undefined ? [e.body.ces] : []));
  const calls = es.filter((e) => e.type === "call.completed");
  const waits = es.flatMap((e) => ((e.type === "call.completed" && !e.body.abandoned) || e.type === "contact.completed" ? (e.body.waitSeconds === undefined ? [] : [e.body.waitSeconds]) : []));
  const contacts = es.filter((e) => e.type === "call.completed" || e.type === "contact.completed").length;
  const opened = es.filter((e) => e.type === "complaint.opened");
  const resolved = es.filter((e) => e.type === "complaint.resolved");
  const p = nps.filter((x) => x >= 9).length / nps.length;
  const m = nps.filter((x) => x <= 6).length / nps.length;
  const top2 = csat.filter((x) => x >= 4).length;
  const hours = resolved.flatMap((r) => {
    if (r.type !== "complaint.resolved") return [];
    const o = opened.find((x) => x.type === "complaint.opened" && x.body.complaintId === r.body.complaintId);
    return o ? [(Date.parse(r.body.resolvedAt) - Date.parse(o.occurredAt)) / 3_600_000] : [];
  });
  const sortedWaits = waits.map((w) => Math.round(w)).sort((a, b) => a - b);
  const abandoned = calls.filter((c) => c.type === "call.completed" && c.body.abandoned).length;
  return {
    nps: { value: round(100 * (p - m)), n: nps.length, ci95: [round(Math.max(-100, 100 * (p - m) - Z * 100 * Math.sqrt((p + m - (p - m) ** 2) / nps.length))), round(Math.min(100, 100 * (p - m) + Z * 100 * Math.sqrt((p + m - (p - m) ** 2) / nps.length)))] },
    csat: { top2Box: round((100 * top2) / csat.length), mean: round(csat.reduce((a, b) => a + b, 0) / csat.length), n: csat.length, ci95: wilson(top2, csat.length).map((x) => round(100 * x)) },
    ces: { mean: round(ces.reduce((a, b) => a + b, 0) / ces.length), n: ces.length },
    fcr: { value: fcr.contacts ? round(fcr.resolved / fcr.contacts) : null, n: fcr.contacts },
    waitSeconds: { mean: waits.length ? round(waits.reduce((a, b) => a + b, 0) / waits.length) : null, p50: waits.length ? quantile(sortedWaits, 0.5) : null, p90: waits.length ? quantile(sortedWaits, 0.9) : null, n: waits.length },
    abandonment: { value: calls.length ? round(abandoned / calls.length) : null, n: calls.length },
    complaints: { opened: opened.length, resolved: resolved.length, per1000Contacts: contacts ? round((1000 * opened.length) / contacts) : null, meanHoursToResolve: hours.length ? round(hours.reduce((a, b) => a + b, 0) / hours.length) : null },
  };
}

/** Derived FCR, brute force: a contact is unresolved iff the same customer contacts again about the same topic within 7 days. */
function fcrBruteForce(events: FeedbackEvent[], touchpoint: string) {
  const contacts = events.filter((e) => e.type === "call.completed" || e.type === "contact.completed" || e.type === "complaint.opened");
  const topicOf = (e: FeedbackEvent) => (e.type === "call.completed" || e.type === "contact.completed" ? (e.body.topic ?? "") : e.type === "complaint.opened" ? "billing" : "");
  let n = 0;
  let resolved = 0;
  for (const c of contacts.filter((x) => x.touchpoint === touchpoint)) {
    n++;
    const t = Date.parse(c.occurredAt);
    const later = contacts.filter((o) => o !== c && o.customer.id === c.customer.id && topicOf(o) === topicOf(c) && (Date.parse(o.occurredAt) > t || (Date.parse(o.occurredAt) === t && o.id > c.id)) && Date.parse(o.occurredAt) - t <= 7 * 86_400_000);
    if (later.length === 0) resolved++;
  }
  return { contacts: n, resolved };
}

function pick(g: Record<string, unknown>) {
  const r = (x: unknown) => (typeof x === "number" ? round(x) : x);
  const o = g as {
    nps: { value: number; n: number; ci95: number[] };
    csat: { top2Box: number; mean: number; n: number; ci95: number[] };
    ces: { mean: number; n: number };
    fcr: { value: number | null; n: number };
    waitSeconds: { mean: number | null; p50: number | null; p90: number | null; n: number };
    abandonment: { value: number | null; n: number };
    complaints: { opened: number; resolved: number; per1000Contacts: number | null; meanHoursToResolve: number | null };
  };
  return {
    nps: { value: r(o.nps.value), n: o.nps.n, ci95: o.nps.ci95.map(r) },
    csat: { top2Box: r(o.csat.top2Box), mean: r(o.csat.mean), n: o.csat.n, ci95: o.csat.ci95.map(r) },
    ces: { mean: r(o.ces.mean), n: o.ces.n },
    fcr: { value: r(o.fcr.value), n: o.fcr.n },
    waitSeconds: { mean: r(o.waitSeconds.mean), p50: o.waitSeconds.p50, p90: o.waitSeconds.p90, n: o.waitSeconds.n },
    abandonment: { value: r(o.abandonment.value), n: o.abandonment.n },
    complaints: { opened: o.complaints.opened, resolved: o.complaints.resolved, per1000Contacts: r(o.complaints.per1000Contacts), meanHoursToResolve: r(o.complaints.meanHoursToResolve) },
  };
}

describe("pipeline end to end", () => {
  const events = knownEvents();

  it("accepts every event over HTTP (and a retry counts once)", async () => {
    const body = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-ndjson" }, payload: body });
    expect(r.statusCode).toBe(200);
    const results = r.json<{ results: { status: string }[] }>().results;
    expect(results.filter((x) => x.status === "accepted")).toHaveLength(events.length);
    const retry = await collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events.slice(0, 10) });
    expect(retry.json<{ results: { status: string }[] }>().results.every((x) => x.status === "duplicate")).toBe(true);

    // The chunk is committed (its FCR contacts and outcome rows included) once the group's offsets reach the end.
    await e2e.settle(tenant, events.length);
    // Every window of these (past) contacts has closed: the served FCR is final, nothing to sweep.
  });

  it("serves every figure exactly as an independent computation gives it", async () => {
    const r = await query.inject({
      method: "GET",
      url: `/v1/scores?from=${new Date(HOUR).toISOString()}&to=${new Date(HOUR + 3 * 3_600_000).toISOString()}&groupBy=touchpoint`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.statusCode, r.body).toBe(200);
    const groups = r.json<{ groups: ({ key: { touchpoint: string } } & Record<string, unknown>)[] }>().groups;
    expect(groups.map((g) => g.key.touchpoint).sort()).toEqual(["chat", "phone"]);
    for (const g of groups) {
      const tp = g.key.touchpoint;
      expect(pick(g), tp).toEqual(expected(events, tp, fcrBruteForce(events, tp)));
    }
    // The data set exercises every figure (no comparison of two nulls): repeats make FCR < 1,
    // both touchpoints have waits, and phone has abandoned calls and resolved complaints.
    const phone = pick(groups.find((g) => g.key.touchpoint === "phone") ?? {});
    expect(phone.fcr.value).toBeGreaterThan(0);
    expect(phone.fcr.value).toBeLessThan(1);
    expect(phone.abandonment.value).toBeGreaterThan(0);
    expect(phone.complaints.meanHoursToResolve).toBeGreaterThan(0);
    expect(phone.waitSeconds.p90).toBeGreaterThan(phone.waitSeconds.p50 ?? Infinity);
    const chat = pick(groups.find((g) => g.key.touchpoint === "chat") ?? {});
    expect(chat.fcr.n).toBe(40);
    expect(chat.csat.n).toBeGreaterThan(0);
  });
});
