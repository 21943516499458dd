/** Builds a collector against the real broker and Redis of the integration stack. */
import { randomUUID } from "node:crypto";
import { createKafka, createProducer, kafkaReachable, topicNames, type Kafka, type PulseProducer } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createRedis, redisReady, type Redis } from "@pulse/redis";
import type { FastifyInstance } from "fastify";
import { createCollectorApp, type CollectorLimits } from "../app";
import { hashApiKey } from "../api-keys";
import { createRedisDedupStore } from "../dedup-store";

export const IT_LIMITS: CollectorLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxEvents: 10_000,
  maxDepth: 32,
  rateLimit: { eventsPerSecond: 100_000, burst: 100_000 },
  produceTimeoutMs: 20_000,
  lingerMs: 2,
  maxSendBytes: 900 * 1024,
};

export interface Tenant {
  tenant: string;
  source: string;
  key: string;
  auth: string;
}

/** A fresh tenant with its own key, so tests never see each other's events or duplicates. */
export function newTenant(label = "t"): Tenant {
  const id = randomUUID().slice(0, 8);
  const key = `key-${randomUUID()}`;
  return { tenant: `it-${label}-${id}`, source: `src-${label}-${id}`, key, auth: `Bearer ${key}` };
}

export interface ItCollector {
  app: FastifyInstance;
  kafka: Kafka;
  producer: PulseProducer;
  redis: Redis;
  metrics: Registry;
  close(): Promise<void>;
}

export async function startItCollector(opts: {
  brokers: string[];
  redisUrl: string;
  tenants: Tenant[];
  limits?: Partial<CollectorLimits>;
  kafka?: { retries?: number; connectionTimeoutMs?: number; requestTimeoutMs?: number };
}): Promise<ItCollector> {
  const kafka = createKafka({ brokers: opts.brokers, clientId: "collector-it", logger: silentLogger, ...opts.kafka });
  const producer = createProducer(kafka);
  const redis = createRedis({ url: opts.redisUrl, keyPrefix: "pulse-it:" });
  redis.on("error", () => undefined);
  if (!opts.redisUrl.includes("127.0.0.1:1/")) await redisReady(redis);
  const metrics = createMetricsRegistry("collector-it", { defaults: false });
  const topics = topicNames();
  const app = await createCollectorApp({
    producer,
    topics,
    dedup: createRedisDedupStore(redis, { windowSeconds: 24 * 3600 }),
    keys: opts.tenants.map((t) => ({ sha256: hashApiKey(t.key), tenant: t.tenant, source: t.source })),
    logger: silentLogger,
    metrics,
    limits: { ...IT_LIMITS, ...opts.limits },
    ready: async () => ({ ok: await kafkaReachable(kafka, topics.feedback) }),
  });
  return {
    app,
    kafka,
    producer,
    redis,
    metrics,
    async close() {
      await app.close();
      await producer.disconnect().catch(() => undefined);
      redis.disconnect();
    },
  };
}
