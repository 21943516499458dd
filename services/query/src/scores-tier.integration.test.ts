/**
 * The live tier (scores-tier.ts) on real embedded ClickHouse: /v1/scores served from kept
 * statistics equals a computation from the raw rows, before and right after more events land,
 * and equals the answer of the same app without the tier.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import type { ClickHouse, Writer } from "@pulse/clickhouse";
import { createQueryApp, type QueryApp } from "./app";
import { DAY, HOUR, MINUTE, NOW, diffClose, generateDataset, inRange, insertDataset, openTestDb, scoresRef, type Dataset, type RawEvent } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const TOKEN = "acme-read-token-0001";
const tokens = parseTokenSpec(`${TOKEN}=acme`);
const windowEnd = Math.floor(NOW / MINUTE) * MINUTE + MINUTE;

let ch: ClickHouse;
let writer: Writer;
let app: QueryApp;
let plain: QueryApp;
let registry: Registry;
const data: Dataset = { events: [], fcr: [] };
/** Both apps' clock (FCR windows close with it); NOW unless a test moves it. */
let clock = NOW;

async function insert(d: Dataset): Promise<void> {
  await insertDataset(writer, d);
  data.events.push(...d.events);
  data.fcr.push(...d.fcr);
}

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  writer = db.writer;
  await insert(generateDataset("acme", NOW, 7, 0.5));
  registry = createMetricsRegistry("query-tier-test", { defaults: false });
  const common = { reader: db.reader, logger: silentLogger, tokens, now: () => new Date(clock) };
  app = await createQueryApp({ ...common, metrics: registry });
  plain = await createQueryApp({ ...common, metrics: createMetricsRegistry("query-tier-plain", { defaults: false }), liveTier: false });
});

afterAll(async () => {
  await app?.close();
  await plain?.close();
  await ch?.close();
});

async function queries(purpose: string): Promise<number> {
  const m = registry.getSingleMetric("pulse_query_clickhouse_queries_total");
  const v = (await m!.get()).values.find((x) => x.labels.purpose === purpose);
  return v?.value ?? 0;
}

type Body = { groups: ({ key: { touchpoint: string } } & Record<string, unknown>)[] };

async function scores(on: QueryApp, url: string): Promise<Body> {
  const res = await on.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return res.json<Body>();
}

/** Every group of the answer against the raw events and contacts of its touchpoint. */
function expectRaw(body: Body, from: number, to: number): void {
  expect(body.groups.map((g) => g.key.touchpoint)).toEqual([...new Set(data.events.filter(inRange(from, to)).map((e) => e.touchpoint))].sort());
  for (const g of body.groups) {
    const ref = scoresRef(data, inRange(from, to, (e) => e.tenant === "acme" && e.touchpoint === g.key.touchpoint));
    expect(diffClose(g, { ...ref, targets: null })).toEqual([]);
  }
}

function answers(tag: string, at: number, n: number): RawEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    tenant: "acme",
    id: `tier-${tag}-${i}`,
    type: "survey.response" as const,
    at: at - i * 1000,
    touchpoint: i % 2 === 0 ? "ivr" : "tier-new",
    channel: "phone",
    segment: "retail",
    journeyStage: "support",
    customer: `c-tier-${i}`,
    survey: `s-tier-${tag}-${i}`,
    nps: i % 11,
    csat: 1 + (i % 5),
  }));
}

