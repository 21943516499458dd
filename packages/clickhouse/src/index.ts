export { clickhouseConfigFromEnv, openClickHouse, type ClickHouse, type ClickHouseConfig, type ClickHouseEnv } from "./client";
export { createWriter, classifyClickHouseError, type Writer, type InsertOptions } from "./writer";
export { createReader, type Reader } from "./reader";
export { migrate, loadMigrations, splitStatements, type Migration, type MigrateResult } from "./migrate";
export { registerEngineMetrics, ENGINE_EVENTS } from "./engine-metrics";
