/**
 * Exactly once without hidden limits (issue 8.4) and no stalled partition on rejected rows
 * (issue 8.1), against a real Kafka broker, Redis and chDB. Each test names the defect it guards.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { createReader, createWriter, type ClickHouse, type Writer } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { consumerLag, declaredTopics, ensureTopics, rewindGroup, type Kafka, type Topics } from "@pulse/kafka";
import { createMetricsRegistry, PulseError, silentLogger } from "@pulse/kit";
import { createRedis, type Redis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createWorker, type PulseWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE } from "./catalogues";
import { createChunkLedger } from "./chunk-ledger";
import { processChunk, type ChunkDeps, type InMessage } from "./chunk.process";
import { chunkToken } from "./chunks";
import { listDeadLetters } from "./dlq";
import { createEnrichment } from "./enrichment";
import { createRedisIdClaims } from "./id-claims";
import { makeEvents } from "./testing/events";
import { countEvents, privateTopics, produce, REPO_ROOT, removeTempDirs, tempClickHouse, tempDir, waitFor, wire } from "./testing/harness";

// Registered first, so it runs after every other afterAll (they close what lives in the folders).
afterAll(removeTempDirs);

const stack = inject("stack");
const redises: Redis[] = [];
afterAll(() => redises.forEach((r) => r.disconnect()));
// chDB holds one data folder per process: a test that fails must still close its own.
let open: ClickHouse | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});
async function clickhouse(): Promise<ClickHouse> {
  const { ch } = await tempClickHouse();
  open = ch;
  return ch;
}

function redisFor(tenant: string): Redis {
  const r = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
  redises.push(r);
  return r;
}

function workerOn(opts: { kafka: Kafka; topics: Topics; ch: ClickHouse; redis: Redis; group: string; maxChunk: number; archiveDir: string }): PulseWorker {
  return createWorker({
    kafka: opts.kafka,
    topics: opts.topics,
    groupId: opts.group,
    ch: opts.ch,
    redis: opts.redis,
    store: createLocalStore(opts.archiveDir),
    logger: silentLogger,
    registry: createMetricsRegistry("worker-test", { defaults: false }),
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk: opts.maxChunk,
    partitionsConcurrently: 3,
    sessionTimeoutMs: 6000,
    retry: { minMs: 100, maxMs: 1000 },
    fcr: { windowMs: 7 * 86_400_000 },
  });
}

const drained = (kafka: Kafka, group: string, topic: string) =>
  waitFor(
    `group ${group} to reach the end`,
    async () => (await consumerLag(kafka, group, topic)).reduce((s, p) => s + p.lag, 0n),
    (lag) => lag === 0n,
    90_000,
  );

/** Events per rollup grain and in the table, for one tenant: all must equal what was sent. */
async function counts(ch: ClickHouse, tenant: string): Promise<Record<string, number>> {
  const reader = createReader(ch);
  const out: Record<string, number> = { feedback_events: await countEvents(ch, tenant) };
  for (const t of ["rollup_minute", "rollup_hour", "rollup_day"]) {
    const [r] = await reader.query<{ n: number }>(`SELECT sum(events) AS n FROM ${t} WHERE tenant = {t:String}`, { t: tenant });
    out[t] = Number(r?.n ?? 0);
  }
  return out;
}
const all = (n: number) => ({ feedback_events: n, rollup_minute: n, rollup_hour: n, rollup_day: n });

