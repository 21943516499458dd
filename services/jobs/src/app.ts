/**
 * The jobs runner: BullMQ workers for the queues implemented here (today: import) plus a small
 * HTTP server with /healthz, /readyz and /metrics. `createJobsApp` receives its clients (the
 * import's Kafka producer and S3 resolver, the BullMQ queue factory); `startJobs` builds them from
 * the config and is the one way to start the runner (main.ts and standalone `pulse start`).
 */
import type { FastifyInstance } from "fastify";
import { createOpsServer } from "@pulse/http";
import { createMetricsRegistry, type Logger, type Registry, type Shutdown } from "@pulse/kit";
import { createQueueFactory, QUEUE_NAMES, type QueueFactory } from "@pulse/redis";
import type { JobsConfig } from "./config";
import type { ImportJobData, ImportResult } from "./import/import.job";
import { createImportMetrics } from "./import/import.metrics";
import { createImportProcessor } from "./import/import.processor";
import { importDepsFromConfig } from "./import/import.runner";
import type { ImportDeps } from "./import/run-import";
import { startRetentionFromConfig } from "./retention/retention.config";
import { startCaseSla } from "./cases/sla.runner";
import { roleStore, type Store } from "@pulse/store";

export interface JobsApp {
  readonly http: FastifyInstance;
  readonly metrics: Registry;
  /** Starts the workers and the HTTP server; resolves with the bound address. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface JobsDeps {
  config: JobsConfig;
  logger: Logger;
  metrics: Registry;
  /** The import's clients: Kafka producer, input resolver (S3 or local files), topic and limits. */
  importDeps: ImportDeps;
  queues: QueueFactory;
  /** The durable store of the cases (absent: no SLA timers run here). */
  caseStore?: Store | undefined;
}

export async function createJobsApp(d: JobsDeps): Promise<JobsApp> {
  const { config, logger, metrics, importDeps: deps, queues } = d;
  let worker: ReturnType<typeof queues.worker<ImportJobData, ImportResult>> | null = null;
  let retention: { close(): Promise<void> } | null = null;
  let caseSla: { close(): Promise<void> } | null = null;
  // The jobs runner has no public API: its only listener is the ops one (loopback by default).
  const http = createOpsServer({
    logger,
    metrics,
    ready: () => {
      const running = worker?.isRunning() ?? false;
      return Promise.resolve({ ok: running, detail: { workers: { [QUEUE_NAMES.import]: running ? "running" : "stopped" } } });
    },
  });
  await http.ready();
  return {
    http,
    metrics,
    async start() {
      worker = queues.worker<ImportJobData, ImportResult>(QUEUE_NAMES.import, createImportProcessor(deps), {
        concurrency: config.IMPORT_CONCURRENCY,
        // Long imports: the lock is renewed while the processor runs; a crashed runner's job is
        // picked up again after it expires (safe: ids are deterministic).
        lockDuration: 60_000,
      });
      worker.on("error", (err) => logger.error({ err }, "import worker error"));
      await worker.waitUntilReady();
      retention = await startRetentionFromConfig(config, queues, logger.child({ queue: "pulse-retention" }));
      if (d.caseStore)
        caseSla = await startCaseSla({
          store: d.caseStore,
          queues,
          redisUrl: config.REDIS_URL,
          redisKeyPrefix: config.REDIS_KEY_PREFIX,
          catalogueFile: config.CATALOGUE_FILE,
          webhookSecret: config.CASE_WEBHOOK_SECRET,
          logger: logger.child({ queue: QUEUE_NAMES.followUps }),
          metrics,
        });
      const address = await http.listen({ host: config.JOBS_HOST, port: config.JOBS_PORT });
      logger.info({ address, queues: [QUEUE_NAMES.import], concurrency: config.IMPORT_CONCURRENCY }, "jobs runner started");
      return address;
    },
    async stop() {
      // Let a running import finish its current batch, then close; BullMQ hands unfinished jobs on.
      await worker?.close();
      await retention?.close();
      await caseSla?.close();
      await http.close();
    },
  };
}

/**
 * Starts the jobs runner: builds its clients from the config, registering each with
 * `deps.shutdown` as soon as it exists, then starts the workers and the HTTP server.
 */
export async function startJobs(config: JobsConfig, deps: { logger: Logger; shutdown: Shutdown; metrics?: Registry; caseStore?: Store }): Promise<{ app: JobsApp; url: string }> {
  const { logger, shutdown } = deps;
  // SLA timers need the cases' store: standalone's shared one, or a Postgres server (DATABASE_URL).
  const caseStore = await roleStore(config, { role: "jobs", shared: deps.caseStore, shutdown });
  const metrics = deps.metrics ?? createMetricsRegistry("jobs");
  const { deps: importDeps, producer } = importDepsFromConfig(config, { logger: logger.child({ queue: QUEUE_NAMES.import }), metrics: createImportMetrics(metrics) });
  shutdown.add({ name: "jobs kafka producer", run: () => producer.disconnect(), deadlineMs: 5_000 });
  const queues = createQueueFactory({ redis: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
  const app = await createJobsApp({ config, logger, metrics, importDeps, queues, caseStore });
  // A running import finishes its current batch; BullMQ hands unfinished jobs on.
  shutdown.add({ name: "jobs workers", run: () => app.stop(), deadlineMs: 15_000 });
  const url = await app.start();
  return { app, url };
}
