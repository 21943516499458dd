import { createLogger } from "@pulse/kit";
import { createJobsApp } from "./app";
import { configOrExit } from "@pulse/config";
import { loadJobsConfig } from "./config";

const config = configOrExit("jobs", () => loadJobsConfig(process.env));
const logger = createLogger("jobs", config.LOG_LEVEL);
const app = await createJobsApp(config, logger);
await app.start();

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping");
  app.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "stop failed");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
