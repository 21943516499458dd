/**
 * First-contact resolution through the real path: Kafka → worker → fcr_contacts / fcr_repeats →
 * rollups in chDB, checked against a brute force over the raw contacts (same tenant, customer and
 * topic; the next contact within W, in minute bins, in the contact's own minute cohort).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createReader, createWriter, type ClickHouse, type Writer } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { consumerLag, type Kafka } from "@pulse/kafka";
import { createMetricsRegistry, PulseError, silentLogger, type Registry } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE } from "./catalogues";
import { createChunkLedger } from "./chunk-ledger";
import { processChunk, type ChunkDeps, type InMessage } from "./chunk.process";
import { chunkToken } from "./chunks";
import { createEnrichment } from "./enrichment";
import { createFcrPlanner } from "./fcr-contacts";
import { createRedisIdClaims } from "./id-claims";
import { prng } from "./testing/events";
import { countEvents, privateTopics, produce, removeTempDirs, tempClickHouse, tempDir, waitFor, wire } from "./testing/harness";

// Registered first, so it runs after every other afterAll (they close what lives in the folders).
afterAll(removeTempDirs);

// One embedded ClickHouse for the file (chDB binds one data folder per process); tenants keep tests apart.
let ch: ClickHouse;
beforeAll(async () => {
  ch = (await tempClickHouse()).ch;
});
afterAll(async () => {
  await ch?.close();
});

const stack = inject("stack");
const MIN = 60_000;
const DAY = 86_400_000;
const W = 7 * DAY;

type Contact = { id: string; customer: string; topic: string; at: number };

function callEvent(c: Contact): FeedbackEvent {
  return {
    id: c.id,
    type: "call.completed",
    occurredAt: new Date(c.at).toISOString(),
    source: "acd",
    touchpoint: "phone",
    channel: "phone",
    customer: { id: c.customer },
    schemaVersion: 1,
    body: { queue: "general", waitSeconds: 5, handleSeconds: 60, holdSeconds: 0, transfers: 0, abandoned: false, topic: c.topic },
  };
}

type Cohorts = Record<string, { n: number; hist: Record<string, number> }>;

/** Per minute cohort: contacts, and bin → contacts whose next contact (same customer, same topic) came D ≤ W later in bin ⌈D/1 min⌉. */
function bruteForce(contacts: readonly Contact[], placeholders: readonly string[] = ["", "0", "anonymous", "unknown"]): Cohorts {
  const real = contacts.filter((c) => !placeholders.includes(c.customer.trim().toLowerCase()));
  const out: Cohorts = {};
  for (const c of real) {
    const minute = new Date(Math.floor(c.at / MIN) * MIN).toISOString();
    const cohort = (out[minute] ??= { n: 0, hist: {} });
    cohort.n++;
    const later = real.filter((o) => o.customer === c.customer && o.topic === c.topic && o !== c && (o.at > c.at || (o.at === c.at && Buffer.compare(Buffer.from(o.id), Buffer.from(c.id)) > 0)));
    const next = Math.min(...later.map((o) => o.at));
    if (Number.isFinite(next) && next - c.at <= W) {
      const bin = String(Math.ceil((next - c.at) / MIN));
      cohort.hist[bin] = (cohort.hist[bin] ?? 0) + 1;
    }
  }
  return out;
}

/** The same statistics as the minute rollup holds them (zero bins dropped). */
async function served(ch: ClickHouse, tenant: string): Promise<Cohorts> {
  const rows = await createReader(ch).query<{ bucket: string; n: number; hist: Record<string, number> }>(
    `SELECT toString(bucket) AS bucket, sum(fcr_n) AS n, sumMap(fcr_repeat_hist) AS hist FROM rollup_minute
     WHERE tenant = {t:String} GROUP BY bucket HAVING n != 0 OR notEmpty(hist) ORDER BY bucket`,
    { t: tenant },
  );
  const out: Cohorts = {};
  for (const r of rows) {
    const hist = Object.fromEntries(Object.entries(r.hist).filter(([, v]) => Number(v) !== 0).map(([k, v]) => [k, Number(v)]));
    out[`${r.bucket.replace(" ", "T")}.000Z`] = { n: Number(r.n), hist };
  }
  return out;
}

/** Every contact's rows in fcr_repeats sum to at most one outcome. */
async function outcomesAreSingle(ch: ClickHouse, tenant: string): Promise<void> {
  const bad = await createReader(ch).query<{ contact_id: string }>(
    `SELECT contact_id FROM (SELECT contact_id, repeat_bin, sum(sign) AS s FROM fcr_repeats WHERE tenant = {t:String} GROUP BY contact_id, repeat_bin)
     GROUP BY contact_id HAVING sum(s) > 1 OR min(s) < 0`,
    { t: tenant },
  );
  expect(bad).toEqual([]);
}

