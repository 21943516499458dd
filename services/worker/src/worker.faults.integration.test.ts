import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createReader, migrate, openClickHouse } from "@pulse/clickhouse";
import { consumerLag } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { startPrivateKafka } from "@pulse/local-stack";
import { createRedis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import { createWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE } from "./catalogues";
import { makeEvents, prng } from "./testing/events";
import { MIGRATIONS, REPO_ROOT, countEvents, privateTopics, produce, tempClickHouse, waitFor, wire, tempDir, removeTempDirs } from "./testing/harness";

// Registered first, so it runs after every other afterAll (they close what lives in the folders).
afterAll(removeTempDirs);

const stack = inject("stack");
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

/** Totals that must come out exactly, from the events sent (independent of the worker's code). */
function totals(events: ReturnType<typeof makeEvents>) {
  let nps = 0;
  let promoters = 0;
  let offered = 0;
  let waitMs = 0;
  for (const e of events) {
    if (e.type === "survey.response" && e.body.nps !== undefined) {
      nps++;
      if (e.body.nps >= 9) promoters++;
    }
    if (e.type === "call.completed") {
      offered++;
      if (!e.body.abandoned) waitMs += Math.round(e.body.waitSeconds * 1000);
    }
    if (e.type === "contact.completed" && e.body.waitSeconds !== undefined) waitMs += Math.round(e.body.waitSeconds * 1000);
  }
  return { events: events.length, nps, promoters, offered, waitMs };
}

async function rollupTotals(read: (sql: string, p: Record<string, unknown>) => Promise<Record<string, unknown>[]>, tenant: string) {
  const out: Record<string, ReturnType<typeof totals>> = {};
  for (const table of ["rollup_minute", "rollup_hour", "rollup_day"]) {
    const [r] = await read(
      `SELECT sum(events) AS events, sum(nps_n) AS nps, sum(nps_promoters) AS promoters, sum(calls_offered) AS offered, sum(wait_ms_sum) AS waitMs
       FROM ${table} WHERE tenant = {t:String}`,
      { t: tenant },
    );
    out[table] = Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v)])) as ReturnType<typeof totals>;
  }
  return out;
}

describe("worker under faults", () => {
  it("survives SIGKILL at random points 10 times: nothing lost, nothing counted twice", async () => {
    const tenant = `k${randomUUID().slice(0, 6)}`;
    const { kafka, topics, prefix } = await privateTopics(stack.KAFKA_BROKERS.split(","));
    const chPath = join(tempDir("pulse-kill-"), "ch");
    const env = {
      ...process.env,
      LOG_LEVEL: "warn",
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      CLICKHOUSE_PATH: chPath,
      REDIS_URL: stack.REDIS_URL,
      REDIS_KEY_PREFIX: `it:${tenant}:`,
      ARCHIVE_DIR: join(chPath, "..", "archive"),
      WORKER_GROUP_ID: `g-${tenant}`,
      WORKER_METRICS_PORT: "0",
      WORKER_SESSION_TIMEOUT_MS: "6000",
      WORKER_MAX_CHUNK: "400",
      MIGRATIONS_DIR: MIGRATIONS,
      S3_BUCKET: "",
    };
    const startChild = () => {
      const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "services/worker/src/main.ts")], { env, cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
      children.add(child);
      child.on("exit", () => children.delete(child));
      return child;
    };
    const events = makeEvents(12_000, { seed: 7, idPrefix: tenant });
    const messages = events.map((e) => wire(tenant, e));
    // Events keep flowing while the worker is being killed.
    const producing = (async () => {
      for (let i = 0; i < messages.length; i += 600) {
        await produce(kafka, topics.feedback, messages.slice(i, i + 600));
        await new Promise((r) => setTimeout(r, 400));
      }
    })();

    const seed = Date.now() % 100_000;
    const rnd = prng(seed);
    const kills: number[] = [];
    for (let k = 0; k < 10; k++) {
      const child = startChild();
      const delay = 1500 + Math.floor(rnd() * 4000);
      kills.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
    await producing;
    const last = startChild();
    await waitFor(
      "the group to consume everything",
      async () => (await consumerLag(kafka, `g-${tenant}`, topics.feedback)).reduce((s, p) => s + p.lag, 0n),
      (lag) => lag === 0n,
      180_000,
    );
    const stopped = new Promise((r) => last.once("exit", r));
    last.kill("SIGTERM");
    await stopped;

    // The worker's chDB directory is free again: open it here and count.
    const ch = await openClickHouse({ path: chPath, database: "pulse" });
    try {
      const reader = createReader(ch);
      const expected = totals(events);
      expect(await countEvents(ch, tenant), `kill delays ${kills.join(",")} (seed ${seed})`).toBe(expected.events);
      const rollups = await rollupTotals((sql, p) => reader.query(sql, p), tenant);
      for (const [table, got] of Object.entries(rollups)) expect(got, table).toEqual(expected);
    } finally {
      await ch.close();
    }
  }, 600_000);

  it("keeps exact counts across a rebalance and when the broker is stopped and started mid-stream", async () => {
    const tenant = `b${randomUUID().slice(0, 6)}`;
    const broker = await startPrivateKafka({ root: REPO_ROOT });
    try {
      const { kafka, topics } = await privateTopics(broker.brokers);
      const { ch } = await tempClickHouse();
      await migrate(ch, MIGRATIONS);
      const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `it:${tenant}:` });
      const make = () =>
        createWorker({
          kafka: kafka,
          topics: topics,
          groupId: `g-${tenant}`,
          ch,
          redis,
          store: createLocalStore(tempDir("pulse-arch-")),
          logger: silentLogger,
          registry: createMetricsRegistry("w", { defaults: false }),
          catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
          maxChunk: 300,
          partitionsConcurrently: 2,
          sessionTimeoutMs: 6000,
          fcr: { windowMs: 7 * 86_400_000 },
        });
      const events = makeEvents(6000, { seed: 11, idPrefix: tenant });
      const messages = events.map((e) => wire(tenant, e));
      const a = make();
      await a.start();
      await produce(kafka, topics.feedback, messages.slice(0, 2000));
      // A second member joins: partitions move between two consumers while events flow.
      const b = make();
      await b.start();
      await produce(kafka, topics.feedback, messages.slice(2000, 3000));
      await broker.stop();
      await new Promise((r) => setTimeout(r, 2000));
      await broker.restart();
      await produce(kafka, topics.feedback, messages.slice(3000, 4500));
      await a.stop(); // the first member leaves: its partitions go to b
      await produce(kafka, topics.feedback, messages.slice(4500));
      await waitFor("all events", () => countEvents(ch, tenant), (n) => n >= events.length, 180_000);
      await new Promise((r) => setTimeout(r, 2000));
      await b.stop();
      expect(await countEvents(ch, tenant)).toBe(events.length);
      const reader = createReader(ch);
      const rollups = await rollupTotals((sql, p) => reader.query(sql, p), tenant);
      for (const [table, got] of Object.entries(rollups)) expect(got, table).toEqual(totals(events));
      redis.disconnect();
      await ch.close();
    } finally {
      await broker.stop();
    }
  }, 600_000);
});