describe("live tier of /v1/scores", () => {
  it("reuses kept statistics while nothing changed, and every answer equals the raw rows", async () => {
    const url = "/v1/scores?window=24h&groupBy=touchpoint";
    const first = await scores(app, url);
    expectRaw(first, windowEnd - DAY, windowEnd);
    const second = await scores(app, url);
    expect(second).toEqual(first);
    expect(await queries("scores")).toBe(1);
    // A probe per request, and one more after the load (it checks the rows match the snapshot).
    expect(await queries("data-version")).toBe(3);
    expect(await scores(plain, url)).toEqual(first);
  });

  it("sees events that landed just before the request, exactly, by reading only the new parts", async () => {
    const url = "/v1/scores?window=24h&groupBy=touchpoint";
    const before = await scores(app, url);
    const scoresBefore = await queries("scores");
    for (const tag of ["a1", "a2"]) {
      const deltasBefore = await queries("scores-delta");
      await insert({ events: answers(tag, NOW - 5 * MINUTE, 30), fcr: [] });
      const after = await scores(app, url);
      expect(await queries("scores-delta")).toBe(deltasBefore + 1);
      expectRaw(after, windowEnd - DAY, windowEnd);
      expect(after.groups.find((g) => g.key.touchpoint === "tier-new")).toBeDefined();
      expect(after).not.toEqual(before);
      expect(diffClose(after, await scores(plain, url))).toEqual([]);
    }
    expect(await queries("scores")).toBe(scoresBefore);
  });

  it("gives concurrent requests one stats query, all equal to the raw rows", async () => {
    const url = "/v1/scores?window=1h&groupBy=touchpoint";
    await insert({ events: answers("b", NOW - 2 * MINUTE, 12), fcr: [] });
    // Settle the parts: a background merge between two probes is a new version (a second query).
    for (const t of ["rollup_minute", "rollup_hour", "rollup_day"]) await ch.client.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
    const scoresBefore = await queries("scores");
    const many = await Promise.all(Array.from({ length: 8 }, () => scores(app, url)));
    expect(await queries("scores")).toBe(scoresBefore + 1);
    for (const b of many) expect(b).toEqual(many[0]);
    expectRaw(many[0]!, windowEnd - HOUR, windowEnd);
  });

  it("needs no read after a merge of parts it had (same rows), nor after an insert then a merge, and stays exact", async () => {
    const url = "/v1/scores?window=7d&groupBy=touchpoint";
    await scores(app, url);
    const reads = async () => (await queries("scores")) + (await queries("scores-delta"));
    const before = await reads();
    await ch.client.command({ query: "OPTIMIZE TABLE rollup_minute FINAL" });
    expectRaw(await scores(app, url), windowEnd - 7 * DAY, windowEnd);
    expect(await reads()).toBe(before);
    // New rows merged with old ones before the tier looked: it cannot split them, so it reloads.
    await insert({ events: answers("m", NOW - 3 * MINUTE, 10), fcr: [] });
    await ch.client.command({ query: "OPTIMIZE TABLE rollup_minute FINAL" });
    const scoresBefore = await queries("scores");
    const after = await scores(app, url);
    expect(await queries("scores")).toBe(scoresBefore + 1);
    expectRaw(after, windowEnd - 7 * DAY, windowEnd);
    expect(diffClose(after, await scores(plain, url))).toEqual([]);
  });

  it("stays exact under a delete (a mutation: reload) and more inserts", async () => {
    const url = "/v1/scores?window=24h&groupBy=touchpoint";
    await scores(app, url);
    await insert({ events: answers("d", NOW - 4 * MINUTE, 10), fcr: [] });
    expectRaw(await scores(app, url), windowEnd - DAY, windowEnd);
    // Remove the rollup rows of one touchpoint (and its raw events from the reference).
    await ch.client.command({ query: "ALTER TABLE rollup_minute DELETE WHERE touchpoint = 'tier-new'", clickhouse_settings: { mutations_sync: "1" } });
    await ch.client.command({ query: "ALTER TABLE rollup_hour DELETE WHERE touchpoint = 'tier-new'", clickhouse_settings: { mutations_sync: "1" } });
    await ch.client.command({ query: "ALTER TABLE rollup_day DELETE WHERE touchpoint = 'tier-new'", clickhouse_settings: { mutations_sync: "1" } });
    data.events = data.events.filter((e) => e.touchpoint !== "tier-new");
    const after = await scores(app, url);
    expect(after.groups.find((g) => g.key.touchpoint === "tier-new")).toBeUndefined();
    expectRaw(after, windowEnd - DAY, windowEnd);
  });

  it("scores kept statistics with the request's clock: FCR equal to a fresh computation as windows close", async () => {
    // An explicit range, so only the FCR clock moves: cohorts close at bucket end + W + L.
    const url = `/v1/scores?from=${new Date(windowEnd - 10 * DAY).toISOString()}&to=${new Date(windowEnd).toISOString()}&groupBy=touchpoint`;
    try {
      let changed = 0;
      let previous: Body | undefined;
      for (const offset of [0, 20_000, 59_000, 61_000, 30 * MINUTE, 2 * HOUR, 3 * DAY, 3 * DAY + 1]) {
        clock = NOW + offset;
        const viaTier = await scores(app, url);
        expect(diffClose(viaTier, await scores(plain, url))).toEqual([]);
        if (previous && JSON.stringify(previous) !== JSON.stringify(viaTier)) changed++;
        previous = viaTier;
      }
      // The clock did move the answer (closed FCR, pending, early estimate) several times.
      expect(changed).toBeGreaterThanOrEqual(3);
    } finally {
      clock = NOW;
    }
  });
});
