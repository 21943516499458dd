/**
 * The shared set-up of the end-to-end tests: the real collector, worker and query service wired on
 * the integration test stack (its Kafka and Redis) and a private embedded ClickHouse, exactly as
 * each e2e file used to wire them by hand. Stage by stage, so a test can put its own step between
 * two roles (a catalogue source before the worker, an import before the worker starts):
 *
 *   const e2e = await openE2e({ name: tenant, partitions: 3 });
 *   const worker = await e2e.startWorker({ partitionsConcurrently: 3 });
 *   const collector = await e2e.startCollector([collectorKey(KEY, tenant)]);
 *   const query = await e2e.startQuery([queryToken(TOKEN, tenant)]);
 *   await e2e.settle(tenant, events.length);
 *   afterAll(() => e2e.close());
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createReader, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import {
  createCollectorApp,
  createRedisDedupStore,
  hashApiKey,
  type CollectorDeps,
  type CollectorLimits,
} from "@pulse/collector";
import {
  consumerLag,
  createKafka,
  createProducer,
  declaredTopics,
  ensureTopics,
  topicNames,
  type Kafka,
  type PulseProducer,
  type Topics,
} from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp, type QueryAppDeps, type TokenEntry } from "@pulse/query";
import { createRedis, type Redis } from "@pulse/redis";
import { createLocalStore } from "@pulse/storage";
import {
  createCatalogues,
  createWorker,
  EMPTY_CATALOGUE,
  type PulseWorker,
  type WorkerDeps,
} from "@pulse/worker";

export const REPO_ROOT = new URL("../../../../", import.meta.url).pathname;

type ApiKeyEntry = Extract<CollectorDeps["keys"], readonly unknown[]>[number];

/** An API key of the collector for a tenant (what PULSE_API_KEYS declares). */
export function collectorKey(key: string, tenant: string, source = "e2e"): ApiKeyEntry {
  return { sha256: hashApiKey(key), tenant, source };
}

/** A read token of the query service for a tenant (what QUERY_TOKENS declares). */
export function queryToken(token: string, tenant: string): TokenEntry {
  return { sha256: Buffer.from(hashApiKey(token), "hex"), tenant };
}

/** The limits the e2e tests run the collector with: generous, so only the test's own rule bites. */
export const E2E_LIMITS: CollectorLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxEvents: 10_000,
  maxDepth: 32,
  rateLimit: { eventsPerSecond: 100_000, burst: 100_000 },
  produceTimeoutMs: 10_000,
  lingerMs: 2,
  maxSendBytes: 900 * 1024,
  coalesce: true,
};

export interface E2eOptions {
  /** Names the run: topics under `${prefix ?? name + "."}`, group `g-${name}`, temp folders. */
  name: string;
  /** Partitions of the feedback topic (the dead-letter topic gets one). */
  partitions: number;
  /** Topic prefix; default `${name}.`. */
  prefix?: string;
  /** Redis key prefix; default `e2e:${name}:`. */
  redisKeyPrefix?: string;
}

export interface E2e {
  readonly name: string;
  readonly kafka: Kafka;
  readonly topics: Topics;
  /** The worker's consumer group. */
  readonly groupId: string;
  readonly ch: ClickHouse;
  readonly redis: Redis;
  readonly producer: PulseProducer;
  /** A temp folder removed by close(). */
  tempDir(prefix: string): string;
  /** Runs on close(), before what the harness opened itself (last registered, first run). */
  defer(closer: () => Promise<unknown> | void): void;
  /** The worker on the run's topics and group; fields given replace the defaults. */
  startWorker(over?: Partial<WorkerDeps> & { start?: boolean }): Promise<PulseWorker>;
  /** The collector (inject() only) with these keys; limits given replace the E2E_LIMITS ones. */
  startCollector(
    keys: readonly ApiKeyEntry[],
    limits?: Partial<CollectorLimits>,
  ): Promise<Awaited<ReturnType<typeof createCollectorApp>>>;
  /** The query service (inject() only) over the run's ClickHouse; fields given are added. */
  startQuery(
    tokens: readonly TokenEntry[],
    over?: Partial<Omit<QueryAppDeps, "tokens">>,
  ): Promise<QueryApp>;
  /** Rows of the tenant in feedback_events. */
  storedRows(tenant: string): Promise<number>;
  /**
   * Waits until the tenant has at least `rows` rows in feedback_events and (unless `lag: false`)
   * the worker's group has no lag left, so every chunk is committed; throws with what it saw
   * when `timeoutMs` (default 60 s) passes first. Returns the row count.
   */
  settle(tenant: string, rows: number, opts?: { timeoutMs?: number; lag?: boolean }): Promise<number>;
  /** Stops every role and client, then removes the temp folders. */
  close(): Promise<void>;
}

