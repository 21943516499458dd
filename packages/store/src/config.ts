import { migrateStore } from "./migrate";
import { openStore, type Store, type StoreConfig } from "./store";

/** The environment fields of @pulse/config's `storeEnv`, as every service parses them. */
export interface StoreEnv {
  DATABASE_URL?: string | undefined;
  STORE_PATH: string;
  DATABASE_SCHEMA?: string | undefined;
}

export function storeConfigFromEnv(c: StoreEnv): StoreConfig {
  return { url: c.DATABASE_URL, dataDir: c.STORE_PATH, schema: c.DATABASE_SCHEMA };
}

/** What roleStore needs of a role's shutdown (the `Shutdown` of @pulse/kit fits). */
export interface StoreShutdown {
  add(step: { name: string; run: () => unknown; deadlineMs: number }): void;
}

/**
 * The durable store a role uses: the one its caller shares (standalone's embedded store), else
 * its own Postgres connection when DATABASE_URL is set (opened, migrated and closed at shutdown),
 * else none, since an embedded store cannot be shared between processes.
 */
export async function roleStore(c: StoreEnv, opts: { role: string; shared?: Store | undefined; shutdown: StoreShutdown }): Promise<Store | undefined> {
  if (opts.shared) return opts.shared;
  if (!c.DATABASE_URL) return undefined;
  const own = await openStore(storeConfigFromEnv(c));
  opts.shutdown.add({ name: `${opts.role} store`, run: () => own.close(), deadlineMs: 5_000 });
  await migrateStore(own);
  return own;
}
