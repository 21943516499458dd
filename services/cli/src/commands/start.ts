import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createReader } from "@pulse/clickhouse";
import { configOrExit, loadConfig } from "@pulse/config";
import { createKafka, createProducer, kafkaReachable, topicNames } from "@pulse/kafka";
import { createLogger, createMetricsRegistry } from "@pulse/kit";
import { startStack, stderrProgress } from "@pulse/local-stack";
import { createRedis } from "@pulse/redis";
import { collectorLimits, createCollectorApp, createRedisDedupStore, hashApiKey, loadCollectorConfig } from "@pulse/collector";
import { createQueryApp, loadQueryConfig, targetsFromFile } from "@pulse/query";
import { createJobsApp, loadJobsConfig } from "@pulse/jobs";
import { startWorkerProcess, WorkerEnv } from "@pulse/worker";
import type { Args } from "../args";
import { flag } from "../args";
import { startDemoFeed } from "../demo/feed";
import type { CommandContext } from "./ops";

const DEMO_KEY = "pulse-demo-key-change-me";
const DEMO_TOKEN = "pulse-demo-read-token-change-me";

/**
 * Standalone mode: the local stack (Kafka, S3 server, Redis) plus every role in this one process
 * against embedded ClickHouse (chDB owns its data folder, so the worker and the query service
 * share one connection) and a local archive folder, and a demo stream. Ctrl-C stops everything.
 */
