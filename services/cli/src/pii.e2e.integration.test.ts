/**
 * PII through the real path: HTTP → collector → Kafka → worker → ClickHouse and the archive, then
 * a replay from the archive. An e-mail and phone numbers (US and international) in `attributes`
 * and in free text never reach Kafka (checked on the archived Kafka message values), the archive
 * or `feedback_events`, and a replay still rebuilds every row.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createReader, createWriter, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import { createCollectorApp, createRedisDedupStore, hashApiKey } from "@pulse/collector";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { consumerLag, createKafka, createProducer, declaredTopics, ensureTopics, topicNames, type Kafka } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createLocalStore, type ObjectStore } from "@pulse/storage";
import { createCatalogues, createWorker, EMPTY_CATALOGUE, replayRange, type PulseWorker } from "@pulse/worker";

const stack = inject("stack");
const ROOT = new URL("../../../", import.meta.url).pathname;
const tenant = `pii${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const DAY = Date.UTC(2026, 9, 5);
const SECRETS = ["jan.kowalski@example.com", "212-555-0187", "(212) 555-0187", "+1 212 555 0187", "+44 20 7946 0958", "601 234 567"];

const dirs: string[] = [];
const closers: (() => Promise<unknown> | void)[] = [];
let ch: ClickHouse;
let kafka: Kafka;
let worker: PulseWorker;
let store: ObjectStore;
let collector: Awaited<ReturnType<typeof createCollectorApp>>;

beforeAll(async () => {
  const tmp = (p: string) => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "pii-e2e", logger: silentLogger });
  const topics = topicNames(`${tenant}.`);
  await ensureTopics(kafka, declaredTopics(`${tenant}.`, { feedback: 2, deadLetters: 1 }));
  ch = await openClickHouse({ path: join(tmp("pulse-pii-"), "ch"), database: "pulse" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `pii:${tenant}:` });
  const producer = createProducer(kafka);
  store = createLocalStore(tmp("pulse-pii-archive-"));
  worker = createWorker({
    kafka,
    topics,
    groupId: `g-${tenant}`,
    ch,
    redis,
    store,
    logger: silentLogger,
    registry: createMetricsRegistry("w", { defaults: false }),
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk: 1000,
    partitionsConcurrently: 2,
    fcr: { windowMs: 7 * 86_400_000 },
  });
  await worker.start();
  collector = await createCollectorApp({
    producer,
    topics,
    dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
    keys: [{ sha256: hashApiKey(KEY), tenant, source: "pii" }],
    logger: silentLogger,
    metrics: createMetricsRegistry("c", { defaults: false }),
    limits: { maxBodyBytes: 5 * 1024 * 1024, maxEvents: 10_000, maxDepth: 32, rateLimit: { eventsPerSecond: 100_000, burst: 100_000 }, produceTimeoutMs: 10_000, lingerMs: 2, maxSendBytes: 900 * 1024 },
  });
  closers.push(() => collector.close(), () => worker.stop(), () => producer.disconnect(), () => redis.disconnect(), () => ch.close());
});

afterAll(async () => {
  for (const c of closers) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function settle(n: number): Promise<void> {
  const reader = createReader(ch);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const [row] = await reader.query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
    if (Number(row?.n) >= n || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  for (;;) {
    const lag = await consumerLag(kafka, `g-${tenant}`, topicNames(`${tenant}.`).feedback);
    if (lag.every((p) => p.lag === 0n) || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 200));
  }
}

it("redacts e-mails and phones in attributes and free text before Kafka; feedback_events, the archive and a replay never see them", async () => {
  const events = SECRETS.map((s, i) => {
    const e = makeSampleEvent("survey.response") as unknown as Record<string, unknown>;
    return {
      ...e,
      id: `${tenant}-${i}`,
      occurredAt: new Date(DAY + 3_600_000 + i * 60_000).toISOString(),
      attributes: { reviewTitle: `Great flight, reach me on ${s}`, note: s, seat: "12A", legs: 2 },
      body: { ...(e.body as object), comment: `Contact ${s} please` },
    };
  });
  const r = await collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events });
  expect(r.statusCode).toBe(200);
  await settle(events.length);

  const reader = createReader(ch);
  const rows = await reader.query<{ attributes: Record<string, string>; text: string; pii_redacted: number }>(
    "SELECT attributes, text, pii_redacted FROM feedback_events WHERE tenant = {t:String} ORDER BY event_id",
    { t: tenant },
  );
  expect(rows).toHaveLength(events.length);
  const stored = JSON.stringify(rows);
  for (const s of SECRETS) expect(stored).not.toContain(s);
  expect(stored).not.toContain("555");
  for (const row of rows) {
    expect(row.attributes.note).toMatch(/^\[(EMAIL|PHONE)\]$/);
    expect(row.attributes.reviewTitle).toMatch(/^Great flight, reach me on \[(EMAIL|PHONE)\]$/);
    expect(row.attributes.seat).toBe("12A");
    expect(row.text).toMatch(/^Contact \[(EMAIL|PHONE)\] please$/);
  }

  // The archive holds the Kafka message values as the worker consumed them.
  const keys = await store.list("");
  expect(keys.length).toBeGreaterThan(0);
  let archived = "";
  for (const k of keys) {
    const body = (await store.get(k)) ?? Buffer.alloc(0);
    archived += (k.endsWith(".gz") ? gunzipSync(body) : body).toString("utf8");
  }
  expect(archived).toContain(tenant);
  for (const s of SECRETS) expect(archived).not.toContain(s);

  // Replay from the (redacted) archive rebuilds the same rows.
  const result = await replayRange(
    { from: new Date(DAY), to: new Date(DAY + 86_400_000), tenant },
    { ch, reader, writer: createWriter(ch), store, enrichment: worker.enrichment, logger: silentLogger },
  );
  expect(result.inserted).toBe(events.length);
  const after = await reader.query<{ attributes: Record<string, string> }>("SELECT attributes FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
  expect(after).toHaveLength(events.length);
  for (const s of SECRETS) expect(JSON.stringify(after)).not.toContain(s);
});
