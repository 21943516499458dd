import { configOrExit, loadConfig } from "@pulse/config";
import { createLogger, createMetricsRegistry } from "@pulse/kit";
import { startWorkerProcess } from "./process";
import { WorkerEnv } from "./config";

// Entry point: parse the environment once, then wire. Everything else lives in process.ts / app.ts.
const config = configOrExit("worker", () => loadConfig(WorkerEnv, process.env));
const logger = createLogger("worker", config.LOG_LEVEL);
const registry = createMetricsRegistry("worker");
const running = await startWorkerProcess(config, { logger, registry });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void running.stop().then(() => process.exit(0));
  });
}