/** Topics, a migrated private ClickHouse, Redis and a producer for one e2e test file. */
export async function openE2e(opts: E2eOptions): Promise<E2e> {
  const stack = inject("stack");
  const { name } = opts;
  const prefix = opts.prefix ?? `${name}.`;
  const dirs: string[] = [];
  const closers: (() => Promise<unknown> | void)[] = [];
  const tempDir = (p: string) => {
    const dir = mkdtempSync(join(tmpdir(), p));
    dirs.push(dir);
    return dir;
  };
  const kafka = createKafka({
    brokers: stack.KAFKA_BROKERS.split(","),
    clientId: `e2e-${name}`,
    logger: silentLogger,
  });
  const topics = topicNames(prefix);
  await ensureTopics(kafka, declaredTopics(prefix, { feedback: opts.partitions, deadLetters: 1 }));
  const ch = await openClickHouse({ path: join(tempDir("pulse-e2e-"), "ch"), database: "pulse" });
  closers.push(() => ch.close());
  await migrate(ch, join(REPO_ROOT, "infra/clickhouse"));
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: opts.redisKeyPrefix ?? `e2e:${name}:` });
  closers.push(() => redis.disconnect());
  const producer = createProducer(kafka);
  closers.push(() => producer.disconnect());
  const groupId = `g-${name}`;

  const storedRows = async (tenant: string): Promise<number> => {
    const [row] = await createReader(ch).query<{ n: number }>(
      "SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}",
      { t: tenant },
    );
    return Number(row?.n ?? 0);
  };

  return {
    name,
    kafka,
    topics,
    groupId,
    ch,
    redis,
    producer,
    tempDir,
    defer: (closer) => void closers.push(closer),
    async startWorker(over = {}) {
      const { start = true, ...deps } = over;
      const store = deps.store ?? createLocalStore(tempDir("pulse-e2e-archive-"));
      const worker = createWorker({
        kafka,
        topics,
        groupId,
        ch,
        redis,
        store,
        logger: silentLogger,
        registry: createMetricsRegistry("w", { defaults: false }),
        catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger),
        maxChunk: 1000,
        partitionsConcurrently: opts.partitions,
        fcr: { windowMs: 7 * 86_400_000 },
        ...deps,
      });
      // A test may stop the worker itself (to read a settled state): stop it here only if running.
      closers.push(() => (worker.running ? worker.stop() : undefined));
      if (start) await worker.start();
      return worker;
    },
    async startCollector(keys, limits = {}) {
      const collector = await createCollectorApp({
        producer,
        topics,
        dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
        keys,
        logger: silentLogger,
        metrics: createMetricsRegistry("c", { defaults: false }),
        limits: { ...E2E_LIMITS, ...limits },
      });
      closers.push(() => collector.close());
      return collector;
    },
    async startQuery(tokens, over = {}) {
      const query = await createQueryApp({
        reader: createReader(ch),
        logger: silentLogger,
        metrics: createMetricsRegistry("q", { defaults: false }),
        tokens,
        ...over,
      });
      closers.push(() => query.close());
      return query;
    },
    storedRows,
    async settle(tenant, rows, { timeoutMs = 60_000, lag = true } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const n = await storedRows(tenant);
        const behind = lag
          ? (await consumerLag(kafka, groupId, topics.feedback)).reduce((s, p) => s + p.lag, 0n)
          : 0n;
        if (n >= rows && behind === 0n) return n;
        if (Date.now() > deadline)
          throw new Error(
            `e2e ${name}: after ${timeoutMs} ms ${n} of ${rows} rows of ${tenant} stored, lag ${behind}`,
          );
        await new Promise((res) => setTimeout(res, 200));
      }
    },
    async close() {
      for (const c of closers.reverse()) await c();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
