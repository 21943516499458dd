import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";

export interface ClickHouseConfig {
  /** A ClickHouse server (http/https). When absent, embedded chDB at `path` is used. */
  url?: string | undefined;
  /** Data directory of the embedded engine. */
  path: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
}

export interface ClickHouse {
  readonly client: ClickHouseClient;
  readonly mode: "embedded" | "server";
  readonly database: string;
  close(): Promise<void>;
}

/**
 * Opens ClickHouse: a server when a URL is configured, otherwise embedded chDB through
 * @clickhouse/client's `connection` hook. Everything above this function uses the same client
 * API and the same SQL either way; nothing else in the code knows which one is in use.
 *
 * chDB binds one data directory per process and its connection ignores the client's
 * `database` option, so the embedded session switches with `USE` (the session keeps it).
 */
export async function openClickHouse(config: ClickHouseConfig): Promise<ClickHouse> {
  assertIdentifier(config.database);
  if (config.url) {
    const admin = createClient({ url: config.url, username: config.username ?? "default", password: config.password ?? "" });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
    } finally {
      await admin.close();
    }
    const client = createClient({
      url: config.url,
      username: config.username ?? "default",
      password: config.password ?? "",
      database: config.database,
      request_timeout: 60_000,
      clickhouse_settings: { date_time_input_format: "best_effort" },
    });
    return { client, mode: "server", database: config.database, close: () => client.close() };
  }
  const path = resolve(config.path);
  mkdirSync(path, { recursive: true });
  // chdb types its connection against its own copy of @clickhouse/client-common; the runtime
  // contract is the same one, the declared types differ only by package instance.
  const connection = createChdbConnection({ path }) as unknown as NonNullable<Parameters<typeof createClient>[0]>["connection"];
  const client = createClient({ connection });
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
  await client.command({ query: `USE ${config.database}` });
  return { client, mode: "embedded", database: config.database, close: () => client.close() };
}

export function assertIdentifier(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain ClickHouse identifier: ${name}`);
}

/** The environment fields of @pulse/config's `clickhouseEnv`, as every service parses them. */
export interface ClickHouseEnv {
  CLICKHOUSE_URL?: string | undefined;
  CLICKHOUSE_PATH: string;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_USER?: string | undefined;
  CLICKHOUSE_PASSWORD?: string | undefined;
}

export function clickhouseConfigFromEnv(c: ClickHouseEnv): ClickHouseConfig {
  return { url: c.CLICKHOUSE_URL, path: c.CLICKHOUSE_PATH, database: c.CLICKHOUSE_DATABASE, username: c.CLICKHOUSE_USER, password: c.CLICKHOUSE_PASSWORD };
}
