import type { StoreConfig } from "./store";

/** The environment fields of @pulse/config's `storeEnv`, as every service parses them. */
export interface StoreEnv {
  DATABASE_URL?: string | undefined;
  STORE_PATH: string;
  DATABASE_SCHEMA?: string | undefined;
}

export function storeConfigFromEnv(c: StoreEnv): StoreConfig {
  return { url: c.DATABASE_URL, dataDir: c.STORE_PATH, schema: c.DATABASE_SCHEMA };
}
