// Entry point: parse config, then start the runner the one way standalone mode starts it too.
import { configOrExit } from "@pulse/config";
import { createLogger, createShutdown, startOrExit } from "@pulse/kit";
import { startJobs } from "./app";
import { loadJobsConfig } from "./config";

const config = configOrExit("jobs", () => loadJobsConfig(process.env));
const logger = createLogger("jobs", config.LOG_LEVEL);
const shutdown = createShutdown(logger);
shutdown.exitOnSignals();
await startOrExit(shutdown, logger, () => startJobs(config, { logger, shutdown }));
