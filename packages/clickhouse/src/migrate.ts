import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClickHouse } from "./client";

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Files are `NNNN_description.sql`, applied in numeric order. New files take max+1. */
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
    const text = await readFile(join(dir, file), "utf8");
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new Error(`two migrations share version ${version}: ${file}`);
    out.push({ version, name: file, statements: splitStatements(text), checksum: sha256(text) });
  }
  return out;
}

/** Splits on `;` at the end of a line, ignoring `--` comment lines. Our SQL files keep one statement per `;\n`. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n");
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Applies every migration not yet recorded in `schema_migrations`. Each statement is itself
 * idempotent (IF NOT EXISTS), so a crash halfway through a file is healed by running again.
 * An applied file whose text changed is an error: migrations are never edited, only added.
 */
export async function migrate(ch: ClickHouse, dir: string): Promise<MigrateResult> {
  await ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const rs = await ch.client.query({ query: "SELECT version, name, checksum FROM schema_migrations FINAL", format: "JSONEachRow" });
  const done = new Map((await rs.json<{ version: number; name: string; checksum: string }>()).map((r) => [r.version, r]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of await loadMigrations(dir)) {
    const prior = done.get(m.version);
    if (prior) {
      if (prior.checksum !== m.checksum) {
        throw new Error(`migration ${m.name} was changed after it was applied (add a new migration instead)`);
      }
      result.alreadyApplied.push(m.name);
      continue;
    }
    for (const statement of m.statements) await ch.client.command({ query: statement });
    await ch.client.insert({
      table: "schema_migrations",
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: "JSONEachRow",
      // Explicitly none: embedded sessions keep settings, and a token left by an earlier insert would drop this row.
      clickhouse_settings: { insert_deduplication_token: "" },
    });
    result.applied.push(m.name);
  }
  return result;
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