describe("exactly once without hidden limits", () => {
  it("a chunk re-delivered after more blocks than ClickHouse's token memory holds counts once", async () => {
    const tenant = `w${randomUUID().slice(0, 6)}`;
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 3);
    const ch = await clickhouse();
    // ClickHouse remembers insert tokens for the last N blocks of each table; make N tiny so the
    // re-delivery below comes long after the tokens were forgotten.
    for (const t of ["feedback_events", "rollup_minute", "rollup_hour", "rollup_day", "event_ids", "complaints_opened", "fcr_contacts", "fcr_repeats"]) {
      await ch.client.command({ query: `ALTER TABLE ${t} MODIFY SETTING non_replicated_deduplication_window = 2` });
    }
    const redis = redisFor(tenant);
    const archiveDir = tempDir("pulse-archive-");
    const group = `g-${tenant}`;
    await produce(kafka, topics.feedback, makeEvents(1200, { seed: 11, idPrefix: tenant }).map((e) => wire(tenant, e)), 100);
    let worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 40, archiveDir });
    await worker.start();
    await drained(kafka, group, topics.feedback);
    expect(await counts(ch, tenant)).toEqual(all(1200));
    await worker.stop();

    // Every chunk comes again (as after a crash between its insert and its commit, or a reset
    // group); dozens of blocks per table were inserted after each of them.
    await rewindGroup(kafka, group, topics.feedback);
    worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 40, archiveDir });
    await worker.start();
    await drained(kafka, group, topics.feedback);
    await worker.stop();
    expect(await counts(ch, tenant)).toEqual(all(1200));
  });

  it("a new consumer group over the same topic and database counts nothing twice", async () => {
    const tenant = `n${randomUUID().slice(0, 6)}`;
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 3);
    const ch = await clickhouse();
    const redis = redisFor(tenant);
    const archiveDir = tempDir("pulse-archive-");
    await produce(kafka, topics.feedback, makeEvents(900, { seed: 12, idPrefix: tenant }).map((e) => wire(tenant, e)), 100);
    const first = workerOn({ kafka, topics, ch, redis, group: `g1-${tenant}`, maxChunk: 100, archiveDir });
    await first.start();
    await drained(kafka, `g1-${tenant}`, topics.feedback);
    await first.stop();
    // An operator renames the group (or its offsets are lost): it starts from the beginning.
    const second = workerOn({ kafka, topics, ch, redis, group: `g2-${tenant}`, maxChunk: 70, archiveDir });
    await second.start();
    await drained(kafka, `g2-${tenant}`, topics.feedback);
    const stored = (await second.metrics.alreadyStored.get()).values.reduce((n, v) => n + v.value, 0);
    await second.stop();
    expect(await counts(ch, tenant)).toEqual(all(900));
    expect(stored).toBe(900);
  });

  it("new events at the offsets of a deleted and recreated topic are stored, not dropped as old copies", async () => {
    const tenant = `r${randomUUID().slice(0, 6)}`;
    const { kafka, topics, prefix } = await privateTopics(stack.KAFKA_BROKERS.split(","), 1);
    const ch = await clickhouse();
    const redis = redisFor(tenant);
    const archiveDir = tempDir("pulse-archive-");
    const group = `g-${tenant}`;
    const before = makeEvents(60, { seed: 13, idPrefix: `${tenant}-old` });
    const after = makeEvents(60, { seed: 14, idPrefix: `${tenant}-new` });
    await produce(kafka, topics.feedback, before.map((e) => wire(tenant, e)), 60);
    let worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 60, archiveDir });
    await worker.start();
    await drained(kafka, group, topics.feedback);
    await worker.stop();

    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.feedback] });
    await waitFor("the topic to be gone", async () => (await admin.listTopics()).includes(topics.feedback), (present) => !present);
    await admin.disconnect();
    await ensureTopics(kafka, declaredTopics(prefix, { feedback: 1, deadLetters: 1 }));
    // The same number of messages in the same batch: the same offsets and the same chunk cut.
    await produce(kafka, topics.feedback, after.map((e) => wire(tenant, e)), 60);
    worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 60, archiveDir });
    await worker.start();
    await waitFor("the new events", () => countEvents(ch, tenant), (n) => n >= 120, 60_000).catch(() => undefined);
    await drained(kafka, group, topics.feedback);
    await worker.stop();
    expect(await counts(ch, tenant)).toEqual(all(120));
  });

  it("copies of one id on two partitions, read at the same time, count once", async () => {
    const tenant = `p${randomUUID().slice(0, 6)}`;
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 2);
    const ch = await clickhouse();
    const redis = redisFor(tenant);
    const group = `g-${tenant}`;
    // A sender that changes the customer id on a retry: the copy has another Kafka key, so it
    // usually lands on the other partition and is processed side by side with the original.
    const events = makeEvents(600, { seed: 15, idPrefix: tenant, customers: 5000 });
    const copies = events.map((e) => ({ ...e, customer: { ...e.customer, id: `${e.customer.id}-retry` } }));
    await produce(kafka, topics.feedback, [...events, ...copies].map((e) => wire(tenant, e)), 1200);
    const worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 2000, archiveDir: tempDir("pulse-archive-") });
    await worker.start();
    await drained(kafka, group, topics.feedback);
    await worker.stop();
    expect(await counts(ch, tenant)).toEqual(all(600));
    const [distinct] = await createReader(ch).query<{ n: number }>("SELECT uniqExact(event_id) AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
    expect(Number(distinct?.n)).toBe(600);
  });
});

