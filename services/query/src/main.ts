/** Entry point: parse config, open the adapters, start the app. No logic lives here. */
import { configOrExit } from "@pulse/config";
import { clickhouseConfigFromEnv, createReader, migrate, openClickHouse } from "@pulse/clickhouse";
import { createLogger, createMetricsRegistry } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createQueryApp } from "./app";
import { targetsFromFile } from "./catalogue";
import { loadQueryConfig, streamLimitsOf } from "./config";

const config = configOrExit("query", () => loadQueryConfig(process.env));
const logger = createLogger("query", config.LOG_LEVEL);
const ch = await openClickHouse(clickhouseConfigFromEnv(config));
if (config.QUERY_MIGRATIONS_DIR) await migrate(ch, config.QUERY_MIGRATIONS_DIR);
const redis = config.QUERY_CACHE ? createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }) : undefined;
redis?.on("error", (e: Error) => logger.warn({ err: e.message }, "redis error (cache degrades to uncached)"));
const targets = targetsFromFile(config.QUERY_CATALOGUE_FILE);
const reader = createReader(ch);

const app = await createQueryApp({
  reader,
  redis,
  logger,
  metrics: createMetricsRegistry("query"),
  tokens: config.tokens,
  tokensFile: config.tokensFile,
  ops: { host: config.METRICS_HOST, port: config.METRICS_PORT },
  targets,
  cacheTtlSeconds: config.QUERY_CACHE_TTL_SECONDS,
  retentionDays: config.QUERY_RETENTION_DAYS,
  streamIntervalMs: config.QUERY_STREAM_INTERVAL_MS,
  streamLimits: streamLimitsOf(config),
  ready: async () => {
    try {
      // Ready once the rollups exist: a store without the schema cannot answer any route.
      const [t] = await reader.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'rollup_minute'");
      return (t?.n ?? 0) > 0 ? { ok: true } : { ok: false, detail: { clickhouse: "schema not migrated (rollup_minute missing)" } };
    } catch (e) {
      return { ok: false, detail: { clickhouse: (e as Error).message } };
    }
  },
});
await app.listen({ host: config.HOST, port: config.PORT });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    void app
      .close()
      .then(async () => {
        redis?.disconnect();
        await ch.close();
      })
      .finally(() => process.exit(0));
  });
}
