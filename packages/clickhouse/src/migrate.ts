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

export interface MigrateOptions {
  /**
   * A ClickHouse cluster (its name in the servers' `<remote_servers>`): every statement
   * is rewritten by `forCluster` and the bookkeeping is replicated too. Server only.
   */
  cluster?: string | undefined;
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`;

/**
 * Applies every migration not yet recorded in `schema_migrations`. Each statement is itself
 * idempotent (IF NOT EXISTS), so a crash halfway through a file is healed by running again.
 * An applied file whose text changed is an error: migrations are never edited, only added.
 *
 * With `cluster`, the same files run as `forCluster` rewrites them (ON CLUSTER, Replicated engines,
 * the deduplication window kept): one shard of replicas, see infra/clickhouse/README.md.
 */
export async function migrate(ch: ClickHouse, dir: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const cluster = options.cluster;
  if (cluster !== undefined) {
    assertClusterName(cluster);
    if (ch.mode !== "server") throw new Error("a ClickHouse cluster needs a server (CLICKHOUSE_URL): embedded chDB has no cluster");
    // openClickHouse created the database on the node it reached; the other replicas need it too.
    await ch.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ch.database} ON CLUSTER '${cluster}'` });
  }
  const rewrite = (statement: string): string => (cluster === undefined ? statement : forCluster(statement, cluster));
  await ch.client.command({ query: rewrite(BOOKKEEPING) });
  // On a cluster, read every replica's record: a replica that has not fetched the newest row yet
  // (or a load balancer in front of the nodes) must not make a migration run twice.
  const source = cluster === undefined ? "schema_migrations FINAL" : `clusterAllReplicas('${cluster}', currentDatabase(), schema_migrations)`;
  const rs = await ch.client.query({ query: `SELECT version, name, checksum FROM ${source}`, format: "JSONEachRow" });
  const done = new Map<number, { checksums: Set<string> }>();
  for (const r of await rs.json<{ version: number; name: string; checksum: string }>()) {
    const entry = done.get(r.version) ?? { checksums: new Set<string>() };
    entry.checksums.add(r.checksum);
    done.set(r.version, entry);
  }
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of await loadMigrations(dir)) {
    const prior = done.get(m.version);
    if (prior) {
      if (prior.checksums.size !== 1 || !prior.checksums.has(m.checksum)) {
        throw new Error(`migration ${m.name} was changed after it was applied (add a new migration instead)`);
      }
      result.alreadyApplied.push(m.name);
      continue;
    }
    for (const statement of m.statements) await ch.client.command({ query: rewrite(statement) });
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

/** Where every replicated table keeps its replication log and deduplication hashes in Keeper. */
export const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

/**
 * How long Keeper keeps a table's insert hashes. The worker's exactly-once rests on the window
 * being bounded by its block count (10,000, as `non_replicated_deduplication_window` on one
 * server), not by time: recent servers default this to 3,600 s, which at a low insert rate would
 * forget a chunk's token within the hour. A week, the same order as the chunk ledger's retention.
 */
export const DEDUP_WINDOW_SECONDS = 604_800;

const NAME = "(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(?:\\.(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*))?";
const HEADS: { kind: string; head: RegExp }[] = [
  { kind: "create", head: new RegExp(`^(CREATE\\s+(?:TABLE|MATERIALIZED\\s+VIEW|VIEW|DICTIONARY)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME})`, "i") },
  { kind: "alter", head: new RegExp(`^(ALTER\\s+TABLE\\s+${NAME})`, "i") },
  { kind: "drop-table", head: new RegExp(`^(DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?${NAME})`, "i") },
  { kind: "drop", head: new RegExp(`^(DROP\\s+(?:VIEW|DICTIONARY)\\s+(?:IF\\s+EXISTS\\s+)?${NAME})`, "i") },
];

/**
 * Rewrites one migration statement for a cluster of replicas:
 * - `ON CLUSTER '<cluster>'` after the object name of CREATE, ALTER and DROP, so every node runs it
 *   (and the query fails, by default after 180 s, when a node does not);
 * - `<X>MergeTree[(args)]` → `Replicated<X>MergeTree(REPLICA_PATH[, args])`;
 * - `non_replicated_deduplication_window = N` → `replicated_deduplication_window = N,
 *   replicated_deduplication_window_seconds = DEDUP_WINDOW_SECONDS`;
 * - `DROP TABLE` gets `SYNC`, so the table's Keeper path is free at once for a later migration that
 *   creates a table of the same name.
 * INSERT passes unchanged (a replicated table replicates it). Any other statement is refused: a
 * migration the rewrite does not understand must fail here, not run on one node only.
 */
export function forCluster(statement: string, cluster: string): string {
  assertClusterName(cluster);
  const sql = statement.trim();
  if (/^INSERT\s/i.test(sql)) return sql;
  if (/\sON\s+CLUSTER\s/i.test(sql)) throw new Error(`migration statement already names a cluster: ${preview(sql)}`);
  const match = HEADS.map((h) => ({ kind: h.kind, m: h.head.exec(sql) })).find((x) => x.m !== null);
  if (!match?.m) throw new Error(`migration statement cannot be run on a cluster (only CREATE, ALTER, DROP, INSERT): ${preview(sql)}`);
  const head = match.m[1] as string;
  let out = `${head} ON CLUSTER '${cluster}'${sql.slice(head.length)}`;
  if (match.kind === "create") out = replicatedEngine(out);
  if (match.kind === "drop-table") out = `${out} SYNC`;
  return out.replace(
    /\bnon_replicated_deduplication_window(\s*=\s*)(\d+)/gi,
    (_all, eq: string, n: string) => `replicated_deduplication_window${eq}${n}, replicated_deduplication_window_seconds${eq}${DEDUP_WINDOW_SECONDS}`,
  );
}

/** `ENGINE = XMergeTree[(args)]` → `ENGINE = ReplicatedXMergeTree(REPLICA_PATH[, args])`; args may nest parentheses. */
function replicatedEngine(sql: string): string {
  const engine = /\bENGINE\s*=\s*([A-Za-z]*)MergeTree\b/i.exec(sql);
  if (!engine || /^Replicated/i.test(engine[1] as string)) return sql;
  let end = engine.index + engine[0].length;
  let args = "";
  const open = /^\s*\(/.exec(sql.slice(end));
  if (open) {
    const start = end + open[0].length;
    let depth = 1;
    let i = start;
    for (; i < sql.length && depth > 0; i++) {
      if (sql[i] === "(") depth++;
      else if (sql[i] === ")") depth--;
    }
    if (depth !== 0) throw new Error(`unbalanced engine arguments: ${preview(sql)}`);
    args = sql.slice(start, i - 1).trim();
    end = i;
  }
  const engineText = `ENGINE = Replicated${engine[1] as string}MergeTree(${REPLICA_PATH}${args ? `, ${args}` : ""})`;
  return sql.slice(0, engine.index) + engineText + sql.slice(end);
}

/** A cluster name as it appears in `<remote_servers>`; it is quoted as a literal, so it may hold '-' and '.'. */
export function assertClusterName(cluster: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(cluster)) {
    throw new Error(`cluster name must contain only letters, digits, '_', '.' and '-': ${JSON.stringify(cluster)}`);
  }
}

function preview(sql: string): string {
  return sql.length > 80 ? `${sql.slice(0, 80)}…` : sql;
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
