/**
 * Issues 8.2, 8.3 and 15.1 end to end, through the real collector, Kafka, worker, chDB, Redis and
 * query service:
 * - a tenant the API keys accept (`acme.eu`) is counted and read back with its read token (the
 *   worker's own tenant rule used to dead-letter it as invalid_envelope);
 * - events dated 0001-01-01 or 1969 are rejected by the collector, the import and the worker (a
 *   message produced straight to Kafka goes to the DLQ with the reason);
 * - a touchpoint sent as `front-desk` is found by that name in scores, timeseries, compare, pain
 *   points, the stream and the dashboard's drill-down (it used to be stored as `front_desk` and
 *   found only by that name);
 * - `pulse catalogue load --tenant` (storeCatalogue) changes both the worker's enrichment and the
 *   targets the query service shows.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalogueSource, EMPTY_CATALOGUE, storeCatalogue, type CatalogueSource } from "@pulse/catalogue";
import { createReader, type ClickHouse } from "@pulse/clickhouse";
import { createCollectorApp, createRedisDedupStore, hashApiKey } from "@pulse/collector";
import { encodeWire, type FeedbackEvent } from "@pulse/contract";
import { runImport, createInputResolver } from "@pulse/jobs";
import { createProducer, type Kafka, type Topics } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type TargetsProvider } from "@pulse/query";
import type { Redis } from "@pulse/redis";
import { listDeadLetters } from "@pulse/worker";
import { collectorKey, openE2e, queryToken, type E2e } from "./testing/harness";

const run = randomUUID().slice(0, 6);
const EU = "acme.eu";
const OTHER = `ct${run}`;
const FD = `fd${run}`;
const KEY_EU = `key-eu-${randomUUID()}`;
const KEY_OTHER = `key-ot-${randomUUID()}`;
const TOKEN_EU = `token-eu-${randomUUID()}`;
const TOKEN_OTHER = `token-ot-${randomUUID()}`;
const KEY_FD = `key-fd-${randomUUID()}`;
const TOKEN_FD = `token-fd-${randomUUID()}`;
let e2e: E2e;
let ch: ClickHouse;
let kafka: Kafka;
let topics: Topics;
let redis: Redis;
let workerCatalogues: CatalogueSource;
let queryCatalogues: CatalogueSource;
let collector: Awaited<ReturnType<typeof createCollectorApp>>;
let query: Awaited<ReturnType<typeof createQueryApp>>;
let queryBase: string;

beforeAll(async () => {
  e2e = await openE2e({ name: run, prefix: `ct-${run}.`, partitions: 2, redisKeyPrefix: `e2e-contract:${run}:` });
  ({ ch, kafka, topics, redis } = e2e);
  // Two readers of the one catalogue source, as in production: the worker's and the query's.
  workerCatalogues = createCatalogueSource({ redis, fallback: EMPTY_CATALOGUE, logger: silentLogger, refreshMs: 60_000 });
  queryCatalogues = createCatalogueSource({ redis, fallback: EMPTY_CATALOGUE, logger: silentLogger, refreshMs: 60_000 });
  await workerCatalogues.start();
  await queryCatalogues.start();
  e2e.defer(() => workerCatalogues.stop());
  e2e.defer(() => queryCatalogues.stop());
  await e2e.startWorker({ catalogues: workerCatalogues, partitionsConcurrently: 2 });
  collector = await e2e.startCollector([collectorKey(KEY_EU, EU), collectorKey(KEY_OTHER, OTHER), collectorKey(KEY_FD, FD)]);
  const targets: TargetsProvider = queryCatalogues;
  query = await e2e.startQuery([queryToken(TOKEN_EU, EU), queryToken(TOKEN_OTHER, OTHER), queryToken(TOKEN_FD, FD)], {
    targets,
    streamIntervalMs: 1000,
  });
  queryBase = await query.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(() => e2e?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function survey(id: string, over: Partial<FeedbackEvent> & { nps?: number } = {}): FeedbackEvent {
  const { nps, ...rest } = over;
  return {
    id,
    type: "survey.response",
    occurredAt: minutesAgo(5),
    source: "e2e",
    touchpoint: "front-desk",
    channel: "web",
    customer: { id: `c-${id}`, segment: "gold-tier" },
    journey: { stage: "check-in" },
    schemaVersion: 1,
    body: { surveyId: "post-stay", nps: nps ?? 9 },
    ...rest,
  } as FeedbackEvent;
}

const send = (key: string, events: unknown[]) =>
  collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${key}` }, payload: events });

const ask = async <T>(token: string, url: string): Promise<T> => {
  const r = await query.inject({ url, headers: { authorization: `Bearer ${token}`, "cache-control": "no-cache" } });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json<T>();
};

async function stored(tenant: string, where = "1"): Promise<number> {
  const [r] = await createReader(ch).query<{ n: number }>(`SELECT count() AS n FROM feedback_events WHERE tenant = {t:String} AND ${where}`, { t: tenant });
  return Number(r?.n ?? 0);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Scores = { groups: { key: Record<string, string>; nps: { n: number }; targets: { nps?: { target: number } } | null }[] };

describe("tenant acme.eu end to end", () => {
  it("is accepted, counted and read back with its own read token", async () => {
    const r = await send(KEY_EU, [survey(`eu-${run}-1`), survey(`eu-${run}-2`, { nps: 3 })]);
    expect(r.statusCode, r.body).toBe(200);
    await until("acme.eu events stored", async () => (await stored(EU)) === 2);
    const body = await ask<Scores>(TOKEN_EU, "/v1/scores?window=24h");
    expect(body.groups.map((g) => g.nps.n)).toEqual([2]);
    const dead = await listDeadLetters(kafka, topics, { timeoutMs: 5_000 });
    expect(dead.filter((d) => d.key?.startsWith(`${EU}:`))).toEqual([]);
  });
});

describe("occurredAt before the lower bound (1970-01-01T00:00:00Z)", () => {
  const OLD = ["0001-01-01T00:00:00Z", "1969-12-31T23:00:00Z"];

  it("is rejected by the collector, naming the field and the bound", async () => {
    const r = await send(KEY_OTHER, OLD.map((t, i) => survey(`old-${run}-${i}`, { occurredAt: t })));
    expect(r.statusCode, r.body).toBe(400);
    const results = r.json<{ results: { status: string; errors?: { code: string; path: string; message: string }[] }[] }>().results;
    expect(results.map((x) => x.errors)).toEqual(
      OLD.map((t) => [{ code: "timestamp_too_early", path: "occurredAt", message: `occurredAt must not be before 1970-01-01T00:00:00.000Z (got ${t})` }]),
    );
  });

  it("is rejected by the import (the row is reported), while a valid row of the same file is produced", async () => {
    const root = e2e.tempDir("pulse-e2e-import-");
    const rows = [...OLD, minutesAgo(10)].map((at, i) => JSON.stringify({ id: `imp-${run}-${i}`, at, c: `ic${i}`, nps: 7 }));
    writeFileSync(join(root, "rows.ndjson"), `${rows.join("\n")}\n`);
    const mapping = {
      name: "contract-e2e",
      format: { type: "ndjson" },
      source: "import-e2e",
      events: [
        {
          name: "survey",
          type: "survey.response",
          fields: { id: { column: "id" }, occurredAt: { column: "at" }, touchpoint: "front-desk", channel: "web", "customer.id": { column: "c" }, "body.surveyId": "imp", "body.nps": { column: "nps" } },
        },
      ],
    };
    const producer = createProducer(kafka);
    try {
      const result = await runImport({ producer, topic: topics.feedback, resolveInput: createInputResolver({ s3: null, localRoot: root }) }, { tenant: OTHER, input: "file:rows.ndjson", mapping });
      expect({ imported: result.imported, rejected: result.rejected }).toEqual({ imported: 1, rejected: 2 });
    } finally {
      await producer.disconnect();
    }
    await until("the imported row stored", async () => (await stored(OTHER, `event_id = 'imp-${run}-2'`)) === 1);
    expect(await stored(OTHER, "event_id LIKE 'imp-%' AND occurred_at < toDateTime64('1970-01-02', 3)")).toBe(0);
  });

  it("is dead-lettered by the worker when produced straight to Kafka, with the reason", async () => {
    const producer = createProducer(kafka);
    const ids = OLD.map((_, i) => `raw-${run}-${i}`);
    try {
      await producer.send(
        topics.feedback,
        OLD.map((t, i) => encodeWire({ tenant: OTHER, source: "raw", receivedAt: new Date(), event: survey(ids[i] as string, { occurredAt: t }) })),
      );
    } finally {
      await producer.disconnect();
    }
    let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await until("both raw messages dead-lettered", async () => {
      letters = (await listDeadLetters(kafka, topics, { timeoutMs: 5_000 })).filter((l) => ids.some((id) => l.value.toString("utf8").includes(id)));
      return letters.length === 2;
    });
    expect(letters.map((l) => l.reason)).toEqual(["invalid_event", "invalid_event"]);
    for (const [i, t] of OLD.entries()) {
      expect(letters.find((l) => l.value.toString("utf8").includes(ids[i] as string))?.detail).toBe(
        `occurredAt: timestamp_too_early: occurredAt must not be before 1970-01-01T00:00:00.000Z (got ${t})`,
      );
    }
    expect(await stored(OTHER, "event_id LIKE 'raw-%'")).toBe(0);
  });
});

describe("a touchpoint is found by the name it was sent with", () => {
  const tenantEvents = () => [survey(`fd-${run}-1`, { nps: 10 }), survey(`fd-${run}-2`, { nps: 2 }), survey(`fd-${run}-3`, { nps: 8 })];

  it("front-desk (and segment gold-tier, stage check-in) in scores, timeseries, compare, pain points, the stream and the dashboard drill-down", async () => {
    const r = await send(KEY_FD, tenantEvents());
    expect(r.statusCode, r.body).toBe(200);
    await until("front-desk events stored", async () => (await stored(FD, "event_id LIKE 'fd-%'")) === 3);

    const scores = await ask<Scores>(TOKEN_FD, "/v1/scores?window=24h&touchpoint=front-desk&groupBy=touchpoint");
    expect(scores.groups.map((g) => [g.key.touchpoint, g.nps.n])).toEqual([["front_desk", 3]]);
    // Every spelling the canonical form folds finds the same rows.
    for (const q of ["touchpoint=front_desk", "touchpoint=front.desk", "segment=gold-tier", "journeyStage=check-in"]) {
      const b = await ask<Scores>(TOKEN_FD, `/v1/scores?window=24h&${q}`);
      expect(b.groups.map((g) => g.nps.n), q).toEqual([3]);
    }

    const series = await ask<{ series: { key: Record<string, string>; points: { n: number; value: number | null }[] }[] }>(
      TOKEN_FD,
      "/v1/scores/timeseries?window=24h&grain=hour&metric=nps&touchpoint=front-desk&groupBy=touchpoint",
    );
    expect(series.series.map((s) => s.key.touchpoint)).toEqual(["front_desk"]);
    expect(series.series[0]?.points.reduce((a, p) => a + p.n, 0)).toBe(3);

    const compare = await ask<{ groups: { key: Record<string, string>; nps: { currentN: number } }[] }>(TOKEN_FD, "/v1/compare?window=24h&touchpoint=front-desk&groupBy=touchpoint");
    expect(compare.groups.map((g) => [g.key.touchpoint, g.nps.currentN])).toEqual([["front_desk", 3]]);

    const pain = await ask<{ painPoints: { touchpoint: string }[] }>(TOKEN_FD, "/v1/pain-points?window=24h&touchpoint=front-desk");
    expect(pain.painPoints.map((p) => p.touchpoint)).toEqual(["front_desk"]);

    // The dashboard's drill-down asks /v1/scores with the selected touchpoint, grouped by channel and segment.
    const drill = await ask<Scores>(TOKEN_FD, "/v1/scores?window=24h&touchpoint=front-desk&groupBy=segment");
    expect(drill.groups.map((g) => [g.key.segment, g.nps.n])).toEqual([["gold_tier", 3]]);

    const controller = new AbortController();
    try {
      const res = await fetch(`${queryBase}/v1/stream?window=1h&touchpoint=front-desk&groupBy=touchpoint`, { headers: { authorization: `Bearer ${TOKEN_FD}` }, signal: controller.signal });
      expect(res.status).toBe(200);
      const first = await firstScoresEvent(res);
      expect(first.groups.map((g) => [g.key.touchpoint, g.nps.n])).toEqual([["front_desk", 3]]);
    } finally {
      controller.abort();
    }
  });
});

async function firstScoresEvent(res: Response): Promise<Scores> {
  if (!res.body) throw new Error("stream has no body");
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let at: number;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (/^event: scores$/m.test(block) && data) return JSON.parse(data) as Scores;
    }
  }
  throw new Error("stream ended without a scores event");
}

describe("pulse catalogue load --tenant changes enrichment and targets alike", () => {
  it("an alias and a target loaded for the tenant are used by the worker and shown by the query service", async () => {
    const tenant = `cat${run}`;
    const key = `key-cat-${randomUUID()}`;
    const token = `token-cat-${randomUUID()}`;
    // A tenant of its own, on a collector and a query app sharing the pipeline above.
    const appProducer = createProducer(kafka);
    const app = await createCollectorApp({
      producer: { send: (topic, messages) => appProducer.send(topic, messages) },
      topics,
      dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
      keys: [{ sha256: hashApiKey(key), tenant, source: "e2e" }],
      logger: silentLogger,
      metrics: createMetricsRegistry("c2", { defaults: false }),
      limits: { maxBodyBytes: 1024 * 1024, maxEvents: 100, maxDepth: 32, rateLimit: { eventsPerSecond: 1000, burst: 1000 }, produceTimeoutMs: 10_000, lingerMs: 2, maxSendBytes: 900 * 1024 },
    });
    const q = await createQueryApp({
      reader: createReader(ch),
      logger: silentLogger,
      metrics: createMetricsRegistry("q2", { defaults: false }),
      tokens: [{ sha256: Buffer.from(hashApiKey(token), "hex"), tenant }],
      targets: queryCatalogues,
    });
    try {
      const before = await q.inject({ url: "/v1/scores?window=24h&touchpoint=front-desk&groupBy=touchpoint", headers: { authorization: `Bearer ${token}` } });
      expect(before.json<Scores>().groups).toEqual([]);

      await storeCatalogue(
        redis,
        tenant,
        JSON.stringify({ version: 1, touchpoints: { front_desk: { journeyStage: "arrival", aliases: ["reception"], targets: { nps: 42 } } } }),
      );
      await Promise.all([workerCatalogues.refresh(), queryCatalogues.refresh()]);

      // The worker: "reception" is the alias of front_desk, whose journey stage is arrival.
      const ev = { ...survey(`cat-${run}-1`, { nps: 10 }), touchpoint: "reception", journey: undefined };
      const r = await app.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${key}` }, payload: [ev] });
      expect(r.statusCode, r.body).toBe(200);
      await until("the aliased event stored", async () => (await stored(tenant)) === 1);
      const [row] = await createReader(ch).query<{ touchpoint: string; touchpoint_raw: string; journey_stage: string }>(
        "SELECT touchpoint, touchpoint_raw, journey_stage FROM feedback_events WHERE tenant = {t:String}",
        { t: tenant },
      );
      expect(row).toEqual({ touchpoint: "front_desk", touchpoint_raw: "reception", journey_stage: "arrival" });

      // The query service: the same catalogue's target, found by the name the touchpoint was sent with.
      for (const name of ["front-desk", "front_desk"]) {
        const b = await q.inject({ url: `/v1/scores?window=24h&touchpoint=${name}&groupBy=touchpoint`, headers: { authorization: `Bearer ${token}` } });
        const groups = b.json<Scores>().groups;
        expect(groups.map((g) => [g.key.touchpoint, g.targets?.nps?.target]), name).toEqual([["front_desk", 42]]);
      }
      // Another tenant is untouched by this tenant's catalogue.
      expect(queryCatalogues.targets(OTHER, "front_desk")).toBeUndefined();
    } finally {
      await app.close();
      await q.close();
      await appProducer.disconnect();
    }
  });
});
