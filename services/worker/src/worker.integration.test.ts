import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createReader, type ClickHouse } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { consumerLag, createBatchConsumer, rewindGroup, type Kafka, type Topics } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createRedis, type Redis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createWorker, type PulseWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE } from "./catalogues";
import { listDeadLetters, redriveDeadLetters } from "./dlq";
import { makeEvents } from "./testing/events";
import { countEvents, privateTopics, produce, tempClickHouse, waitFor, wire, tempDir, removeTempDirs } from "./testing/harness";

// Registered first, so it runs after every other afterAll (they close what lives in the folders).
afterAll(removeTempDirs);

// Real Kafka broker, real Redis, embedded ClickHouse (chDB): nothing here is mocked.
const stack = inject("stack");
const tenant = `t${randomUUID().slice(0, 6)}`;
let kafka: Kafka;
let topics: Topics;
let ch: ClickHouse;
let redis: Redis;
let worker: PulseWorker;
const archiveDir = tempDir("pulse-archive-");

function startWorker(): PulseWorker {
  return createWorker({
    kafka,
    topics,
    groupId: `g-${tenant}`,
    ch,
    redis,
    store: createLocalStore(archiveDir),
    logger: silentLogger,
    registry: createMetricsRegistry("worker-test", { defaults: false }),
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk: 700,
    partitionsConcurrently: 3,
    sessionTimeoutMs: 6000,
    fcr: { windowMs: 7 * 86_400_000 },
  });
}

beforeAll(async () => {
  ({ kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(",")));
  ({ ch } = await tempClickHouse());
  redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
  worker = startWorker();
  await worker.start();
});

afterAll(async () => {
  await worker.stop();
  redis.disconnect();
  await ch.close();
});

type Sums = Record<string, number>;
type Group = { sums: Sums; hist: Map<number, number> };
const minute = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")}:00`;

/** The independent computation: sufficient statistics straight from the events sent. */
function expectedByGroup(events: FeedbackEvent[], bucketOf: (iso: string) => string): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const e of events) {
    const key = `${e.touchpoint}|${e.channel}|${e.customer.segment ?? "unknown"}|${bucketOf(e.occurredAt)}`;
    const g = out.get(key) ?? { sums: { events: 0, nps_n: 0, prom: 0, detr: 0, csat_n: 0, top2: 0, csat_sum: 0, csat_sq: 0, ces_n: 0, ces_sum: 0, ces_sq: 0, contacts: 0, offered: 0, abandoned: 0, wait_n: 0, wait_ms: 0, opened: 0, resolved: 0 }, hist: new Map<number, number>() };
    const s = g.sums as Record<string, number> & { events: number; nps_n: number; prom: number; detr: number; csat_n: number; top2: number; csat_sum: number; csat_sq: number; ces_n: number; ces_sum: number; ces_sq: number; contacts: number; offered: number; abandoned: number; wait_n: number; wait_ms: number; opened: number; resolved: number };
    s.events++;
    if (e.type === "survey.response") {
      const b = e.body;
      if (b.nps !== undefined) {
        s.nps_n++;
        if (b.nps >= 9) s.prom++;
        if (b.nps <= 6) s.detr++;
      }
      if (b.csat !== undefined) {
        s.csat_n++;
        if (b.csat >= 4) s.top2++;
        s.csat_sum += b.csat;
        s.csat_sq += b.csat * b.csat;
      }
      if (b.ces !== undefined) {
        s.ces_n++;
        s.ces_sum += b.ces;
        s.ces_sq += b.ces * b.ces;
      }
    }
    if (e.type === "call.completed" || e.type === "contact.completed") s.contacts++;
    if (e.type === "call.completed") {
      s.offered++;
      if (e.body.abandoned) s.abandoned++;
    }
    const wait = e.type === "call.completed" || e.type === "contact.completed" ? e.body.waitSeconds : undefined;
    const abandoned = e.type === "call.completed" && e.body.abandoned;
    if (wait !== undefined && !abandoned) {
      s.wait_n++;
      s.wait_ms += Math.round(wait * 1000);
      g.hist.set(Math.round(wait), (g.hist.get(Math.round(wait)) ?? 0) + 1);
    }
    if (e.type === "complaint.opened") s.opened++;
    if (e.type === "complaint.resolved") s.resolved++;
    out.set(key, g);
  }
  return out;
}

