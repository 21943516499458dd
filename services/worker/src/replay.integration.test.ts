import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createReader, createWriter } from "@pulse/clickhouse";
import { consumerLag } from "@pulse/kafka";
import { parseCatalogue } from "@pulse/catalogue";
import { createMetricsRegistry, silentLogger, unwrap } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE } from "./catalogues";
import { createEnrichment } from "./enrichment";
import { replayRange } from "./replay";
import { makeEvents } from "./testing/events";
import { countEvents, privateTopics, produce, tempClickHouse, waitFor, wire, tempDir, removeTempDirs } from "./testing/harness";

// Registered first, so it runs after every other afterAll (they close what lives in the folders).
afterAll(removeTempDirs);

const stack = inject("stack");

describe("replay from the archive", () => {
  it("rebuilds a day with a changed enrichment rule, without double counting, and is repeatable", async () => {
    const tenant = `r${randomUUID().slice(0, 6)}`;
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 2);
    const { ch } = await tempClickHouse();
    const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
    const store = createLocalStore(tempDir("pulse-replay-"));
    const worker = createWorker({
      kafka,
      topics,
      groupId: `g-${tenant}`,
      ch,
      redis,
      store,
      logger: silentLogger,
      registry: createMetricsRegistry("w", { defaults: false }),
      catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
      maxChunk: 500,
      partitionsConcurrently: 2,
      fcr: { windowMs: 7 * 86_400_000 },
    });
    await worker.start();
    // Two days of events (the generator spreads them over 6 hours from its base time).
    const day1 = makeEvents(800, { seed: 3, idPrefix: `${tenant}-a`, baseTime: Date.UTC(2026, 10, 10, 8) });
    const day2 = makeEvents(600, { seed: 4, idPrefix: `${tenant}-b`, baseTime: Date.UTC(2026, 10, 11, 8) });
    await produce(kafka, topics.feedback, [...day1, ...day2, ...day1.slice(0, 50)].map((e) => wire(tenant, e)));
    await waitFor("all events", () => countEvents(ch, tenant), (n) => n >= 1400);
    // The 50 resent copies add no rows: wait until the group has consumed (and archived) them too.
    await waitFor(
      "the group to reach the end",
      async () => (await consumerLag(kafka, `g-${tenant}`, topics.feedback)).reduce((s, p) => s + p.lag, 0n),
      (lag) => lag === 0n,
    );
    await worker.stop();

    const reader = createReader(ch);
    const byTouchpoint = async (table: string) =>
      Object.fromEntries(
        (
          await reader.query<{ touchpoint: string; day: string; n: number }>(
            `SELECT touchpoint, toString(toDate(bucket)) AS day, sum(events) AS n FROM ${table} WHERE tenant = {t:String} GROUP BY touchpoint, day HAVING n > 0 ORDER BY day, touchpoint`,
            { t: tenant },
          )
        ).map((r) => [`${r.day}/${r.touchpoint}`, Number(r.n)]),
      );
    const before = await byTouchpoint("rollup_hour");
    // The expectation gap's statistics per day at every grain, and from the events sent.
    const gapByDay = async (table: string) =>
      (
        await reader.query<Record<string, unknown>>(
          `SELECT toString(toDate(bucket)) AS day, sum(gap_n) AS n, sum(expectation_sum) AS e, sum(expectation_sum_sq) AS e2, sum(experience_sum) AS x,
             sum(experience_sum_sq) AS x2, sum(gap_sum) AS g, sum(gap_sum_sq) AS g2, sum(gap_short) AS short
           FROM ${table} WHERE tenant = {t:String} GROUP BY day ORDER BY day`,
          { t: tenant },
        )
      ).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "day" ? v : Number(v)])));
    const gapSent = [day1, day2].map((events, d) => {
      const s = { day: `2026-11-1${d}`, n: 0, e: 0, e2: 0, x: 0, x2: 0, g: 0, g2: 0, short: 0 };
      for (const ev of events) {
        if (ev.type !== "survey.response" || ev.body.expectation === undefined || ev.body.experience === undefined) continue;
        const [e, x] = [ev.body.expectation, ev.body.experience];
        Object.assign(s, { n: s.n + 1, e: s.e + e, e2: s.e2 + e * e, x: s.x + x, x2: s.x2 + x * x, g: s.g + x - e, g2: s.g2 + (x - e) ** 2, short: s.short + (x < e ? 1 : 0) });
      }
      return s;
    });
    expect(gapSent[0]?.g).not.toBe(0);
    for (const table of ["rollup_minute", "rollup_hour", "rollup_day"]) expect(await gapByDay(table), table).toEqual(gapSent);
    expect(before["2026-11-10/ivr"]).toBeGreaterThan(0);

    // The rule changes: the IVR is now called "phone_ivr" in the catalogue.
    const catalogue = unwrap(parseCatalogue({ version: 1, touchpoints: { phone_ivr: { journeyStage: "support", aliases: ["ivr"] } } }));
    const enrichment = createEnrichment({ redis, logger: silentLogger, catalogues: createCatalogues(null, catalogue, silentLogger) });
    const progress: number[] = [];
    const run = () =>
      replayRange(
        { from: new Date("2026-11-10T00:00:00Z"), to: new Date("2026-11-11T00:00:00Z"), tenant },
        { ch, reader, writer: createWriter(ch), store, enrichment, logger: silentLogger, progress: (d) => void progress.push(d) },
      );
    // An archive gap: replay refuses before it deletes anything.
    const someKey = (await store.list(`raw/${tenant}/`))[0] ?? "";
    const saved = await store.get(someKey);
    await store.delete(someKey);
    await expect(run()).rejects.toMatchObject({ code: "archive_incomplete" });
    expect(await countEvents(ch, tenant)).toBe(1400);
    await store.put(someKey, saved ?? Buffer.alloc(0));

    // The range was stored moments ago: with a quiet period (as `pulse replay` runs it) the replay
    // refuses before it deletes anything, since events still arriving could be missed.
    const active = replayRange(
      { from: new Date("2026-11-10T00:00:00Z"), to: new Date("2026-11-11T00:00:00Z"), tenant },
      { ch, reader, writer: createWriter(ch), store, enrichment, logger: silentLogger, quietMs: 3_600_000 },
    );
    await expect(active).rejects.toMatchObject({ code: "range_active" });
    await expect(active).rejects.toThrow(/the newest was stored \d+ s ago/);
    expect(await countEvents(ch, tenant)).toBe(1400);

    const first = await run();
    expect(first.inserted).toBe(800);
    // The 50 resent copies were dropped as duplicates when they arrived, so they were never
    // stored nor archived: the archive holds each stored event once.
    expect(first.duplicates).toBe(0);
    expect(first.messages).toBe(800 + 600);
    expect(progress.length).toBe(first.objects);
    await run(); // replaying again changes nothing

    expect(await countEvents(ch, tenant)).toBe(1400);
    for (const table of ["rollup_minute", "rollup_hour", "rollup_day"]) {
      const after = await byTouchpoint(table);
      const expected: Record<string, number> = {};
      for (const [k, n] of Object.entries(before)) {
        const key = k === "2026-11-10/ivr" ? "2026-11-10/phone_ivr" : k;
        expected[key] = (expected[key] ?? 0) + n;
      }
      expect(after, table).toEqual(expected);
      // The replayed day's expectation gap is rebuilt exactly, the other day untouched.
      expect(await gapByDay(table), `${table} expectation gap`).toEqual(gapSent);
    }
    redis.disconnect();
    await ch.close();
  });
});