export async function startCommand(ctx: CommandContext, args: Args): Promise<number> {
  const started = Date.now();
  const base: NodeJS.ProcessEnv = {
    ...ctx.env,
    // Standalone keeps its archive in a folder; the S3 server is there for imports (s3://pulse/...).
    S3_BUCKET: "",
    CLICKHOUSE_PATH: ctx.env.CLICKHOUSE_PATH ?? resolve(ctx.root, "data/clickhouse"),
    ARCHIVE_DIR: ctx.env.ARCHIVE_DIR ?? resolve(ctx.root, "data/archive"),
    MIGRATIONS_DIR: resolve(ctx.root, "infra/clickhouse"),
    CATALOGUE_FILE: ctx.env.CATALOGUE_FILE ?? resolve(ctx.root, "infra/docker/catalogue.json"),
    PULSE_API_KEYS: ctx.env.PULSE_API_KEYS ?? (ctx.env.PULSE_API_KEYS_FILE ? undefined : `${hashApiKey(DEMO_KEY)}:demo:demo-feed`),
    QUERY_TOKENS: ctx.env.QUERY_TOKENS ?? (ctx.env.QUERY_TOKENS_FILE ? undefined : `${DEMO_TOKEN}=demo`),
  };
  // A wrong setting stops start-up here, with one line naming the variable, before anything runs.
  configOrExit("start", () => {
    loadConfig(WorkerEnv, base);
    loadCollectorConfig(base);
    loadQueryConfig(base);
    loadJobsConfig(base);
  });
  const stack = await startStack({ root: ctx.root, profile: "dev", progress: stderrProgress });
  // The local stack's addresses, unless the environment names other servers.
  const chosen = Object.fromEntries(["KAFKA_BROKERS", "REDIS_URL"].filter((k) => ctx.env[k]).map((k) => [k, ctx.env[k]]));
  const env: NodeJS.ProcessEnv = { ...base, ...stack.env, ...chosen, S3_BUCKET: "" };
  const logLevel = env.LOG_LEVEL ?? "warn";
  const logger = createLogger("pulse", logLevel);
  const stops: (() => Promise<void>)[] = [async () => stack.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => logger.warn({ err: e }, "stop failed"));
  };
  try {
    const collectorPort = Number(env.COLLECTOR_PORT ?? 8080);
    const queryPort = Number(env.QUERY_PORT ?? 8082);
    const workerConfig = loadConfig(WorkerEnv, { ...env, WORKER_METRICS_PORT: env.WORKER_METRICS_PORT ?? "8081" });
    const worker = await startWorkerProcess(workerConfig, { logger: logger.child({ role: "worker" }), registry: createMetricsRegistry("worker") });
    stops.push(() => worker.stop());

    const cc = loadCollectorConfig({ ...env, PORT: String(collectorPort) });
    const kafka = createKafka({ brokers: cc.KAFKA_BROKERS, clientId: "pulse-collector", logger });
    const topics = topicNames(cc.KAFKA_TOPIC_PREFIX);
    const producer = createProducer(kafka);
    const redis = createRedis({ url: cc.REDIS_URL, keyPrefix: cc.REDIS_KEY_PREFIX });
    redis.on("error", () => undefined);
    const collector = await createCollectorApp({
      producer,
      topics,
      dedup: createRedisDedupStore(redis, { windowSeconds: cc.IDEMPOTENCY_WINDOW_HOURS * 3600 }),
      keys: cc.apiKeys,
      logger: logger.child({ role: "collector" }),
      metrics: createMetricsRegistry("collector"),
      limits: collectorLimits(cc),
      // In one process the two ops listeners need distinct ports: METRICS_PORT is not shared.
      ops: { host: cc.METRICS_HOST, port: Number(env.COLLECTOR_METRICS_PORT ?? 9080) },
      ready: async () => ({ ok: await kafkaReachable(kafka, topics.feedback) }),
    });
    await collector.listen({ host: cc.HOST, port: collectorPort });
    stops.push(async () => {
      await collector.close();
      await producer.disconnect();
      redis.disconnect();
    });

    const qc = loadQueryConfig({ ...env, PORT: String(queryPort), QUERY_CATALOGUE_FILE: env.QUERY_CATALOGUE_FILE ?? env.CATALOGUE_FILE });
    const queryRedis = createRedis({ url: qc.REDIS_URL, keyPrefix: qc.REDIS_KEY_PREFIX });
    queryRedis.on("error", () => undefined);
    const query = await createQueryApp({
      reader: createReader(worker.ch),
      redis: qc.QUERY_CACHE ? queryRedis : undefined,
      logger: logger.child({ role: "query" }),
      metrics: createMetricsRegistry("query"),
      tokens: qc.tokens,
      tokensFile: qc.tokensFile,
      ops: { host: qc.METRICS_HOST, port: Number(env.QUERY_METRICS_PORT ?? 9082) },
      targets: targetsFromFile(qc.QUERY_CATALOGUE_FILE),
      cacheTtlSeconds: qc.QUERY_CACHE_TTL_SECONDS,
      retentionDays: qc.QUERY_RETENTION_DAYS,
      streamIntervalMs: qc.QUERY_STREAM_INTERVAL_MS,
    });
    await query.listen({ host: qc.HOST, port: queryPort });
    stops.push(async () => {
      await query.close();
      queryRedis.disconnect();
    });

    const jobs = await createJobsApp(loadJobsConfig({ ...env, JOBS_PORT: env.JOBS_PORT ?? "8083" }), logger.child({ role: "jobs" }));
    await jobs.start();
    stops.push(() => jobs.stop());

    const dataDir = env.PULSE_DATA_DIR ?? resolve(ctx.root, "../shared/data");
    const demo = flag(args, "no-demo") || env.PULSE_DEMO === "0"
      ? null
      : await startDemoFeed({
          collectorUrl: `http://127.0.0.1:${collectorPort}`,
          apiKey: DEMO_KEY,
          dataDir: existsSync(dataDir) ? dataDir : undefined,
          eventsPerSecond: Number(env.PULSE_DEMO_RATE ?? 40),
          logger,
        });
    if (demo) stops.push(() => Promise.resolve(demo.stop()));

    const lines = [
      "",
      `Pulse is running (standalone) — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  dashboard        http://localhost:${queryPort}/?token=${ctx.env.QUERY_TOKENS ? "<your read token>" : DEMO_TOKEN}`,
      `  query API        http://localhost:${queryPort}/v1/scores?window=1h&groupBy=touchpoint   (docs: /docs)`,
      `  collector        http://localhost:${collectorPort}/v1/events   (docs: /docs)   demo API key: ${ctx.env.PULSE_API_KEYS ? "(yours)" : DEMO_KEY}`,
      `  worker metrics   http://localhost:${workerConfig.WORKER_METRICS_PORT}/metrics`,
      `  jobs metrics     http://localhost:${env.JOBS_PORT ?? 8083}/metrics`,
      `  kafka            ${env.KAFKA_BROKERS ?? ""}`,
      `  s3 server        ${stack.env.S3_ENDPOINT} (bucket ${stack.env.S3_BUCKET})`,
      `  redis            ${env.REDIS_URL ?? ""}`,
      `  clickhouse       embedded (chDB) in ${workerConfig.CLICKHOUSE_PATH}`,
      `  archive          ${workerConfig.ARCHIVE_DIR}`,
      demo ? `  demo feed        ${demo.stats().datasets.length ? `real data (${demo.stats().datasets.join(", ")}) + ` : ""}generated surveys, ${env.PULSE_DEMO_RATE ?? 40} events/s` : "  demo feed        off",
      "Ctrl-C stops everything.",
      "",
    ];
    ctx.stdout.write(lines.join("\n"));
  } catch (e) {
    await stopAll();
    throw e;
  }

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        if (stopping) {
          ctx.stderr.write("pulse: second signal, exiting now\n");
          process.exit(130);
        }
        stopping = true;
        ctx.stderr.write(`\npulse: ${signal}, stopping…\n`);
        void stopAll().then(resolveStop);
      });
    }
  });
  ctx.stderr.write("pulse: stopped\n");
  return 0;
}
