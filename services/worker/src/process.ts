import { clickhouseConfigFromEnv, createReader, createWriter, migrate, openClickHouse, registerEngineMetrics, type ClickHouse } from "@pulse/clickhouse";
import { createKafka, topicNames } from "@pulse/kafka";
import { createOpsServer } from "@pulse/http";
import type { Logger, Registry, Shutdown } from "@pulse/kit";
import { createQueueFactory, createRedis, QUEUE_NAMES } from "@pulse/redis";
import { createLocalStore, createS3Store, type ObjectStore } from "@pulse/storage";
import { createWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE, readCatalogueFile } from "./catalogues";
import type { WorkerConfig } from "./config";
import { createReplayProcessor } from "./replay.job";
import { createCaseRepository, createSlaTimers, type SlaJobData } from "@pulse/cases";
import { migrateStore, roleStore, type Store } from "@pulse/store";
import { createCaseOpener } from "./cases";
import { createCaseHistoryShipper } from "./case-history";

export function storeFromConfig(c: WorkerConfig): ObjectStore {
  return c.S3_BUCKET
    ? createS3Store({
        bucket: c.S3_BUCKET,
        endpoint: c.S3_ENDPOINT,
        region: c.S3_REGION,
        accessKeyId: c.S3_ACCESS_KEY_ID,
        secretAccessKey: c.S3_SECRET_ACCESS_KEY,
        forcePathStyle: c.S3_FORCE_PATH_STYLE,
      })
    : createLocalStore(c.ARCHIVE_DIR);
}

export interface StartWorkerDeps {
  logger: Logger;
  registry: Registry;
  shutdown: Shutdown;
  /** A ClickHouse the caller owns and closes (standalone shares its one embedded engine). */
  ch?: ClickHouse;
  /** Serve /metrics, /healthz, /readyz (default true). */
  http?: boolean;
  /** The durable store the caller owns and closes (standalone shares its one embedded PGlite). */
  caseStore?: Store;
}

/**
 * Starts the worker role: the one way, used by the worker's main.ts and by standalone `pulse
 * start`. Opens every connection it needs (registering each with `deps.shutdown` as soon as it is
 * open), applies the migrations, starts consuming and serves /metrics.
 */
export async function startWorker(config: WorkerConfig, deps: StartWorkerDeps) {
  const { logger, registry, shutdown } = deps;
  let ch = deps.ch;
  if (!ch) {
    const own = await openClickHouse(clickhouseConfigFromEnv(config));
    shutdown.add({ name: "worker clickhouse", run: () => own.close(), deadlineMs: 5_000 });
    ch = own;
  }
  await migrate(ch, config.MIGRATIONS_DIR, { cluster: config.CLICKHOUSE_CLUSTER });
  registerEngineMetrics(registry, createReader(ch));
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (e) => logger.debug({ err: e }, "redis error"));
  shutdown.add({ name: "worker redis", run: () => redis.disconnect(), deadlineMs: 2_000 });
  const catalogues = createCatalogues(redis, config.CATALOGUE_FILE ? readCatalogueFile(config.CATALOGUE_FILE) : EMPTY_CATALOGUE, logger);
  await catalogues.start();
  shutdown.add({ name: "worker catalogues", run: () => catalogues.stop(), deadlineMs: 2_000 });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-worker`, logger });
  const store = storeFromConfig(config);
  const queues = createQueueFactory({ redis: { url: config.REDIS_URL } });
  let cases: ReturnType<typeof createCaseOpener> | undefined;
  // Cases need the durable store: the one standalone shares (embedded PGlite), or a Postgres
  // server (DATABASE_URL). A role started on its own cannot share an embedded store with the others.
  const caseStore = config.CASES_ENABLED ? await roleStore(config, { role: "worker", shared: deps.caseStore, shutdown }) : undefined;
  if (config.CASES_ENABLED && !caseStore) logger.warn("follow-up cases are off: set DATABASE_URL (a Postgres server) for a worker that runs on its own");
  if (caseStore) {
    await migrateStore(caseStore);
    const slaQueue = queues.queue<SlaJobData>(QUEUE_NAMES.followUps);
    shutdown.add({ name: "worker follow-up queue", run: () => slaQueue.close(), deadlineMs: 5_000 });
    cases = createCaseOpener({ repo: createCaseRepository(caseStore), reader: createReader(ch), catalogues, registry, logger, timers: createSlaTimers(slaQueue) });
    // The case history reaches ClickHouse (case_history, for analysts) within seconds of each change.
    const shipper = createCaseHistoryShipper({ store: caseStore, writer: createWriter(ch), logger });
    shipper.start();
    shutdown.add({ name: "worker case history shipper", run: () => shipper.stop(), deadlineMs: 5_000 });
  }
  const worker = createWorker({
    kafka,
    topics: topicNames(config.KAFKA_TOPIC_PREFIX),
    groupId: config.WORKER_GROUP_ID,
    ch,
    redis,
    store,
    logger,
    registry,
    catalogues,
    maxChunk: config.WORKER_MAX_CHUNK,
    partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: config.WORKER_SESSION_TIMEOUT_MS,
    dedupWindowDays: config.WORKER_DEDUP_WINDOW_DAYS,
    minOccurredAt: config.PULSE_MIN_OCCURRED_AT,
    stallAfterMs: config.WORKER_STALL_SECONDS * 1000,
    retry: { minMs: 500, maxMs: config.WORKER_RETRY_MAX_SECONDS * 1000 },
    archiveMaxPendingBytes: config.ARCHIVE_MAX_PENDING_MB * 1024 * 1024,
    fcr: { windowMs: config.FCR_WINDOW_DAYS * 86_400_000, placeholders: config.FCR_PLACEHOLDER_CUSTOMERS },
    ...(cases ? { cases } : {}),
  });
  // Registered before start: a consumer that never joined (broker gone) is still told to stop.
  // The consumer leaves its group, the DLQ producer disconnects and the archive flushes.
  shutdown.add({ name: "worker consumer", run: () => worker.stop(), deadlineMs: 20_000 });
  await worker.start();
  // Replays run where the ClickHouse connection lives: `pulse replay` enqueues, a worker takes it.
  const replayWorker = queues.worker(
    QUEUE_NAMES.replay,
    createReplayProcessor({
      ch,
      store,
      enrichment: worker.enrichment,
      logger,
      wire: { minOccurredAt: config.PULSE_MIN_OCCURRED_AT },
      fcr: { windowMs: config.FCR_WINDOW_DAYS * 86_400_000, placeholders: config.FCR_PLACEHOLDER_CUSTOMERS },
      quietMs: config.REPLAY_QUIET_SECONDS * 1000,
      cases,
    }),
  );
  replayWorker.on("error", (e) => logger.warn({ err: e }, "replay queue error"));
  shutdown.add({ name: "worker replay queue", run: () => replayWorker.close(), deadlineMs: 10_000 });
  const http = deps.http === false ? null : createOpsServer({ logger, metrics: registry, ready: () => Promise.resolve({ ok: worker.running }) });
  if (http) {
    shutdown.add({ name: "worker http", run: () => http.close(), deadlineMs: 5_000 });
    await http.listen({ host: config.WORKER_HOST, port: config.WORKER_METRICS_PORT });
  }
  return { worker, ch, redis, http };
}
