import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "./store";

export interface StoreMigration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface StoreMigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** The migrations shipped with this package (`packages/store/migrations`). */
export const STORE_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

/** Files are `NNNN_description.sql`, applied in numeric order. New files take max+1; applied files are never edited. */
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function loadStoreMigrations(dir: string = STORE_MIGRATIONS_DIR): Promise<StoreMigration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out: StoreMigration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m) throw new Error(`store migration file name must look like 0001_name.sql: ${file}`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new Error(`two store migrations share version ${version}: ${file}`);
    const sql = await readFile(join(dir, file), "utf8");
    out.push({ version, name: file, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return out;
}

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATE_LOCK = 715_020_012;

/**
 * Applies every migration not yet recorded in `store_migrations`, each file in one transaction
 * (Postgres DDL is transactional: a file is applied whole or not at all). A transaction-scoped
 * advisory lock makes processes that start together take turns; the one that waits finds the
 * file already recorded. An applied file whose text changed is an error.
 */
export async function migrateStore(store: Store, dir: string = STORE_MIGRATIONS_DIR): Promise<StoreMigrateResult> {
  await store.query(`CREATE TABLE IF NOT EXISTS store_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`).catch(async (err: unknown) => {
    // Two processes creating the table at once: one wins, the other sees it on a retry.
    const { rows } = await store.query<{ n: number }>("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'store_migrations' AND schemaname = current_schema()");
    if (rows[0]?.n !== 1) throw err;
  });
  const result: StoreMigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of await loadStoreMigrations(dir)) {
    const applied = await store.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATE_LOCK]);
      const { rows } = await tx.query<{ checksum: string }>("SELECT checksum FROM store_migrations WHERE version = $1", [m.version]);
      const prior = rows[0];
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new Error(`store migration ${m.name} was changed after it was applied (add a new migration instead)`);
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query("INSERT INTO store_migrations (version, name, checksum) VALUES ($1, $2, $3)", [m.version, m.name, m.checksum]);
      return true;
    });
    (applied ? result.applied : result.alreadyApplied).push(m.name);
  }
  return result;
}
