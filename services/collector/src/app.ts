import type { FastifyInstance } from "fastify";
import { createHttpServer, type OpsAddress } from "@pulse/http";
import { createKafka, createProducer, kafkaReachable, topicNames, type PulseProducer, type Topics } from "@pulse/kafka";
import { createMetricsRegistry, type Logger, type Registry, type Shutdown } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createKeyring, watchApiKeyFile, type ApiKeyEntry, type Keyring } from "./api-keys";
import { createRedisDedupStore, type DedupStore } from "./dedup-store";
import { createIngestPipeline } from "./ingest-pipeline";
import { createCollectorMetrics } from "./metrics";
import { documentIngestRoutes } from "./openapi";
import { createProduceBatcher } from "./produce-batcher";
import { createRateLimiter } from "./rate-limit";
import { ingestRoutes } from "./routes/ingest.routes";
import { WEBHOOK_ADAPTERS } from "./webhooks";
import type { CollectorConfig } from "./config";

export interface CollectorLimits {
  maxBodyBytes: number;
  maxEvents: number;
  maxDepth: number;
  rateLimit: { eventsPerSecond: number; burst: number };
  /** Longest wait for Kafka's acknowledgement before answering 503. */
  produceTimeoutMs: number;
  /** How long an idle batcher waits for concurrent requests to share a send. */
  lingerMs: number;
  maxSendBytes: number;
  /** Sends in flight at once; at most the producer's `concurrency` is useful. */
  maxInFlight?: number;
  /** Share Kafka sends between concurrent requests (default true; false only in the bench, for comparison). */
  coalesce?: boolean;
  /** The earliest occurredAt accepted (default: the contract's, 2000-01-01T00:00:00Z). */
  minOccurredAt?: Date;
}

/** The limits a parsed configuration sets (shared by main.ts and standalone mode). */
export function collectorLimits(c: CollectorConfig): CollectorLimits {
  return {
    maxBodyBytes: c.MAX_BODY_BYTES,
    maxEvents: c.MAX_EVENTS,
    maxDepth: c.MAX_JSON_DEPTH,
    rateLimit: { eventsPerSecond: c.RATE_LIMIT_EVENTS_PER_SECOND, burst: c.RATE_LIMIT_BURST },
    produceTimeoutMs: c.PRODUCE_TIMEOUT_MS,
    lingerMs: c.PRODUCE_LINGER_MS,
    maxSendBytes: c.PRODUCE_MAX_SEND_BYTES,
    maxInFlight: c.PRODUCE_CONCURRENCY,
    minOccurredAt: c.PULSE_MIN_OCCURRED_AT,
  };
}

export interface CollectorDeps {
  producer: Pick<PulseProducer, "send">;
  topics: Topics;
  dedup: DedupStore;
  keys: readonly ApiKeyEntry[] | Keyring;
  /** PULSE_API_KEYS_FILE: re-read on change and on SIGHUP (key rotation without restart). */
  keysFile?: string | undefined;
  /** Where /metrics, /healthz and /readyz listen (default host 127.0.0.1); absent: inject() only. */
  ops?: OpsAddress | undefined;
  logger: Logger;
  metrics: Registry;
  limits: CollectorLimits;
  now?: () => Date;
  /** /readyz: Kafka reachable. */
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
}

/**
 * The collector's HTTP app (ready, not listening). Everything it talks to arrives in `deps`, so
 * tests build it against the real broker and Redis, or with fakes for pure checks.
 */
