/**
 * The Redis cache in front of the read API: real Redis from the test stack, real chDB.
 * Hot queries are answered from Redis within the TTL; a dead Redis degrades to uncached answers.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ClickHouse, Reader, Writer } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createRedis, redisReady, type Redis } from "@pulse/redis";
import { createQueryApp, type QueryApp } from "./app";
import { generateDataset, insertDataset, openTestDb, type RawEvent } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const ACME = "acme-cache-token-0001";
const GLOBEX = "globex-cache-token-002";
const tokens = parseTokenSpec(`${ACME}=acme,${GLOBEX}=globex`);

let ch: ClickHouse;
let writer: Writer;
let reader: Reader;
let redis: Redis;
let deadRedis: Redis;
let app: QueryApp;
let registry: Registry;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  writer = db.writer;
  reader = db.reader;
  const now = Date.now();
  await insertDataset(writer, generateDataset("acme", now, 11, 0.2));
  await insertDataset(writer, generateDataset("globex", now, 12, 0.2));
  redis = createRedis({ url: inject("stack").REDIS_URL, keyPrefix: `pulse-test:query:${randomUUID()}:` });
  await redisReady(redis);
  registry = createMetricsRegistry("query-cache-test", { defaults: false });
  app = await createQueryApp({ reader: db.reader, redis, logger: silentLogger, metrics: registry, tokens, cacheTtlSeconds: 1 });
});

afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  deadRedis?.disconnect();
  await ch?.close();
});

async function get(a: QueryApp, url: string, token = ACME) {
  const res = await a.inject({ url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, cache: res.headers["x-cache"], body: res.json<{ groups: { volume: { events: number } }[] }>() };
}

async function counter(r: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = r.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const v = (await m.get()).values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

const total = (b: { groups: { volume: { events: number } }[] }) => b.groups.reduce((s, g) => s + g.volume.events, 0);

describe("query cache (Redis)", () => {
  it("answers a hot window from Redis within the TTL, keyed by tenant and normalized query", async () => {
    const first = await get(app, "/v1/scores?window=1h&groupBy=touchpoint");
    const second = await get(app, "/v1/scores?groupBy=touchpoint&window=1h");
    expect([first.status, first.cache, second.status, second.cache]).toEqual([200, "miss", 200, "hit"]);
    expect(second.body).toEqual(first.body);
    expect(await counter(registry, "pulse_query_clickhouse_queries_total", { purpose: "scores" })).toBe(1);

    // Another tenant, and another grouping, are other keys.
    const other = await get(app, "/v1/scores?window=1h&groupBy=touchpoint", GLOBEX);
    expect(other.cache).toBe("miss");
    expect(total(other.body)).not.toBe(total(first.body));
    expect((await get(app, "/v1/scores?window=1h&groupBy=channel")).cache).toBe("miss");
    expect(await counter(registry, "pulse_query_cache_total", { result: "hit" })).toBe(1);
    expect(await counter(registry, "pulse_query_cache_total", { result: "miss" })).toBe(3);
  });

  it("serves fresh numbers once the short TTL has passed", async () => {
    // A fixed range, not a live window: a live window slides when the minute turns during the
    // wait below, and events leaving it would blur the figure this test checks.
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    const url = `/v1/scores?from=${new Date(minute - 14 * 60_000).toISOString()}&to=${new Date(minute + 60_000).toISOString()}`;
    const before = await get(app, url);
    const fresh: RawEvent[] = [0, 1, 2].map((i) => ({
      tenant: "acme",
      id: `cache-new-${now}-${i}`,
      type: "survey.response",
      at: now,
      touchpoint: "ivr",
      channel: "phone",
      segment: "retail",
      journeyStage: "support",
      customer: "c-new",
      nps: 10,
    }));
    await insertDataset(writer, { events: fresh, fcr: [] });
    const cached = await get(app, url);
    expect(cached.cache).toBe("hit");
    expect(total(cached.body)).toBe(total(before.body));
    await new Promise((r) => setTimeout(r, 2100));
    const after = await get(app, url);
    expect(after.cache).toBe("miss");
    expect(total(after.body)).toBe(total(before.body) + 3);
  });

  it("degrades to uncached answers when Redis is unreachable, never to an error", async () => {
    deadRedis = createRedis({ url: "redis://127.0.0.1:1" });
    deadRedis.on("error", () => undefined);
    const reg = createMetricsRegistry("query-cache-dead", { defaults: false });
    // Same chDB session as the main app (chDB binds one data directory per process).
    const degraded = await createQueryApp({ reader, redis: deadRedis, logger: silentLogger, metrics: reg, tokens });
    try {
      const a = await get(degraded, "/v1/scores?window=1h&groupBy=touchpoint");
      const b = await get(degraded, "/v1/scores?window=1h&groupBy=touchpoint");
      expect([a.status, a.cache, b.status, b.cache]).toEqual([200, "off", 200, "off"]);
      expect(total(a.body)).toBeGreaterThan(0);
      expect(await counter(reg, "pulse_query_cache_total", { result: "error" })).toBe(2);
      // Both computed (no Redis); the second reuses the first's statistics from the live tier,
      // after its own data-version probe found the rollups unchanged (the first probes twice:
      // before its load, and after it to check the rows match that snapshot).
      expect(await counter(reg, "pulse_query_clickhouse_queries_total", { purpose: "scores" })).toBe(1);
      expect(await counter(reg, "pulse_query_clickhouse_queries_total", { purpose: "data-version" })).toBe(3);
    } finally {
      await degraded.close();
    }
  });
});


describe("query cache stampede guard", () => {
  it("lets concurrent misses of one key share a single ClickHouse query", async () => {
    const reg = createMetricsRegistry("query-cache-stampede", { defaults: false });
    const local = await createQueryApp({ reader, redis, logger: silentLogger, metrics: reg, tokens, cacheTtlSeconds: 1 });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => get(local, "/v1/scores?window=24h&groupBy=segment")));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(await counter(reg, "pulse_query_clickhouse_queries_total", { purpose: "scores" })).toBe(1);
      expect(await counter(reg, "pulse_query_cache_total", { result: "miss" })).toBe(1);
    } finally {
      await local.close();
    }
  });
});
