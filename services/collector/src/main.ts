// Entry point: read the config once, build the adapters, start the app. No logic lives here.
import { configOrExit } from "@pulse/config";
import { createKafka, createProducer, kafkaReachable, topicNames } from "@pulse/kafka";
import { createLogger, createMetricsRegistry } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { collectorLimits, createCollectorApp } from "./app";
import { loadCollectorConfig } from "./config";
import { createRedisDedupStore } from "./dedup-store";

const config = configOrExit("collector", () => loadCollectorConfig(process.env));
const logger = createLogger("collector", config.LOG_LEVEL);
const metrics = createMetricsRegistry("collector");
const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
// Requests to the broker time out (10 s) before an answer's own limit (PRODUCE_TIMEOUT_MS, 15 s), so a 503 normally
// means the producer gave up, not that a late acknowledgement may still follow.
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger, requestTimeoutMs: 10_000 });
const producer = createProducer(kafka);
const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
redis.on("error", (e: Error) => logger.debug({ err: e.message }, "redis connection error"));

const app = await createCollectorApp({
  producer,
  topics,
  dedup: createRedisDedupStore(redis, { windowSeconds: config.IDEMPOTENCY_WINDOW_HOURS * 3600 }),
  keys: config.apiKeys,
  keysFile: config.PULSE_API_KEYS_FILE,
  ops: { host: config.METRICS_HOST, port: config.METRICS_PORT },
  logger,
  metrics,
  limits: collectorLimits(config),
  ready: async () => ({ ok: await kafkaReachable(kafka, topics.feedback), detail: { kafka: config.KAFKA_BROKERS } }),
});

// Connect eagerly so the first request does not pay for it; a broker that is down now is retried per request.
producer.connect().catch((e: unknown) => logger.warn({ err: (e as Error).message }, "Kafka not reachable at start-up; will retry per request"));
await app.listen({ host: config.HOST, port: config.PORT });
logger.info({ keys: config.apiKeys.length, topic: topics.feedback }, "collector listening");

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    void (async () => {
      await app.close();
      await producer.disconnect().catch(() => undefined);
      redis.disconnect();
      process.exit(0);
    })();
  });
}
