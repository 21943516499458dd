/**
 * Issue 15.2 end to end: a client that polls for its own event used to be served the cached
 * empty answer for the whole cache TTL, with no way around it. Through the real collector, Kafka,
 * worker, chDB, Redis cache and query service: once the worker has stored the event, a read with
 * `Cache-Control: no-cache` sees it at once, and refreshes the cached copy for everyone else.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectorKey, openE2e, queryToken, type E2e } from "./testing/harness";

const tenant = `ryw${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
let e2e: E2e;
let collector: Awaited<ReturnType<E2e["startCollector"]>>;
let query: Awaited<ReturnType<E2e["startQuery"]>>;

beforeAll(async () => {
  e2e = await openE2e({ name: tenant, partitions: 1 });
  await e2e.startWorker({ partitionsConcurrently: 1 });
  collector = await e2e.startCollector([collectorKey(KEY, tenant)], {
    maxBodyBytes: 1024 * 1024,
    maxEvents: 100,
    rateLimit: { eventsPerSecond: 1000, burst: 1000 },
  });
  // A TTL far longer than the test: without no-cache, the stale answer would be served throughout.
  query = await e2e.startQuery([queryToken(TOKEN, tenant)], { redis: e2e.redis, cacheTtlSeconds: 300 });
});

afterAll(() => e2e?.close());

async function npsCount(headers: Record<string, string> = {}) {
  const res = await query.inject({ url: "/v1/scores?window=1h&groupBy=touchpoint", headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ groups: { key: Record<string, string>; nps: { n: number } }[] }>();
  return { n: body.groups.reduce((s, g) => s + g.nps.n, 0), cache: res.headers["x-cache"], cacheControl: res.headers["cache-control"] };
}

const storedRows = () => e2e.storedRows(tenant);

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
