import type { FastifyInstance } from "fastify";
import { createHttpServer, type OpsAddress } from "@pulse/http";
import type { PulseProducer, Topics } from "@pulse/kafka";
import type { Logger, Registry } from "@pulse/kit";
import { createKeyring, watchApiKeyFile, type ApiKeyEntry, type Keyring } from "./api-keys";
import type { DedupStore } from "./dedup-store";
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
  maxInFlight?: number;
  /** Share Kafka sends between concurrent requests (default true). */
  coalesce?: boolean;
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
    coalesce: c.PRODUCE_COALESCE,
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

export { loadCollectorConfig, type CollectorConfig } from "./config";
export { hashApiKey, type ApiKeyEntry, type Principal } from "./api-keys";
export { createRedisDedupStore, type DedupStore } from "./dedup-store";
export type { CollectorMessage } from "./message";
export type { IngestAnswer, EventResult } from "./answer";
