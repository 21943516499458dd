import { loadConfig } from "@pulse/config";
import { createLogger, createMetricsRegistry } from "@pulse/kit";
import { startWorkerProcess } from "./process";
import { WorkerEnv } from "./config";

// Entry point: parse the environment once, then wire. Everything else lives in process.ts / app.ts.
const config = (() => {
  try {
    return loadConfig(WorkerEnv, process.env);
  } catch (e) {
    process.stderr.write(`pulse worker: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const logger = createLogger("worker", config.LOG_LEVEL);
const registry = createMetricsRegistry("worker");
const running = await startWorkerProcess(config, { logger, registry });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void running.stop().then(() => process.exit(0));
  });
}