async function rollup(table: string): Promise<Map<string, Group>> {
  const rows = await createReader(ch).query<{ touchpoint: string; channel: string; segment: string; bucket: string; hist: Record<string, number> } & Record<string, unknown>>(
    `SELECT touchpoint, channel, segment, toString(bucket) AS bucket,
       sum(events) AS events, sum(nps_n) AS nps_n, sum(nps_promoters) AS prom, sum(nps_detractors) AS detr,
       sum(csat_n) AS csat_n, sum(csat_top2) AS top2, sum(csat_sum) AS csat_sum, sum(csat_sum_sq) AS csat_sq,
       sum(ces_n) AS ces_n, sum(ces_sum) AS ces_sum, sum(ces_sum_sq) AS ces_sq, sum(contacts) AS contacts,
       sum(calls_offered) AS offered, sum(calls_abandoned) AS abandoned, sum(wait_n) AS wait_n, sum(wait_ms_sum) AS wait_ms,
       sumMap(wait_hist) AS hist, sum(complaints_opened) AS opened, sum(complaints_resolved) AS resolved
     FROM ${table} WHERE tenant = {t:String} GROUP BY touchpoint, channel, segment, bucket`,
    { t: tenant },
  );
  const out = new Map<string, Group>();
  for (const r of rows) {
    const { touchpoint, channel, segment, bucket, hist, ...sums } = r;
    const s: Sums = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Number(v)]));
    out.set(`${touchpoint}|${channel}|${segment}|${bucket}`, { sums: s, hist: new Map(Object.entries(hist).map(([k, v]) => [Number(k), Number(v)])) });
  }
  return out;
}