export async function createCollectorApp(deps: CollectorDeps): Promise<FastifyInstance> {
  const metrics = createCollectorMetrics(deps.metrics);
  const { limits } = deps;
  const batcher = createProduceBatcher({
    producer: deps.producer,
    topic: deps.topics.feedback,
    lingerMs: limits.lingerMs,
    maxSendBytes: limits.maxSendBytes,
    ...(limits.maxInFlight === undefined ? {} : { maxInFlight: limits.maxInFlight }),
    ...(limits.coalesce === undefined ? {} : { coalesce: limits.coalesce }),
    onSend: (info) => {
      metrics.produceSeconds.observe({ result: info.ok ? "ok" : "error" }, info.seconds);
      metrics.produceBatchMessages.observe(info.messages);
    },
  });
  const ingest = createIngestPipeline({
    batcher,
    dedup: deps.dedup,
    rateLimiter: createRateLimiter(limits.rateLimit),
    metrics,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    produceTimeoutMs: limits.produceTimeoutMs,
    ...(limits.minOccurredAt === undefined ? {} : { minOccurredAt: limits.minOccurredAt }),
  });
  const keyring =
    "authenticate" in deps.keys ? deps.keys : deps.keysFile !== undefined ? watchApiKeyFile(deps.keysFile, deps.keys, deps.logger) : createKeyring(deps.keys);

  const app = await createHttpServer({
    name: "Pulse collector",
    description: "Ingestion of customer-feedback events: validated with the shared contract, produced to Kafka.",
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: limits.maxBodyBytes,
    ...(deps.ready ? { ready: deps.ready } : {}),
    // Every route needs a write key unless it says otherwise (health, /docs).
    auth: { authenticator: keyring.tokens, defaultKind: "write" },
    ...(deps.ops ? { ops: deps.ops } : {}),
  });
  await app.register(
    ingestRoutes({
      keyring,
      ingest,
      metrics,
      limits: { maxBodyBytes: limits.maxBodyBytes, maxEvents: limits.maxEvents, maxDepth: limits.maxDepth },
      webhooks: WEBHOOK_ADAPTERS,
    }),
  );
  // Requests in flight are answered before the server goes away.
  app.addHook("onClose", async () => {
    await batcher.drain();
    keyring.close();
  });
  await app.ready();
  documentIngestRoutes((app as unknown as { swagger(): Parameters<typeof documentIngestRoutes>[0] }).swagger(), WEBHOOK_ADAPTERS);
  return app;
}

export interface StartCollectorDeps {
  logger: Logger;
  shutdown: Shutdown;
  metrics?: Registry;
}

/**
 * Starts the collector: the one way, used by main.ts and by standalone `pulse start`. Every client
 * is registered with `deps.shutdown` as soon as it exists (a failed start stops what it opened).
 */
export async function startCollector(config: CollectorConfig, deps: StartCollectorDeps): Promise<{ app: FastifyInstance; url: string }> {
  const { logger, shutdown } = deps;
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  // Requests to the broker time out (10 s), and the producer gives a send up (disconnecting the producer
  // that sent it) before an answer's own limit (PRODUCE_TIMEOUT_MS, 15 s), so a 503 normally means the
  // producer gave up, not that a late acknowledgement may still follow.
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger, requestTimeoutMs: 10_000 });
  const producer = createProducer(kafka, { instances: config.PRODUCE_CONCURRENCY, sendTimeoutMs: Math.max(1_000, Math.min(10_000, config.PRODUCE_TIMEOUT_MS - 1_000)) });
  shutdown.add({ name: "collector kafka producer", run: () => producer.disconnect(), deadlineMs: 5_000 });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (e: Error) => logger.debug({ err: e.message }, "redis connection error"));
  shutdown.add({ name: "collector redis", run: () => redis.disconnect(), deadlineMs: 2_000 });
  const app = await createCollectorApp({
    producer,
    topics,
    dedup: createRedisDedupStore(redis, { windowSeconds: config.IDEMPOTENCY_WINDOW_HOURS * 3600 }),
    keys: config.apiKeys,
    keysFile: config.PULSE_API_KEYS_FILE,
    ops: { host: config.METRICS_HOST, port: config.METRICS_PORT },
    logger,
    metrics: deps.metrics ?? createMetricsRegistry("collector"),
    limits: collectorLimits(config),
    ready: async () => ({ ok: await kafkaReachable(kafka, topics.feedback), detail: { kafka: config.KAFKA_BROKERS } }),
  });
  // Closing answers the requests in flight (the batcher drains) before the producer goes.
  shutdown.add({ name: "collector http", run: () => app.close(), deadlineMs: 10_000 });
  // Connect eagerly so the first request does not pay for it; a broker that is down now is retried per request.
  producer.connect().catch((e: unknown) => logger.warn({ err: (e as Error).message }, "Kafka not reachable at start-up; will retry per request"));
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url, keys: config.apiKeys.length, topic: topics.feedback }, "collector listening");
  return { app, url };
}

export { loadCollectorConfig, type CollectorConfig } from "./config";
export { hashApiKey, type ApiKeyEntry, type Principal } from "./api-keys";
export { createRedisDedupStore, type DedupStore } from "./dedup-store";
export type { IngestAnswer, EventResult } from "./answer";