describe("rows ClickHouse rejects never stall a partition", () => {
  it("isolates the rejected events into the DLQ with ClickHouse's reason and stores the rest once", async () => {
    const tenant = `x${randomUUID().slice(0, 6)}`;
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 1);
    const ch = await clickhouse();
    // A constraint an operator added: ClickHouse refuses these rows whatever is retried.
    await ch.client.command({ query: "ALTER TABLE feedback_events ADD CONSTRAINT no_poison CHECK NOT startsWith(event_id, 'poison')" });
    const redis = redisFor(tenant);
    const group = `g-${tenant}`;
    const events = makeEvents(300, { seed: 16, idPrefix: tenant });
    const poisoned = events.map((e, i) => (i % 97 === 5 ? { ...e, id: `poison-${tenant}-${i}` } : e));
    const poison = poisoned.filter((e) => e.id.startsWith("poison"));
    expect(poison.length).toBe(4);
    await produce(kafka, topics.feedback, poisoned.map((e) => wire(tenant, e)), 300);
    const worker = workerOn({ kafka, topics, ch, redis, group, maxChunk: 1000, archiveDir: tempDir("pulse-archive-") });
    await worker.start();
    await drained(kafka, group, topics.feedback);
    // The partition moves on: a live event after them is stored within seconds.
    const [live] = makeEvents(1, { seed: 17, idPrefix: `${tenant}-live`, baseTime: Date.now() - 60_000 });
    await produce(kafka, topics.feedback, [wire(tenant, live as FeedbackEvent)]);
    await waitFor("the live event", () => countEvents(ch, tenant), (n) => n === 297, 20_000);
    await drained(kafka, group, topics.feedback);
    await worker.stop();
    expect(await counts(ch, tenant)).toEqual(all(297));
    const letters = await listDeadLetters(kafka, topics);
    expect(letters.map((l) => JSON.parse(l.value.toString()) as { event: { id: string } }).map((v) => v.event.id).sort()).toEqual(poison.map((e) => e.id).sort());
    for (const l of letters) {
      expect(l.reason).toBe("clickhouse_rejected");
      expect(l.detail).toMatch(/VIOLATED_CONSTRAINT/);
    }
  });

  it("a crash in the middle of a split, followed by a retry that could insert the chunk whole, stores each row once", async () => {
    const tenant = `s${randomUUID().slice(0, 6)}`;
    const ch = await clickhouse();
    await ch.client.command({ query: "ALTER TABLE feedback_events ADD CONSTRAINT no_poison CHECK NOT startsWith(event_id, 'poison')" });
    const redis = redisFor(tenant);
    const events = makeEvents(64, { seed: 18, idPrefix: tenant }).map((e, i) => (i === 40 ? { ...e, id: `poison-${tenant}` } : e));
    const messages: InMessage[] = events.map((e, i) => {
      const w = wire(tenant, e);
      return { offset: String(i), timestamp: String(Date.now()), key: Buffer.from(String(w.key)), value: Buffer.from(String(w.value)) };
    });
    const chunk = { start: 0n, end: 63n, messages, replayed: false };
    const token = chunkToken("topic", 0, chunk);
    const reader = createReader(ch);
    const realWriter = createWriter(ch);
    const deps = (writer: Writer): ChunkDeps => ({
      topic: "topic",
      reader,
      writer,
      ledger: createChunkLedger(reader, writer),
      claims: createRedisIdClaims(redis),
      enrichment: createEnrichment({ redis, logger: silentLogger, catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger) }),
      fcr: { plan: () => Promise.resolve({ contactRows: [], repeatRows: [], placeholders: 0 }) },
      archiver: { write: () => Promise.resolve() },
    });
    // The process "dies" after the third insert of feedback_events parts.
    let inserts = 0;
    const dying: Writer = {
      insert: async (table, columns, rows, opts) => {
        if (table === "feedback_events" && ++inserts > 3) throw new PulseError("process_killed", "simulated crash", { retry: true });
        await realWriter.insert(table, columns, rows, opts);
      },
    };
    await expect(processChunk(0, chunk, token, false, deps(dying))).rejects.toMatchObject({ code: "process_killed" });
    expect(await countEvents(ch, tenant)).toBeGreaterThan(0);
    // Meanwhile the constraint was dropped: inserting the chunk whole would now succeed, and would
    // store the parts already inserted a second time. The ledger makes the retry split the same way.
    await ch.client.command({ query: "ALTER TABLE feedback_events DROP CONSTRAINT no_poison" });
    const out = await processChunk(0, chunk, token, true, deps(realWriter));
    expect(out.kind).toBe("done");
    expect(await countEvents(ch, tenant)).toBe(64);
    const [distinct] = await reader.query<{ n: number }>("SELECT uniqExact(event_id) AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
    expect(Number(distinct?.n)).toBe(64);
  });
});

