import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createClient, parseError, type ClickHouseClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";

export interface ClickHouseConfig {
  /** A ClickHouse server (http/https). When absent, embedded chDB at `path` is used. */
  url?: string | undefined;
  /** Data directory of the embedded engine. */
  path: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  /**
   * Embedded only: how many chDB sessions to open on the data directory. One session runs one
   * statement at a time; sessions on the same directory run side by side, so readers and the
   * writer do not queue behind each other. (A server connection is already concurrent.)
   */
  sessions?: number | undefined;
  /**
   * Embedded only: libuv's thread-pool size in this process (UV_THREADPOOL_SIZE at start; libuv's
   * default is 4). At most `embeddedStatementLimit(threadpoolSize)` statements run at once.
   */
  threadpoolSize?: number | undefined;
}

export interface ClickHouse {
  /** The first session: migrations and one-off commands. */
  readonly client: ClickHouseClient;
  readonly mode: "embedded" | "server";
  readonly database: string;
  /** Runs `fn` on the least busy session (embedded) or the one client (server). */
  use<T>(fn: (client: ClickHouseClient) => Promise<T>): Promise<T>;
  /**
   * Embedded only: inserts a payload already in `format` on the least busy session, handing the
   * bytes to the engine without copies (chDB's raw insert), with `settings` on the statement
   * itself. Absent for a server, where the client's insert streams over HTTP.
   */
  insertRaw?(table: string, columns: readonly string[], payload: Buffer, format: "JSONCompactEachRow", settings: Record<string, string | number>): Promise<void>;
  close(): Promise<void>;
}

/**
 * How many embedded statements may be in flight at once. chDB runs each statement as a libuv
 * thread-pool job that holds its thread for the statement's whole duration; the pool is shared
 * with file writes, gzip and DNS and has 4 threads unless UV_THREADPOOL_SIZE was in the
 * environment when the process started (libuv reads it once; `./pulse` sets 16). Two threads are
 * always left over, so a raw-archive write or a gzip never waits behind inserts and selects.
 */
export function embeddedStatementLimit(threadpoolSize = 4): number {
  const threads = Number.isInteger(threadpoolSize) && threadpoolSize > 0 ? Math.min(threadpoolSize, 1024) : 4;
  return Math.max(1, threads - 2);
}

/**
 * Round the work onto whichever session has the fewest statements in flight, with at most `limit`
 * in flight in all (the rest wait their turn, first come first served).
 */
function pool<S>(sessions: S[], limit = Number.POSITIVE_INFINITY): <T>(fn: (session: S) => Promise<T>) => Promise<T> {
  const busy = sessions.map(() => 0);
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
    else inFlight++;
    try {
      return await onLeastBusy(fn);
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    }
  };
  async function onLeastBusy<T>(fn: (session: S) => Promise<T>): Promise<T> {
    let i = 0;
    for (let j = 1; j < sessions.length; j++) if ((busy[j] ?? 0) < (busy[i] ?? 0)) i = j;
    busy[i] = (busy[i] ?? 0) + 1;
    try {
      return await fn(sessions[i] as S);
    } finally {
      busy[i] = (busy[i] ?? 1) - 1;
    }
  }
}

/** The part of chDB's connection the raw insert needs (its `.chdb` extension). */
interface ChdbRaw {
  chdb: {
    rawInsert(params: { table: string; values: Buffer; format: string; columns?: readonly string[]; settings?: Record<string, string | number> }): Promise<unknown>;
  };
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
    return { client, mode: "server", database: config.database, use: (fn) => fn(client), close: () => client.close() };
  }
  const path = resolve(config.path);
  mkdirSync(path, { recursive: true });
  const sessions: { client: ClickHouseClient; raw: ChdbRaw }[] = [];
  for (let i = 0; i < Math.max(1, config.sessions ?? 1); i++) {
    const raw = createChdbConnection({ path });
    // chdb types its connection against its own copy of @clickhouse/client-common; the runtime
    // contract is the same one, the declared types differ only by package instance.
    const client = createClient({ connection: raw as unknown as NonNullable<Parameters<typeof createClient>[0]>["connection"] });
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
    await client.command({ query: `USE ${config.database}` });
    sessions.push({ client, raw: raw as unknown as ChdbRaw });
  }
  const onSession = pool(sessions, embeddedStatementLimit(config.threadpoolSize));
  return {
    client: (sessions[0] as { client: ClickHouseClient }).client,
    mode: "embedded",
    database: config.database,
    use: (fn) => onSession((s) => fn(s.client)),
    async insertRaw(table, columns, payload, format, settings) {
      assertIdentifier(table);
      columns.forEach(assertIdentifier);
      await onSession(async (s) => {
        try {
          await s.raw.chdb.rawInsert({ table, values: payload, format, columns, settings });
        } catch (e) {
          // chDB's raw insert throws its own error type; give it the client's shape (code, type)
          // so callers classify it the same way on every path.
          throw e instanceof Error ? Object.assign(parseError(e.message), { cause: e }) : e;
        }
      });
    },
    close: async () => {
      for (const s of sessions) await s.client.close();
    },
  };
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
  CLICKHOUSE_SESSIONS?: number | undefined;
  UV_THREADPOOL_SIZE?: number | undefined;
}

export function clickhouseConfigFromEnv(c: ClickHouseEnv): ClickHouseConfig {
  return {
    url: c.CLICKHOUSE_URL,
    path: c.CLICKHOUSE_PATH,
    database: c.CLICKHOUSE_DATABASE,
    username: c.CLICKHOUSE_USER,
    password: c.CLICKHOUSE_PASSWORD,
    sessions: c.CLICKHOUSE_SESSIONS,
    threadpoolSize: c.UV_THREADPOOL_SIZE,
  };
}
