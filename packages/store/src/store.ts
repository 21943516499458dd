import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface StoreConfig {
  /** A Postgres server (`postgres://…`). When absent, embedded PGlite at `dataDir` is used. */
  url?: string | undefined;
  /** Data directory of the embedded engine; absent means in memory (tests, throwaway runs). */
  dataDir?: string | undefined;
  /**
   * Server only: the Postgres schema every statement runs in (created if missing, then the
   * connection's `search_path`). Tests use one schema per run; production leaves it `public`.
   */
  schema?: string | undefined;
  /** Server only: connections in the pool. */
  poolSize?: number | undefined;
}

export interface QueryResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted (0 for a SELECT on the embedded engine). */
  rowCount: number;
}

/** What a statement runs on: the store itself, or one transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Transaction extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Store extends Queryable {
  readonly mode: "embedded" | "server";
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the
   * error is re-thrown). Postgres's default isolation, read committed; take row locks with
   * `SELECT … FOR UPDATE` or guard updates with a version column.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Postgres error codes the callers branch on. */
export const PG_UNIQUE_VIOLATION = "23505";
export const PG_SERIALIZATION_FAILURE = "40001";

/** The SQLSTATE of a database error from either backend, if it is one. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = err.code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

// Both backends hand back the same JS values: int8 and numeric as numbers (counts and sums
// here stay far below 2^53), timestamps as Date, json/jsonb parsed.
const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (v: string): number => Number(v);

/**
 * Opens the store: a Postgres server when a URL is configured, otherwise embedded PGlite (the
 * same Postgres, compiled to WebAssembly, in this process). Callers write one dialect —
 * Postgres — and never learn which one they got.
 */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  return config.url ? openServer(config.url, config) : openEmbedded(config.dataDir);
}

async function openServer(url: string, config: StoreConfig): Promise<Store> {
  const schema = config.schema ?? "public";
  if (!IDENT.test(schema)) throw new Error(`store schema must match ${IDENT.source}: ${schema}`);
  const types = {
    getTypeParser: ((oid: number) =>
      oid === INT8 || oid === NUMERIC ? toNumber : (pg.types.getTypeParser(oid, "text") as (v: string) => unknown)) as typeof pg.types.getTypeParser,
  };
  if (schema !== "public") {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolSize ?? 5,
    types,
    options: `-c search_path=${schema}`,
  });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  await pool.query("SELECT 1");
  const run = async <T>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
    const r = await q.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  };
  return {
    mode: "server",
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const tx: Transaction = {
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const out = await fn(tx);
        await client.query("COMMIT");
        return out;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function openEmbedded(dataDir: string | undefined): Promise<Store> {
  let path: string | undefined;
  if (dataDir) {
    path = resolve(dataDir);
    mkdirSync(path, { recursive: true });
  }
  const db = await PGlite.create({
    ...(path ? { dataDir: path } : {}),
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
  });
  const run = async <T>(q: Pick<PGlite, "query">, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
    const r = await q.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
  };
  return {
    mode: "embedded",
    query: (sql, params) => run(db, sql, params),
    // PGlite runs one statement at a time; a transaction holds the engine until it ends, so
    // other callers wait rather than interleave.
    transaction: (fn) =>
      db.transaction(async (t) =>
        fn({
          query: (sql, params) => run(t, sql, params),
          exec: async (sql) => {
            await t.exec(sql);
          },
        }),
      ),
    close: () => db.close(),
  };
}
