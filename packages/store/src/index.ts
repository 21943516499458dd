export {
  openStore,
  sqlState,
  PG_UNIQUE_VIOLATION,
  PG_SERIALIZATION_FAILURE,
  type Store,
  type StoreConfig,
  type Queryable,
  type Transaction,
  type QueryResult,
} from "./store";
export { migrateStore, loadStoreMigrations, STORE_MIGRATIONS_DIR, type StoreMigration, type StoreMigrateResult } from "./migrate";
export { roleStore, storeConfigFromEnv, type StoreEnv, type StoreShutdown } from "./config";
export { openTestStore, testDatabaseUrl, STORE_BACKENDS, type StoreBackend, type TestStore } from "./testing";
