import { clickhouseConfigFromEnv, migrate, openClickHouse } from "@pulse/clickhouse";
import { createKafka, topicNames } from "@pulse/kafka";
import { createOpsServer } from "@pulse/http";
import type { Logger, Registry } from "@pulse/kit";
import { createQueueFactory, createRedis, QUEUE_NAMES } from "@pulse/redis";
import { createLocalStore, createS3Store, type ObjectStore } from "@pulse/storage";
import { createWorker } from "./app";
import { createCatalogues, EMPTY_CATALOGUE, readCatalogueFile } from "./catalogues";
import type { WorkerConfig } from "./config";
import { createReplayProcessor } from "./replay.job";

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

/**
 * Opens every connection the worker role needs, starts consuming and serves /metrics.
 * Used by the worker's own main.ts and by standalone mode (all roles in one process).
 */
export async function startWorkerProcess(config: WorkerConfig, deps: { logger: Logger; registry: Registry; http?: boolean }) {
  const { logger, registry } = deps;
  const ch = await openClickHouse(clickhouseConfigFromEnv(config));
  await migrate(ch, config.MIGRATIONS_DIR);
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (e) => logger.debug({ err: e }, "redis error"));
  const catalogues = createCatalogues(redis, config.CATALOGUE_FILE ? readCatalogueFile(config.CATALOGUE_FILE) : EMPTY_CATALOGUE, logger);
  await catalogues.start();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-worker`, logger });
  const worker = createWorker({
    kafka,
    topics: topicNames(config.KAFKA_TOPIC_PREFIX),
    groupId: config.WORKER_GROUP_ID,
    ch,
    redis,
    store: storeFromConfig(config),
    logger,
    registry,
    catalogues,
    maxChunk: config.WORKER_MAX_CHUNK,
    partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: config.WORKER_SESSION_TIMEOUT_MS,
    dedupWindowDays: config.WORKER_DEDUP_WINDOW_DAYS,
    stallAfterMs: config.WORKER_STALL_SECONDS * 1000,
    retry: { minMs: 500, maxMs: config.WORKER_RETRY_MAX_SECONDS * 1000 },
    archiveMaxPendingBytes: config.ARCHIVE_MAX_PENDING_MB * 1024 * 1024,
    fcr: {
      windowMs: config.FCR_WINDOW_DAYS * 86_400_000,
      graceMs: config.FCR_GRACE_MINUTES * 60_000,
      sweepIntervalMs: config.FCR_SWEEP_INTERVAL_SECONDS * 1000,
    },
  });
  await worker.start();
  // Replays run where the ClickHouse connection lives: `pulse replay` enqueues, a worker takes it.
  const store = storeFromConfig(config);
  const queues = createQueueFactory({ redis: { url: config.REDIS_URL } });
  const replayWorker = queues.worker(QUEUE_NAMES.replay, createReplayProcessor({ ch, store, enrichment: worker.enrichment, logger }));
  replayWorker.on("error", (e) => logger.warn({ err: e }, "replay queue error"));
  const http = deps.http === false ? null : createOpsServer({ logger, metrics: registry, ready: () => Promise.resolve({ ok: worker.running }) });
  if (http) await http.listen({ host: config.WORKER_HOST, port: config.WORKER_METRICS_PORT });
  return {
    worker,
    ch,
    redis,
    http,
    async stop() {
      await replayWorker.close();
      await worker.stop();
      catalogues.stop();
      await http?.close();
      redis.disconnect();
      await ch.close();
    },
  };
}
