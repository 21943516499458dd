/** Entry point: parse config, then start the service the one way standalone mode starts it too. */
import { configOrExit } from "@pulse/config";
import { createLogger, createShutdown, startOrExit } from "@pulse/kit";
import { startQuery } from "./app";
import { loadQueryConfig } from "./config";

const config = configOrExit("query", () => loadQueryConfig(process.env));
const logger = createLogger("query", config.LOG_LEVEL);
const shutdown = createShutdown(logger);
shutdown.exitOnSignals();
await startOrExit(shutdown, logger, () => startQuery(config, { logger, shutdown }));