async function drained(kafka: Kafka, group: string, topic: string): Promise<void> {
  await waitFor("the group to reach the end", async () => (await consumerLag(kafka, group, topic)).reduce((s, p) => s + p.lag, 0n), (lag) => lag === 0n, 180_000);
}

async function counter(registry: Registry, name: string): Promise<number> {
  const m = registry.getSingleMetric(name);
  return (await m?.get())?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}

function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const rnd = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function workerFor(kafka: Kafka, topics: { feedback: string; deadLetters: string }, ch: ClickHouse, tenant: string, maxChunk: number, registry = createMetricsRegistry("fcr-test", { defaults: false })) {
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
  const worker = createWorker({
    kafka,
    topics,
    groupId: `g-${tenant}`,
    ch,
    redis,
    store: createLocalStore(tempDir("pulse-archive-")),
    logger: silentLogger,
    registry,
    catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
    maxChunk,
    partitionsConcurrently: 3,
    fcr: { windowMs: W },
  });
  return { worker, redis, registry };
}

describe("first-contact resolution in ClickHouse", () => {
  it("gives the brute-force outcomes whatever the arrival order, for history and live contacts, with ':' in customer ids", async () => {
    const run = randomUUID().slice(0, 6);
    const inOrder = `o${run}`;
    const shuffled = `s${run}`;
    const rnd = prng(42);
    const now = Date.now();
    const contacts: Contact[] = [];
    for (let i = 0; i < 500; i++) {
      const k = Math.floor(rnd() * 25);
      contacts.push({
        id: `c${i}`,
        // ':' inside ids: the old Redis keys split on it and mixed customers and topics up.
        customer: k % 3 === 0 ? `acct:${k}:eu` : k % 3 === 1 ? `acct:${k}` : `acct${k}`,
        topic: ["billing", "cards", "loans"][Math.floor(rnd() * 3)] as string,
        // 40 days of history up to a minute ago: closed windows, open ones, repeats across minutes.
        at: now - MIN - Math.floor(rnd() * 40 * DAY),
      });
    }
    // Ties in time, a repeat exactly at W (a repeat) and one just after it (none).
    const t0 = now - 30 * DAY;
    contacts.push({ id: "tie-a", customer: "acct:tie", topic: "billing", at: t0 }, { id: "tie-b", customer: "acct:tie", topic: "billing", at: t0 });
    contacts.push({ id: "w-a", customer: "acct:w", topic: "billing", at: t0 }, { id: "w-b", customer: "acct:w", topic: "billing", at: t0 + W });
    contacts.push({ id: "w1-a", customer: "acct:w1", topic: "billing", at: t0 }, { id: "w1-b", customer: "acct:w1", topic: "billing", at: t0 + W + 1 });

    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 3);
    const sorted = [...contacts].sort((a, b) => a.at - b.at);
    // The same contacts, once in time order, once shuffled in small chunks (history arriving in any order).
    await produce(kafka, topics.feedback, sorted.map((c) => wire(inOrder, callEvent(c))));
    for (const [i, part] of chunked(shuffle(contacts, 7), 60).entries()) await produce(kafka, topics.feedback, part.map((c) => wire(shuffled, callEvent(c))), 13 + i);
    const { worker, redis } = workerFor(kafka, topics, ch, run, 17);
    await worker.start();
    await waitFor("all events", async () => (await countEvents(ch, inOrder)) + (await countEvents(ch, shuffled)), (n) => n === 2 * contacts.length, 180_000);
    await drained(kafka, `g-${run}`, topics.feedback);
    await worker.stop();
    redis.disconnect();

    const expected = bruteForce(contacts);
    expect(Object.values(expected).reduce((s, c) => s + Object.keys(c.hist).length, 0)).toBeGreaterThan(50);
    expect(await served(ch, inOrder)).toEqual(expected);
    expect(await served(ch, shuffled)).toEqual(expected);
    await outcomesAreSingle(ch, shuffled);
    const tie = expected[new Date(Math.floor(t0 / MIN) * MIN).toISOString()];
    expect(tie?.hist["0"]).toBe(1);
    expect(tie?.hist[String(W / MIN)]).toBe(1);
  });

  it("leaves a placeholder customer with 50,000 contacts out of FCR, counted in a metric, and keeps the partition moving", async () => {
    const tenant = `p${randomUUID().slice(0, 6)}`;
    const now = Date.now();
    const placeholder: Contact[] = Array.from({ length: 50_000 }, (_, i) => ({ id: `anon-${i}`, customer: i % 2 === 0 ? "0" : "Unknown", topic: "billing", at: now - DAY + i * 1000 }));
    const real: Contact[] = [
      { id: "r1", customer: "cust-1", topic: "billing", at: now - DAY },
      { id: "r2", customer: "cust-1", topic: "billing", at: now - DAY + 90 * MIN },
      { id: "r3", customer: "cust-2", topic: "billing", at: now - DAY },
    ];
    const { kafka, topics } = await privateTopics(stack.KAFKA_BROKERS.split(","), 3);
    await produce(kafka, topics.feedback, [...placeholder, ...real].map((c) => wire(tenant, callEvent(c))), 5000);
    const { worker, redis, registry } = workerFor(kafka, topics, ch, tenant, 5000);
    await worker.start();
    await waitFor("all events", () => countEvents(ch, tenant), (n) => n === 50_003, 300_000);
    await drained(kafka, `g-${tenant}`, topics.feedback);
    await worker.stop();
    redis.disconnect();

    expect(await counter(registry, "pulse_worker_fcr_placeholder_contacts_total")).toBe(50_000);
    const [stored] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM fcr_contacts WHERE tenant = {t:String}", { t: tenant });
    expect(Number(stored?.n)).toBe(3);
    expect(await served(ch, tenant)).toEqual(bruteForce([...placeholder, ...real]));
  }, 600_000);

  it("a chunk retried after crashes between the events insert and each FCR insert counts once", async () => {
    const tenant = `k${randomUUID().slice(0, 6)}`;
    const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
    const reader = createReader(ch);
    const realWriter = createWriter(ch);
    const t0 = Date.now() - 3 * DAY;
    const first: Contact[] = [
      { id: "p", customer: "x", topic: "billing", at: t0 },
      { id: "n", customer: "x", topic: "billing", at: t0 + 10 * MIN },
    ];
    // Lands between p and n: p's outcome moves from bin 10 to bin 4 (a −1 and a +1 row).
    const second: Contact[] = [
      { id: "x1", customer: "x", topic: "billing", at: t0 + 4 * MIN },
      { id: "y", customer: "y", topic: "billing", at: t0 },
    ];
    const messages = (cs: Contact[], base: number): InMessage[] =>
      cs.map((c, i) => {
        const w = wire(tenant, callEvent(c));
        return { offset: String(base + i), timestamp: String(Date.now()), key: Buffer.from(String(w.key)), value: Buffer.from(String(w.value)) };
      });
    const deps = (writer: Writer): ChunkDeps => ({
      topic: "topic",
      reader,
      writer,
      ledger: createChunkLedger(reader, writer),
      claims: createRedisIdClaims(redis),
      enrichment: createEnrichment({ redis, logger: silentLogger, catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger) }),
      fcr: createFcrPlanner({ reader, window: { windowMs: W, binMs: MIN }, placeholders: new Set([""]) }),
      archiver: { write: () => Promise.resolve() },
    });
    const chunk1 = { start: 0n, end: 1n, messages: messages(first, 0), replayed: false };
    expect((await processChunk(0, chunk1, chunkToken("topic", 0, chunk1), false, deps(realWriter))).kind).toBe("done");

    const chunk2 = { start: 2n, end: 3n, messages: messages(second, 2), replayed: false };
    const token = chunkToken("topic", 0, chunk2);
    const dyingAt = (table: string): Writer => ({
      insert: async (t, columns, rows, opts) => {
        if (t === table) throw new PulseError("process_killed", `simulated crash before the ${table} insert`, { retry: true });
        await realWriter.insert(t, columns, rows, opts);
      },
    });
    // Dies after the events insert, before the FCR contacts; then after the contacts, before their outcome rows.
    await expect(processChunk(0, chunk2, token, false, deps(dyingAt("fcr_contacts")))).rejects.toMatchObject({ code: "process_killed" });
    await expect(processChunk(0, chunk2, token, true, deps(dyingAt("fcr_repeats")))).rejects.toMatchObject({ code: "process_killed" });
    expect((await processChunk(0, chunk2, token, true, deps(realWriter))).kind).toBe("done");
    // And once more whole, as a re-delivery after a crash before the chunk was marked applied.
    expect((await processChunk(0, chunk2, token, true, deps(realWriter))).kind).toBe("done");

    expect(await countEvents(ch, tenant)).toBe(4);
    expect(await served(ch, tenant)).toEqual(bruteForce([...first, ...second]));
    await outcomesAreSingle(ch, tenant);
    redis.disconnect();
  });
});

function chunked<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
