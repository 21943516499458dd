import { hostname } from "node:os";
import type { ClickHouse } from "@pulse/clickhouse";
import { createReader, createWriter } from "@pulse/clickhouse";
import { clusterId, consumerLag, createBatchConsumer, createProducer, type Kafka, type Topics } from "@pulse/kafka";
import type { Logger, Registry } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { ObjectStore } from "@pulse/storage";
import { createArchiver } from "./archive";
import { createChunkLedger } from "./chunk-ledger";
import { createRedisChunkRanges } from "./chunk-ranges";
import { createEachBatch } from "./feedback.consumer";
import { createRedisIdClaims } from "./id-claims";
import { createWorkerMetrics } from "./metrics";
import { createEnrichment, type Catalogues } from "./enrichment";
import { DEFAULT_FCR_BIN_MS, DEFAULT_PLACEHOLDER_CUSTOMERS, placeholderSet } from "@pulse/enrichment";
import { createFcrPlanner } from "./fcr-contacts";
import { createPartitionStatus } from "./partition-status";
import type { CaseOpener } from "./cases";

export interface WorkerDeps {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  ch: ClickHouse;
  redis: Redis;
  store: ObjectStore;
  logger: Logger;
  registry: Registry;
  catalogues: Catalogues;
  maxChunk: number;
  partitionsConcurrently: number;
  sessionTimeoutMs?: number;
  dedupWindowDays?: number;
  /** The earliest occurredAt accepted (PULSE_MIN_OCCURRED_AT; default: the contract's). */
  minOccurredAt?: Date;
  /** First-contact resolution: the window W and the placeholder customer ids left out. */
  fcr: { windowMs: number; placeholders?: readonly string[] };
  /** A partition whose chunk keeps failing this long is reported stalled (default 60 s). */
  stallAfterMs?: number;
  /** Backoff between attempts at a failing chunk (default 500 ms doubling to 30 s). */
  retry?: { minMs: number; maxMs: number };
  /** Compressed archive bytes kept in memory while the store is down (default 256 MiB). */
  archiveMaxPendingBytes?: number;
  /** Follow-up cases opened from the stored events (see cases.ts; absent: none). */
  cases?: CaseOpener;
}

/**
 * The worker role: one consumer-group member. Several processes share the partitions; each chunk
 * is made durable in ClickHouse before its offset is committed (see chunks.ts for why a crash
 * anywhere neither loses nor double-counts).
 */
export function createWorker(deps: WorkerDeps) {
  const metrics = createWorkerMetrics(deps.registry);
  const reader = createReader(deps.ch);
  const writer = createWriter(deps.ch);
  const dlqProducer = createProducer(deps.kafka);
  const archiver = createArchiver(deps.store, deps.logger, deps.archiveMaxPendingBytes ? { maxPendingBytes: deps.archiveMaxPendingBytes } : {});
  const fcr = createFcrPlanner({
    reader,
    window: { windowMs: deps.fcr.windowMs, binMs: DEFAULT_FCR_BIN_MS },
    placeholders: placeholderSet(deps.fcr.placeholders ?? DEFAULT_PLACEHOLDER_CUSTOMERS),
  });
  const enrichment = createEnrichment({ redis: deps.redis, logger: deps.logger, catalogues: deps.catalogues, onDegraded: (what) => metrics.degraded.inc({ what }) });
  let commit: (partition: number, offset: string) => Promise<void> = () => Promise.reject(new Error("not started"));
  const status = createPartitionStatus(deps.redis, deps.groupId, deps.topics.feedback, `${hostname()}:${process.pid}`);
  const consumer = createBatchConsumer(deps.kafka, {
    groupId: deps.groupId,
    topics: [deps.topics.feedback],
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    ...(deps.sessionTimeoutMs ? { config: { sessionTimeout: deps.sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(deps.sessionTimeoutMs / 6)) } } : {}),
    eachBatch: createEachBatch({
      topic: deps.topics.feedback,
      reader,
      writer,
      ledger: createChunkLedger(reader, writer),
      claims: createRedisIdClaims(deps.redis),
      enrichment,
      fcr,
      ...(deps.dedupWindowDays ? { dedupWindowDays: deps.dedupWindowDays } : {}),
      ...(deps.minOccurredAt ? { wire: { minOccurredAt: deps.minOccurredAt } } : {}),
      archiver,
      ...(deps.cases ? { cases: deps.cases } : {}),
      sendDeadLetters: (messages) => dlqProducer.send(deps.topics.deadLetters, messages),
      ranges: createRedisChunkRanges(deps.redis, deps.groupId, () => clusterId(deps.kafka)),
      maxChunk: deps.maxChunk,
      logger: deps.logger,
      metrics,
      status,
      stallAfterMs: deps.stallAfterMs ?? 60_000,
      retry: deps.retry ?? { minMs: 500, maxMs: 30_000 },
      commit: (partition, offset) => commit(partition, offset),
    }),
  });
  commit = (partition, offset) => consumer.commit(deps.topics.feedback, partition, offset);

  let lagTimer: NodeJS.Timeout | null = null;
  let running = false;

  const refreshLag = async () => {
    try {
      for (const p of await consumerLag(deps.kafka, deps.groupId, deps.topics.feedback)) metrics.lag.set({ partition: String(p.partition) }, Number(p.lag));
    } catch (e) {
      deps.logger.debug({ err: e }, "lag refresh failed");
    }
  };

  return {
    metrics,
    enrichment,
    async start() {
      running = true;
      await consumer.start();
      lagTimer = setInterval(() => void refreshLag(), 10_000);
      lagTimer.unref();
      deps.logger.info({ group: deps.groupId, topic: deps.topics.feedback }, "worker consuming");
    },
    get running() {
      return running;
    },
    async stop() {
      running = false;
      if (lagTimer) clearInterval(lagTimer);
      await consumer.stop();
      await dlqProducer.disconnect().catch(() => undefined);
      await archiver.flush();
      archiver.close();
    },
  };
}

export type PulseWorker = ReturnType<typeof createWorker>;
