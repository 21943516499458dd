// Entry point: parse the environment once, then start the role the one way standalone mode starts it too.
import { configOrExit, loadConfig } from "@pulse/config";
import { createLogger, createMetricsRegistry, createShutdown, startOrExit } from "@pulse/kit";
import { WorkerEnv } from "./config";
import { startWorker } from "./process";

const config = configOrExit("worker", () => loadConfig(WorkerEnv, process.env));
const logger = createLogger("worker", config.LOG_LEVEL);
const shutdown = createShutdown(logger);
shutdown.exitOnSignals();
await startOrExit(shutdown, logger, () => startWorker(config, { logger, registry: createMetricsRegistry("worker"), shutdown }));