describe("worker: Kafka → enrichment → ClickHouse rollups", () => {
  const events = makeEvents(3000, { seed: 42, idPrefix: tenant });

  it("stores every valid event once, drops resent ids and dead-letters poison messages", async () => {
    const messages = events.map((e) => wire(tenant, e));
    // A client retry that slipped past the collector: the same ids again, at new offsets.
    const resent = events.slice(0, 120).map((e) => wire(tenant, e));
    const poison = [
      { key: "p1", value: "{not json" },
      { key: "p2", value: JSON.stringify({ v: 1, tenant, source: "x", receivedAt: new Date().toISOString(), event: { id: "bad", type: "survey.response" } }) },
      { key: "p3", value: JSON.stringify({ v: 7 }) },
      { key: "p4", value: Buffer.alloc(0) },
    ];
    await produce(kafka, topics.feedback, [...messages.slice(0, 1500), ...poison, ...resent, ...messages.slice(1500)]);
    await waitFor("3000 events in ClickHouse", () => countEvents(ch, tenant), (n) => n >= 3000);
    // Resent copies add no rows: wait until the group has consumed everything; nothing more may arrive.
    await waitFor(
      "the group to reach the end",
      async () => (await consumerLag(kafka, `g-${tenant}`, topics.feedback)).reduce((s, p) => s + p.lag, 0n),
      (lag) => lag === 0n,
    );
    expect(await countEvents(ch, tenant)).toBe(3000);
    const [distinct] = await createReader(ch).query<{ n: number }>("SELECT uniqExact(event_id) AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
    expect(Number(distinct?.n)).toBe(3000);

    const dead: { reason: string; value: string; offset: string }[] = [];
    const consumer = createBatchConsumer(kafka, {
      groupId: `dlq-${tenant}`,
      topics: [topics.deadLetters],
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const m of batch.messages) {
          dead.push({ reason: String(m.headers?.["pulse-dlq-reason"] ?? ""), value: m.value?.toString() ?? "", offset: String(m.headers?.["pulse-source-offset"] ?? "") });
          resolveOffset(m.offset);
        }
        await Promise.resolve();
      },
    });
    await consumer.start();
    await waitFor("4 dead letters", () => Promise.resolve(dead.length), (n) => n >= 4);
    await consumer.stop();
    expect(dead.map((d) => d.reason).sort()).toEqual(["empty_message", "invalid_envelope", "invalid_event", "invalid_json"]);
    expect(dead.find((d) => d.reason === "invalid_json")?.value).toBe("{not json");
    expect(dead.every((d) => /^\d+$/.test(d.offset))).toBe(true);
  });

  it("reports what it did in its metrics", async () => {
    const sum = async (m: { get(): Promise<{ values: { value: number; metricName?: string }[] }> }, name?: string) =>
      (await m.get()).values.filter((v) => !name || v.metricName === name).reduce((n, v) => n + v.value, 0);
    expect(await sum(worker.metrics.events)).toBe(3000);
    expect(await sum(worker.metrics.duplicates)).toBe(120);
    const dead = (await worker.metrics.deadLetters.get()).values.map((v) => [v.labels.reason, v.value]).sort();
    expect(dead).toEqual([["empty_message", 1], ["invalid_envelope", 1], ["invalid_event", 1], ["invalid_json", 1]]);
    expect(await sum(worker.metrics.insertSeconds, "pulse_worker_insert_seconds_count")).toBeGreaterThan(0);
    expect(await sum(worker.metrics.chunkSize, "pulse_worker_chunk_size_sum")).toBe(3000 + 120 + 4);
    expect(await sum(worker.metrics.lag)).toBe(0);
  });

  it("matches an independent computation of every rollup figure at minute, hour and day grain", async () => {
    const grains: [string, (iso: string) => string][] = [
      ["rollup_minute", minute],
      ["rollup_hour", (iso) => `${new Date(iso).toISOString().slice(0, 13).replace("T", " ")}:00:00`],
      ["rollup_day", (iso) => `${new Date(iso).toISOString().slice(0, 10)} 00:00:00`],
    ];
    for (const [table, bucketOf] of grains) {
      const expected = expectedByGroup(events, bucketOf);
      const got = await rollup(table);
      expect([...got.keys()].sort(), table).toEqual([...expected.keys()].sort());
      for (const [k, e] of expected) {
        const g = got.get(k);
        expect(g, `${table} ${k}`).toEqual(e);
      }
    }
  });

  it("redacts PII and tags text before it is stored", async () => {
    const rows = await createReader(ch).query<{ text: string; lang: string; sentiment_label: string }>(
      "SELECT text, lang, sentiment_label FROM feedback_events WHERE tenant = {t:String} AND text LIKE '%Refund%' LIMIT 1",
      { t: tenant },
    );
    expect(rows[0]?.text).toBe("Refund still not processed, call me at [PHONE]");
    expect(rows[0]?.lang).toBe("en");
  });

  it("archives raw accepted messages per tenant and hour", async () => {
    const keys = await createLocalStore(archiveDir).list(`raw/${tenant}/`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /^raw\/[^/]+\/\d{4}-\d{2}-\d{2}\/\d{2}\/.+-\d+-\d+-\d+\.ndjson\.gz$/.test(k))).toBe(true);
    const store = createLocalStore(archiveDir);
    const lines: { value: string }[] = [];
    for (const k of keys) {
      const body = gunzipSync((await store.get(k)) ?? Buffer.alloc(0)).toString("utf8");
      for (const line of body.split("\n").filter(Boolean)) lines.push(JSON.parse(line) as { value: string });
    }
    // Every stored event is archived once; the 120 resent copies were not stored, so not archived.
    expect(lines).toHaveLength(3000);
    const ids = new Set(lines.map((l) => (JSON.parse(l.value) as { event: { id: string } }).event.id));
    expect(ids.size).toBe(3000);
  });

  it("derives first-contact resolution from repeat contacts as contacts and repeat-time histograms per cohort", async () => {
    const t2 = `${tenant}f`;
    const T = Date.UTC(2026, 9, 1, 9, 0, 0);
    const day = 86_400_000;
    const call = (id: string, customer: string, at: number, queue: string) =>
      wire(t2, {
        id,
        type: "call.completed",
        occurredAt: new Date(at).toISOString(),
        source: "acd",
        touchpoint: "phone",
        channel: "phone",
        customer: { id: customer, segment: "retail" },
        journey: { stage: "support" },
        schemaVersion: 1,
        body: { queue, waitSeconds: 10, handleSeconds: 100, holdSeconds: 0, transfers: 0, abandoned: false },
      });
    const chat = (id: string, customer: string, at: number, topic: string) =>
      wire(t2, {
        id,
        type: "contact.completed",
        occurredAt: new Date(at).toISOString(),
        source: "chat",
        touchpoint: "chat",
        channel: "chat",
        customer: { id: customer, segment: "retail" },
        schemaVersion: 1,
        body: { handleSeconds: 60, topic },
      });
    await produce(kafka, topics.feedback, [
      call("a1", "A", T, "billing"),
      chat("a-tech", "A", T + day, "technical_issue"),
      call("a2", "A", T + 2 * day, "billing"), // repeat within 7 days: a1 was not resolved
      call("b1", "B", T, "billing"),
      call("b2", "B", T + 10 * day, "billing"), // after the window: b1 was resolved
      call("c1", "C", T, "billing"),
    ]);
    await waitFor("6 contacts", () => countEvents(ch, t2), (n) => n === 6);
    const fcr = async () =>
      createReader(ch).query<{ touchpoint: string; journey_stage: string; n: number; hist: Record<string, number> }>(
        `SELECT touchpoint, journey_stage, sum(fcr_n) AS n, sumMap(fcr_repeat_hist) AS hist
         FROM rollup_day WHERE tenant = {t:String} GROUP BY touchpoint, journey_stage HAVING n > 0 ORDER BY touchpoint`,
        { t: t2 },
      );
    // Every contact is counted in its own cohort at once; a1's outcome is a repeat 2 days (2,880
    // minutes) later; b1's next contact came after the window and c1 has none: no repeat. Nothing
    // waits for a window to close: the query side decides what is final from the cohort's age.
    await waitFor("6 FCR contacts", async () => (await fcr()).reduce((s, r) => s + Number(r.n), 0), (n) => n === 6);
    const positive = (h: Record<string, number>) => Object.fromEntries(Object.entries(h).filter(([, v]) => Number(v) !== 0));
    expect((await fcr()).map((r) => [r.touchpoint, r.journey_stage, Number(r.n), positive(r.hist)])).toEqual([
      ["chat", "unknown", 1, {}],
      ["phone", "support", 5, { "2880": 1 }],
    ]);
  });

  it("lists dead letters and re-drives them once", async () => {
    const letters = await listDeadLetters(kafka, topics);
    expect(letters.map((l) => l.reason).sort()).toEqual(["empty_message", "invalid_envelope", "invalid_event", "invalid_json"]);
    expect(letters.find((l) => l.reason === "invalid_json")?.source).toMatch(new RegExp(`^${topics.feedback.replace(/\./g, "\\.")}/\\d+@\\d+$`));
    expect(await redriveDeadLetters(kafka, topics, { reason: "invalid_json" })).toEqual({ redriven: 1, skipped: 3 });
    // Still broken, so it comes back to the DLQ; a second re-drive of the same reason finds only the new copy.
    await waitFor("the re-driven letter back in the DLQ", async () => (await listDeadLetters(kafka, topics)).length, (n) => n === 5);
    expect(await redriveDeadLetters(kafka, topics, { reason: "invalid_json" })).toEqual({ redriven: 1, skipped: 0 });
  });

  it("re-delivers everything after a rewind (a crash after every insert, before any commit) and counts nothing twice", async () => {
    const tables = ["rollup_minute", "rollup_hour", "rollup_day"] as const;
    const before = await Promise.all(tables.map((t) => rollup(t)));
    const [countBefore] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events");
    await worker.stop();
    // Every chunk comes again from Kafka; the recorded ranges cut it exactly as before, so every
    // insert carries the token ClickHouse has already seen, in the table and down the cascade.
    await rewindGroup(kafka, `g-${tenant}`, topics.feedback);
    worker = startWorker();
    await worker.start();
    await waitFor(
      "the rewound group to catch up",
      async () => (await consumerLag(kafka, `g-${tenant}`, topics.feedback)).reduce((s, p) => s + p.lag, 0n),
      (lag) => lag === 0n,
    );
    const [countAfter] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events");
    expect(Number(countAfter?.n)).toBe(Number(countBefore?.n));
    const after = await Promise.all(tables.map((t) => rollup(t)));
    tables.forEach((t, i) => expect(after[i], t).toEqual(before[i]));
  });
});
