/**
 * Hostile requests against the real collector (real Kafka and Redis) and the real query service
 * (real chDB, Redis cache), over loopback HTTP. CI runs FUZZ_REQUESTS (default 20,000);
 * `pnpm fuzz` runs 1,000,000. See fuzz-run.ts for what every answer is checked for.
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
import { createQueryApp, parseTokenSpec } from "@pulse/query";
import { createRedis } from "@pulse/redis";
import { runFuzz, type FuzzReport } from "./fuzz-run";

const stack = inject("stack");
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const ROOT = new URL("../../../../", import.meta.url).pathname;
const run = randomUUID().slice(0, 6);
const tokens = {
  collectorWrite: `fz-write-key-${run}-0001`,
  collectorRead: `fz-read-key-${run}-00001`,
  queryRead: `fz-read-token-${run}-001`,
  queryWrite: `fz-write-token-${run}-01`,
};
const dir = mkdtempSync(join(tmpdir(), "pulse-fuzz-"));
const closers: (() => Promise<unknown> | void)[] = [];
let collectorUrl = "";
let queryUrl = "";
let ch: ClickHouse;
const queryMetrics = createMetricsRegistry("fuzz-q", { defaults: false });

beforeAll(async () => {
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "fuzz", logger: silentLogger });
  const topics = topicNames(`fuzz${run}.`);
  await ensureTopics(kafka, declaredTopics(`fuzz${run}.`, { feedback: 3, deadLetters: 1 }));
  const producer = createProducer(kafka);
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `fuzz:${run}:` });
  redis.on("error", () => undefined);
  const collector = await createCollectorApp({
    producer,
    topics,
    dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
    keys: [
      { sha256: hashApiKey(tokens.collectorWrite), tenant: "acme.eu", source: "fuzz" },
      { sha256: hashApiKey(tokens.collectorRead), tenant: "acme.eu", source: "fuzz-read", kind: "read" },
    ],
    logger: silentLogger,
    metrics: createMetricsRegistry("fuzz-c", { defaults: false }),
    limits: { maxBodyBytes: 5 * 1024 * 1024, maxEvents: 10_000, maxDepth: 32, rateLimit: { eventsPerSecond: 1_000_000, burst: 1_000_000 }, produceTimeoutMs: 30_000, lingerMs: 2, maxSendBytes: 900 * 1024 },
  });
  ch = await openClickHouse({ path: join(dir, "ch"), database: "pulse" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  const query = await createQueryApp({
    reader: createReader(ch),
    redis,
    logger: silentLogger,
    metrics: queryMetrics,
    tokens: parseTokenSpec(`${tokens.queryRead}=acme.eu,${tokens.queryWrite}=acme.eu:write`),
  });
  collectorUrl = await collector.listen({ host: "127.0.0.1", port: 0 });
  queryUrl = await query.listen({ host: "127.0.0.1", port: 0 });
  closers.push(
    () => query.close(),
    () => collector.close(),
    () => producer.disconnect(),
    () => redis.disconnect(),
    () => ch.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
});

async function gauge(name: string): Promise<number | undefined> {
  const m = await queryMetrics.getSingleMetric(name)?.get();
  return m?.values.reduce((sum, v) => sum + v.value, 0);
}

afterAll(async () => {
  for (const c of closers) await c();
});

it(
  `survives ${REQUESTS} hostile requests: no unexpected 5xx, no hang, no answer without a token, only valid events accepted`,
  async () => {
    const report: FuzzReport = await runFuzz({ collectorUrl, queryUrl, tokens, requests: REQUESTS, seed: Number(process.env.FUZZ_SEED ?? 1), collectorShare: Number(process.env.FUZZ_COLLECTOR_SHARE ?? 0.7), log: (l) => process.stderr.write(`${l}\n`) });
    process.stderr.write(`fuzz report: ${JSON.stringify({ ...report, samples: undefined })}\n`);
    for (const s of report.samples) process.stderr.write(`  sample: ${s}\n`);
    expect(report.sent).toBe(REQUESTS);
    expect(report.unexpected5xx).toBe(0);
    expect(report.outage503).toBe(0);
    expect(report.hangs).toBe(0);
    expect(report.unauthenticatedAnswers).toBe(0);
    expect(report.problemsWithoutCode).toBe(0);
    expect(report.rejectionsWithoutIssue).toBe(0);
    expect(report.invalidAccepted).toBe(0);
    expect(report.polluted).toBe(false);
    // Both services accepted real work, so the run reached the deep paths too.
    expect(report.acceptedEvents).toBeGreaterThan(0);
    expect(report.byStatus["200"] ?? 0).toBeGreaterThan(0);
    // Live streams were opened with valid tokens (and hung up on), and every 200 was a real stream.
    expect(report.streams["200"] ?? 0).toBeGreaterThan(0);
    expect(report.brokenStreams).toBe(0);
    // Every stream the fuzzer hung up on was released: no subscriber or channel is left behind.
    await expect.poll(async () => gauge("pulse_query_stream_subscribers"), { timeout: 10_000 }).toBe(0);
    expect(await gauge("pulse_query_stream_channels")).toBe(0);
    // Bounded memory: a 5 MB body limit and bounded buffers keep the process far below this.
    expect(report.maxRssMb).toBeLessThan(2048);
    // The servers still answer after the run.
    expect((await fetch(`${collectorUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${queryUrl}/healthz`)).status).toBe(200);
  },
  Math.max(600_000, REQUESTS * 20),
);
