import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { clickhouseConfigFromEnv, openClickHouse } from "@pulse/clickhouse";
import { configOrExit, loadConfig } from "@pulse/config";
import { createLogger, createMetricsRegistry, createShutdown } from "@pulse/kit";
import { describeDead, stackOverridesFromEnv, startStack, stderrProgress, superviseStack } from "@pulse/local-stack";
import { hashApiKey, loadCollectorConfig, startCollector } from "@pulse/collector";
import { loadQueryConfig, startQuery } from "@pulse/query";
import { loadJobsConfig, startJobs } from "@pulse/jobs";
import { startWorker, WorkerEnv } from "@pulse/worker";
import { openStore, storeConfigFromEnv } from "@pulse/store";
import type { Args } from "../args";
import { flag } from "../args";
import { startDemoFeed } from "../demo/feed";
import type { CommandContext } from "./ops";

const DEMO_KEY = "pulse-demo-key-change-me";
const DEMO_TOKEN = "pulse-demo-read-token-change-me";

/**
 * Standalone mode: the local stack (Kafka, S3 server, Redis) plus every role in this one process
 * against embedded ClickHouse (chDB owns its data folder, so the worker and the query service
 * share one connection) and a local archive folder, and a demo stream. Each role starts through
 * the same startX function as its own main.ts. Ctrl-C stops everything within the steps'
 * deadlines; a stack server that dies stops everything loudly (exit 1).
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
  const stack = await startStack({ root: ctx.root, profile: "dev", progress: stderrProgress, ...stackOverridesFromEnv(ctx.env) });
  // The local stack's addresses, unless the environment names other servers.
  const chosen = Object.fromEntries(["KAFKA_BROKERS", "REDIS_URL"].filter((k) => ctx.env[k]).map((k) => [k, ctx.env[k]]));
  const env: NodeJS.ProcessEnv = { ...base, ...stack.env, ...chosen, S3_BUCKET: "" };
  const logLevel = env.LOG_LEVEL ?? "warn";
  const logger = createLogger("pulse", logLevel);
  // One shutdown for every role: steps run last-started first, each within its own deadline, so
  // Ctrl-C ends in bounded time even with the broker gone (no second Ctrl-C needed).
  const shutdown = createShutdown(logger);
  shutdown.add({ name: "local stack", run: () => stack.stop(), deadlineMs: 45_000 });
  let stopWatch = (): void => undefined;
  const stopped = new Promise<number>((resolveStop) => {
    shutdown.exitOnSignals({
      exit: resolveStop,
      onSignal: (signal) => {
        stopWatch();
        ctx.stderr.write(`\npulse: ${signal}, stopping…\n`);
      },
    });
    // Supervision: a server of the stack that dies takes the pipeline down with it (no event can
    // be accepted or processed without Kafka): say so loudly, stop the rest, exit 1.
    stopWatch = superviseStack(stack, (dead) => {
      if (shutdown.stopping) return;
      const what = `${describeDead(dead)} exited unexpectedly`;
      logger.error({ dead }, `${what}: stopping Pulse`);
      ctx.stderr.write(`\npulse: ERROR: ${what}; the pipeline cannot run without it. Stopping everything (logs: ${stack.layout.logDir}).\n`);
      void shutdown.stop("stack server died").then(() => resolveStop(1));
    });
  });
  try {
    const collectorPort = Number(env.COLLECTOR_PORT ?? 8080);
    const queryPort = Number(env.QUERY_PORT ?? 8082);
    const workerConfig = loadConfig(WorkerEnv, { ...env, WORKER_METRICS_PORT: env.WORKER_METRICS_PORT ?? "8081" });
    // Standalone's only choice: one embedded ClickHouse (chDB owns its data folder) shared by
    // the worker and the query service. Everything else starts exactly as each role's main.ts.
    const ch = await openClickHouse(clickhouseConfigFromEnv(workerConfig));
    shutdown.add({ name: "clickhouse", run: () => ch.close(), deadlineMs: 5_000 });
    // Likewise one durable store for the cases: embedded PGlite under the stack's state dir, unless
    // DATABASE_URL names a Postgres server.
    const storePath = env.STORE_PATH ?? join(stack.layout.stateDir, "store");
    const caseStore = await openStore(storeConfigFromEnv({ ...workerConfig, STORE_PATH: storePath }));
    shutdown.add({ name: "store", run: () => caseStore.close(), deadlineMs: 5_000 });
    await startWorker(workerConfig, { logger: logger.child({ role: "worker" }), registry: createMetricsRegistry("worker"), shutdown, ch, caseStore });
    await startCollector(loadCollectorConfig({ ...env, PORT: String(collectorPort), METRICS_PORT: env.COLLECTOR_METRICS_PORT ?? "9080" }), { logger: logger.child({ role: "collector" }), shutdown });
    const qc = loadQueryConfig({ ...env, PORT: String(queryPort), METRICS_PORT: env.QUERY_METRICS_PORT ?? "9082" });
    await startQuery(qc, { logger: logger.child({ role: "query" }), shutdown, ch, caseStore });
    await startJobs(loadJobsConfig({ ...env, JOBS_PORT: env.JOBS_PORT ?? "8083" }), { logger: logger.child({ role: "jobs" }), shutdown, caseStore });

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
    if (demo) shutdown.add({ name: "demo feed", run: () => demo.stop(), deadlineMs: 5_000 });

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
      `  store (cases)    ${workerConfig.DATABASE_URL ? "Postgres server (DATABASE_URL)" : `embedded (PGlite) in ${storePath}`}`,
      demo ? `  demo feed        ${demo.stats().datasets.length ? `real data (${demo.stats().datasets.join(", ")}) + ` : ""}generated surveys, ${env.PULSE_DEMO_RATE ?? 40} events/s` : "  demo feed        off",
      "Ctrl-C stops everything.",
      "",
    ];
    ctx.stdout.write(lines.join("\n"));
  } catch (e) {
    stopWatch();
    logger.error({ err: e }, "start failed");
    await shutdown.stop("start failed");
    throw e;
  }

  const code = await stopped;
  ctx.stderr.write(code === 0 ? "pulse: stopped\n" : "pulse: stopped, with errors (see above)\n");
  return code;
}