describe("a partition that cannot advance is visible", () => {
  it("reports a stalled partition (metric and pulse status), keeps the others moving, and recovers exactly", async () => {
    const tenant = `v${randomUUID().slice(0, 6)}`;
    const { kafka, topics, prefix } = await privateTopics(stack.KAFKA_BROKERS.split(","), 3);
    const ch = await clickhouse();
    // A broken materialized view that fails on one event: the block is already in the source
    // table when the view throws, so the chunk must be retried (never split), and it waits.
    await ch.client.command({ query: "CREATE TABLE stall_probe (id String, x UInt8) ENGINE = MergeTree ORDER BY id" });
    await ch.client.command({ query: "CREATE MATERIALIZED VIEW stall_probe_mv TO stall_probe AS SELECT event_id AS id, throwIf(event_id = 'stall-me', 'broken view') AS x FROM feedback_events" });
    const redis = redisFor(tenant);
    const group = `g-${tenant}`;
    const events = makeEvents(300, { seed: 19, idPrefix: tenant, customers: 300 });
    const stuck = { ...(events[0] as FeedbackEvent), id: "stall-me" } as FeedbackEvent;
    await produce(kafka, topics.feedback, [stuck, ...events.slice(1)].map((e) => wire(tenant, e)), 300);
    const worker = createWorker({
      kafka,
      topics,
      groupId: group,
      ch,
      redis,
      store: createLocalStore(tempDir("pulse-archive-")),
      registry: createMetricsRegistry("worker-test", { defaults: false }),
      catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
      maxChunk: 1000,
      partitionsConcurrently: 3,
      sessionTimeoutMs: 6000,
      stallAfterMs: 1500,
      logger: silentLogger,
      retry: { minMs: 100, maxMs: 500 },
      fcr: { windowMs: 7 * 86_400_000 },
    });
    await worker.start();
    const stalledGauge = async () => (await worker.metrics.stalled.get()).values.filter((v) => v.value === 1).map((v) => Number(v.labels.partition));
    const [stalledPartition] = await waitFor("a stalled partition", stalledGauge, (ps) => ps.length === 1, 30_000);
    // The other partitions go on meanwhile: they reach the end of the log.
    await waitFor(
      "the other partitions to reach the end",
      async () => (await consumerLag(kafka, group, topics.feedback)).filter((p) => p.partition !== stalledPartition).reduce((n, p) => n + p.lag, 0n),
      (lag) => lag === 0n,
      60_000,
    );

    // `pulse status`, as an operator runs it, in its own process with the worker's settings
    // (spawned asynchronously: the worker in this process must keep heartbeating meanwhile).
    const status = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "services/cli/src/main.ts", "status"], {
        cwd: REPO_ROOT,
        env: { ...process.env, KAFKA_BROKERS: stack.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: prefix, REDIS_URL: stack.REDIS_URL, REDIS_KEY_PREFIX: `it:${tenant}:`, WORKER_GROUP_ID: group, WORKER_STALL_SECONDS: "1", LOG_LEVEL: "error" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      child.on("close", (code) => resolve({ status: code, stdout, stderr }));
    });
    expect(status.status, status.stderr).toBe(3);
    expect(status.stdout).toMatch(new RegExp(`^${String(stalledPartition)}\\s.*STALLED since .*broken view`, "m"));
    expect(status.stdout).toContain("1 partition(s) STALLED");
    expect(status.stdout).toMatch(new RegExp(`^${tenant}\\s`, "m"));

    // The operator fixes the view: the waiting chunk goes through, and nothing counts twice.
    await ch.client.command({ query: "DROP VIEW stall_probe_mv" });
    await drained(kafka, group, topics.feedback);
    await waitFor("the gauge to clear", stalledGauge, (ps) => ps.length === 0, 10_000);
    await worker.stop();
    expect(await counts(ch, tenant)).toEqual(all(300));
  });
});
