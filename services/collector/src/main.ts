// Entry point: read the config once, then start the service the one way standalone mode starts it too.
import { configOrExit } from "@pulse/config";
import { createLogger, createShutdown, startOrExit } from "@pulse/kit";
import { startCollector } from "./app";
import { loadCollectorConfig } from "./config";

const config = configOrExit("collector", () => loadCollectorConfig(process.env));
const logger = createLogger("collector", config.LOG_LEVEL);
const shutdown = createShutdown(logger);
shutdown.exitOnSignals();
await startOrExit(shutdown, logger, () => startCollector(config, { logger, shutdown }));
