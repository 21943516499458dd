/**
 * Issue 8.1 end to end: one accepted request whose events span more than 100 months (a
 * historical import of a few years) used to stall its partition forever (ClickHouse refused the
 * insert with TOO_MANY_PARTS and the worker retried it without end). Through the real collector,
 * Kafka, worker and chDB: the history is stored, and a live event of the same customer sent right
 * after it is counted within seconds.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createReader, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import { createCollectorApp, createRedisDedupStore, hashApiKey } from "@pulse/collector";
import type { FeedbackEvent } from "@pulse/contract";
import { createKafka, createProducer, declaredTopics, ensureTopics, topicNames } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createCatalogues, createWorker, EMPTY_CATALOGUE, type PulseWorker } from "@pulse/worker";

const stack = inject("stack");
const ROOT = new URL("../../../", import.meta.url).pathname;
const tenant = `hist${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
const closers: (() => Promise<unknown> | void)[] = [];
let ch: ClickHouse;
let worker: PulseWorker;
let collector: Awaited<ReturnType<typeof createCollectorApp>>;

beforeAll(async () => {
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "e2e-history", logger: silentLogger });
  const topics = topicNames(`${tenant}.`);
  // One partition: the history and the live event share it, as one customer's events always do.
  await ensureTopics(kafka, declaredTopics(`${tenant}.`, { feedback: 1, deadLetters: 1 }));
  ch = await openClickHouse({ path: join(tempDir("pulse-e2e-"), "ch"), database: "pulse" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `e2e:${tenant}:` });
  const producer = createProducer(kafka);
  worker = createWorker({
    kafka,
    topics,
    groupId: `g-${tenant}`,
    ch,
    redis,
    store: createLocalStore(tempDir("pulse-e2e-archive-")),
    logger: silentLogger,
    registry: createMetricsRegistry("w", { defaults: false }),
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk: 5000,
    partitionsConcurrently: 1,
    fcr: { windowMs: 7 * 86_400_000 },
  });
  await worker.start();
  collector = await createCollectorApp({
    producer,
    topics,
    dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
    keys: [{ sha256: hashApiKey(KEY), tenant, source: "e2e" }],
    logger: silentLogger,
    metrics: createMetricsRegistry("c", { defaults: false }),
    limits: { maxBodyBytes: 5 * 1024 * 1024, maxEvents: 10_000, maxDepth: 32, rateLimit: { eventsPerSecond: 100_000, burst: 100_000 }, produceTimeoutMs: 10_000, lingerMs: 2, maxSendBytes: 900 * 1024, coalesce: true },
  });
  closers.push(() => collector.close(), () => worker.stop(), () => producer.disconnect(), () => redis.disconnect(), () => ch.close());
});

afterAll(async () => {
  for (const c of closers) await c();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const call = (id: string, occurredAt: string): FeedbackEvent => ({
  id,
  type: "call.completed",
  occurredAt,
  source: "acd",
  touchpoint: "phone",
  channel: "phone",
  customer: { id: "c-1", segment: "retail" },
  schemaVersion: 1,
  body: { queue: "billing", waitSeconds: 30, handleSeconds: 200, holdSeconds: 0, transfers: 0, abandoned: false },
});

async function stored(): Promise<number> {
  const [r] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
  return Number(r?.n ?? 0);
}

describe("a historical request never stalls its partition", () => {
  it("stores 101 months of history in one request, then counts a live event within seconds", async () => {
    // One call on the 15th of every month from January 2017: 101 months, 101 monthly partitions.
    const history = Array.from({ length: 101 }, (_, i) => call(`${tenant}-h${i}`, new Date(Date.UTC(2017, i, 15, 12)).toISOString()));
    const send = (events: FeedbackEvent[]) =>
      collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events });
    const r = await send(history);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<{ results: { status: string }[] }>().results.every((x) => x.status === "accepted")).toBe(true);

    const live = await send([call(`${tenant}-live`, new Date(Date.now() - 60_000).toISOString())]);
    expect(live.statusCode, live.body).toBe(200);
    const deadline = Date.now() + 30_000;
    while ((await stored()) < 102 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    expect(await stored()).toBe(102);
    const [months] = await createReader(ch).query<{ n: number; rollup: number }>(
      `SELECT uniqExact(toYYYYMM(occurred_at)) AS n, (SELECT sum(events) FROM rollup_day WHERE tenant = {t:String}) AS rollup
       FROM feedback_events WHERE tenant = {t:String}`,
      { t: tenant },
    );
    expect({ months: Number(months?.n), rollup: Number(months?.rollup) }).toEqual({ months: 102, rollup: 102 });
  });
});
