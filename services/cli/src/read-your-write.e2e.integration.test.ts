/**
 * Issue 15.2 end to end: a client that polls for its own event used to be served the cached
 * empty answer for the whole cache TTL, with no way around it. Through the real collector, Kafka,
 * worker, chDB, Redis cache and query service: once the worker has stored the event, a read with
 * `Cache-Control: no-cache` sees it at once, and refreshes the cached copy for everyone else.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createReader, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import { createCollectorApp, createRedisDedupStore, hashApiKey } from "@pulse/collector";
import { createKafka, createProducer, declaredTopics, ensureTopics, topicNames } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp } from "@pulse/query";
import { createRedis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createCatalogues, createWorker, EMPTY_CATALOGUE } from "@pulse/worker";

const stack = inject("stack");
const ROOT = new URL("../../../", import.meta.url).pathname;
const tenant = `ryw${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
const made: string[] = [];
const closers: (() => Promise<unknown> | void)[] = [];
let ch: ClickHouse;
let collector: Awaited<ReturnType<typeof createCollectorApp>>;
let query: Awaited<ReturnType<typeof createQueryApp>>;

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

beforeAll(async () => {
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "e2e-ryw", logger: silentLogger });
  const topics = topicNames(`${tenant}.`);
  await ensureTopics(kafka, declaredTopics(`${tenant}.`, { feedback: 1, deadLetters: 1 }));
  ch = await openClickHouse({ path: join(tempDir("pulse-ryw-"), "ch"), database: "pulse" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `e2e:${tenant}:` });
  const producer = createProducer(kafka);
  const worker = createWorker({
    kafka,
    topics,
    groupId: `g-${tenant}`,
    ch,
    redis,
    store: createLocalStore(tempDir("pulse-ryw-archive-")),
    logger: silentLogger,
    registry: createMetricsRegistry("w", { defaults: false }),
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk: 1000,
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
    limits: { maxBodyBytes: 1024 * 1024, maxEvents: 100, maxDepth: 32, rateLimit: { eventsPerSecond: 1000, burst: 1000 }, produceTimeoutMs: 10_000, lingerMs: 2, maxSendBytes: 900 * 1024, coalesce: true },
  });
  // A TTL far longer than the test: without no-cache, the stale answer would be served throughout.
  query = await createQueryApp({
    reader: createReader(ch),
    redis,
    cacheTtlSeconds: 300,
    logger: silentLogger,
    metrics: createMetricsRegistry("q", { defaults: false }),
    tokens: [{ sha256: Buffer.from(hashApiKey(TOKEN), "hex"), tenant }],
  });
  closers.push(() => query.close(), () => collector.close(), () => worker.stop(), () => producer.disconnect(), () => redis.disconnect(), () => ch.close());
});

afterAll(async () => {
  for (const c of closers) await c();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function npsCount(headers: Record<string, string> = {}) {
  const res = await query.inject({ url: "/v1/scores?window=1h&groupBy=touchpoint", headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ groups: { key: Record<string, string>; nps: { n: number } }[] }>();
  return { n: body.groups.reduce((s, g) => s + g.nps.n, 0), cache: res.headers["x-cache"], cacheControl: res.headers["cache-control"] };
}

async function storedRows(): Promise<number> {
  const [row] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
  return Number(row?.n ?? 0);
}

it("reads its own write with Cache-Control: no-cache as soon as the worker stored it", async () => {
  // The client polls before its event exists: the empty answer is cached.
  expect(await npsCount()).toMatchObject({ n: 0, cache: "miss", cacheControl: "private, no-cache" });

  const sent = await collector.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    payload: {
      id: `${tenant}-1`,
      type: "survey.response",
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      source: "e2e",
      touchpoint: "checkout",
      channel: "web",
      customer: { id: "c1" },
      schemaVersion: 1,
      body: { surveyId: "post", nps: 10 },
    },
  });
  expect(sent.statusCode).toBe(200);
  for (let i = 0; i < 600 && (await storedRows()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await storedRows()).toBe(1);

  // Stored, but the cached answer is still the empty one (what issue 15.2 saw) ...
  expect(await npsCount()).toMatchObject({ n: 0, cache: "hit" });
  // ... and no-cache reads through to ClickHouse at once, in any of its spellings,
  expect(await npsCount({ "cache-control": "no-cache" })).toMatchObject({ n: 1, cache: "revalidated" });
  expect(await npsCount({ "cache-control": "max-age=0" })).toMatchObject({ n: 1, cache: "revalidated" });
  expect(await npsCount({ pragma: "no-cache" })).toMatchObject({ n: 1, cache: "revalidated" });
  // and replaces the cached copy, so the next plain read is fresh too.
  expect(await npsCount()).toMatchObject({ n: 1, cache: "hit" });
});
