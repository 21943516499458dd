import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateStore } from "./migrate";
import { openStore, type Store } from "./store";

/** The Postgres server the integration tests use: PULSE_TEST_DATABASE_URL, else the local one. */
export function testDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.PULSE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

export type StoreBackend = "server" | "embedded";
export const STORE_BACKENDS: readonly StoreBackend[] = ["server", "embedded"];

export interface TestStore {
  store: Store;
  /** The server schema this run owns (undefined for embedded). */
  schema: string | undefined;
  /** Closes the store and drops what it created (the schema on a server; embedded lives in memory). */
  dispose(): Promise<void>;
}

/**
 * A migrated store of its own for one test file: on a server, a fresh schema (dropped by
 * `dispose`); embedded, an in-memory PGlite. Tests run the same assertions on both.
 */
export async function openTestStore(backend: StoreBackend, opts: { migrate?: boolean } = {}): Promise<TestStore> {
  const url = testDatabaseUrl();
  const schema = backend === "server" ? `t_${randomBytes(6).toString("hex")}` : undefined;
  const store = await openStore(backend === "server" ? { url, schema } : {});
  if (opts.migrate !== false) await migrateStore(store);
  return {
    store,
    schema,
    async dispose() {
      await store.close();
      if (schema) {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await admin.end();
        }
      }
    },
  };
}
