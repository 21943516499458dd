/**
 * GET /v1/stream over real HTTP (SSE) against real chDB: subscribers of the same (tenant,
 * grouping, window) share ONE query per tick; new events show up without reconnecting; tenants
 * never see each other's numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickHouse, Reader, Writer } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { generateDataset, insertDataset, openTestDb, type RawEvent } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const ACME = "acme-stream-token-001";
const GLOBEX = "globex-stream-token-02";

type Scores = { from: string; to: string; groups: { key: { touchpoint?: string }; nps: { n: number }; volume: { events: number } }[] };

let ch: ClickHouse;
let writer: Writer;
let app: QueryApp;
let registry: Registry;
let base: string;
let readerCalls = 0;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  writer = db.writer;
  const now = Date.now();
  await insertDataset(writer, generateDataset("acme", now, 21, 0.3));
  await insertDataset(writer, generateDataset("globex", now, 22, 0.3));
  // Counts every query that reaches ClickHouse, whatever its purpose.
  const counting: Reader = {
    query: (sql, params) => {
      readerCalls++;
      return db.reader.query(sql, params);
    },
  };
  registry = createMetricsRegistry("query-stream-test", { defaults: false });
  app = await createQueryApp({ reader: counting, logger: silentLogger, metrics: registry, tokens: parseTokenSpec(`${ACME}=acme,${GLOBEX}=globex`), streamIntervalMs: 1000 });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
});

/** A minimal SSE client over fetch: collects `scores` events as parsed JSON. */
function subscribe(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const events: Scores[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let at: number;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "scores" && data) {
          events.push(JSON.parse(data) as Scores);
          waiters.splice(0).forEach((w) => w());
        }
      }
    }
  })().catch((e: unknown) => {
    if ((e as Error).name !== "AbortError") throw e;
  });
  return {
    events,
    async until(pred: (s: Scores) => boolean, timeoutMs = 10_000): Promise<Scores> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching stream event within ${timeoutMs} ms (${events.length} received)`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const v = (await m.get()).values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

const ivrN = (s: Scores) => s.groups.find((g) => g.key.touchpoint === "ivr")?.nps.n ?? 0;

describe("GET /v1/stream", () => {
  it("refuses a stream without a token (problem+json, before any event)", async () => {
    const res = await fetch(`${base}/v1/stream?groupBy=touchpoint`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("shares one query per tick between subscribers and pushes new scores as events arrive", async () => {
    const startTicks = await metric("pulse_query_stream_ticks_total");
    const startCalls = readerCalls;
    const started = Date.now();
    const a = subscribe(`${base}/v1/stream?groupBy=touchpoint&window=15m&token=${ACME}`);
    const b = subscribe(`${base}/v1/stream?window=15m&groupBy=touchpoint`, { authorization: `Bearer ${ACME}` });
    try {
      const firstA = await a.until(() => true);
      await b.until(() => true);
      expect(await metric("pulse_query_stream_channels")).toBe(1);
      expect(await metric("pulse_query_stream_subscribers")).toBe(2);

      const now = Date.now();
      const fresh: RawEvent[] = [0, 1, 2].map((i) => ({
        tenant: "acme",
        id: `stream-new-${now}-${i}`,
        type: "survey.response",
        at: now,
        touchpoint: "ivr",
        channel: "phone",
        segment: "retail",
        journeyStage: "support",
        customer: "c-stream",
        nps: 9,
      }));
      await insertDataset(writer, { events: fresh, fcr: [] });
      const before = ivrN(firstA);
      const updatedA = await a.until((s) => ivrN(s) === before + 3);
      const updatedB = await b.until((s) => ivrN(s) === before + 3);
      expect(updatedB.groups).toEqual(updatedA.groups);

      // Let a few more ticks pass, then count: one ClickHouse query per tick for both subscribers.
      await new Promise((r) => setTimeout(r, 2500));
      const ticks = (await metric("pulse_query_stream_ticks_total")) - startTicks;
      const elapsedTicks = Math.floor((Date.now() - started) / 1000) + 1;
      expect(ticks).toBeGreaterThanOrEqual(3);
      expect(ticks).toBeLessThanOrEqual(elapsedTicks);
      expect(await metric("pulse_query_clickhouse_queries_total", { purpose: "stream" })).toBe(ticks);
      expect(readerCalls - startCalls).toBe(ticks);
    } finally {
      await a.close();
      await b.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await metric("pulse_query_stream_channels")).toBe(0);
    expect(await metric("pulse_query_stream_subscribers")).toBe(0);
  });

  it("keeps tenants apart: another tenant's subscription is another channel with its own numbers", async () => {
    const a = subscribe(`${base}/v1/stream?groupBy=touchpoint&token=${ACME}`);
    const g = subscribe(`${base}/v1/stream?groupBy=touchpoint&token=${GLOBEX}`);
    try {
      const sa = await a.until(() => true);
      const sg = await g.until(() => true);
      expect(await metric("pulse_query_stream_channels")).toBe(2);
      const events = (s: Scores) => s.groups.reduce((n, x) => n + x.volume.events, 0);
      const direct = await app.inject({ url: `/v1/scores?from=${Date.parse(sg.from)}&to=${Date.parse(sg.to)}&groupBy=touchpoint`, headers: { authorization: `Bearer ${GLOBEX}` } });
      expect(events(sg)).toBe(events(direct.json<Scores>()));
      expect(events(sg)).not.toBe(events(sa));
    } finally {
      await a.close();
      await g.close();
    }
  });
});
