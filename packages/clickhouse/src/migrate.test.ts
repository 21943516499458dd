import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ClickHouse } from "./client";
import { DEDUP_WINDOW_SECONDS, forCluster, loadMigrations, migrate, REPLICA_PATH, splitStatements } from "./migrate";

const MIGRATIONS = fileURLToPath(new URL("../../../infra/clickhouse", import.meta.url));

describe("splitStatements", () => {
  it("splits on semicolons that end a line and drops comment lines", () => {
    const sql = "-- a table\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\n-- a view\nCREATE VIEW v AS SELECT ';' AS s FROM a;\n";
    expect(splitStatements(sql)).toEqual(["CREATE TABLE a (x UInt8) ENGINE = Memory", "CREATE VIEW v AS SELECT ';' AS s FROM a"]);
  });
  it("accepts a last statement without a semicolon", () => {
    expect(splitStatements("SELECT 1")).toEqual(["SELECT 1"]);
  });
});

describe("forCluster", () => {
  it("puts ON CLUSTER after the object name of CREATE, ALTER and DROP, and SYNC after DROP TABLE", () => {
    expect(forCluster("ALTER TABLE rollup_minute DROP COLUMN IF EXISTS fcr_contacts", "pulse")).toBe(
      "ALTER TABLE rollup_minute ON CLUSTER 'pulse' DROP COLUMN IF EXISTS fcr_contacts",
    );
    expect(forCluster("DROP VIEW IF EXISTS rollup_hour_fcr_mv", "pulse")).toBe("DROP VIEW IF EXISTS rollup_hour_fcr_mv ON CLUSTER 'pulse'");
    expect(forCluster("DROP TABLE IF EXISTS fcr_verdicts", "pulse")).toBe("DROP TABLE IF EXISTS fcr_verdicts ON CLUSTER 'pulse' SYNC");
    expect(forCluster("CREATE MATERIALIZED VIEW IF NOT EXISTS db.m TO t AS SELECT 1 AS x FROM s", "eu-1.prod")).toBe(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS db.m ON CLUSTER 'eu-1.prod' TO t AS SELECT 1 AS x FROM s",
    );
    expect(forCluster("create view `v w` as select 1", "c")).toBe("create view `v w` ON CLUSTER 'c' as select 1");
  });

  it("replicates every MergeTree engine, keeping its arguments, and carries the deduplication window over", () => {
    const path = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
    expect(REPLICA_PATH).toBe(path);
    expect(forCluster("CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x SETTINGS non_replicated_deduplication_window = 10000", "c")).toBe(
      `CREATE TABLE IF NOT EXISTS a ON CLUSTER 'c' (x UInt8) ENGINE = ReplicatedMergeTree(${path}) ORDER BY x SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800`,
    );
    expect(forCluster("CREATE TABLE b (v DateTime) ENGINE = ReplacingMergeTree(v) ORDER BY v", "c")).toBe(
      `CREATE TABLE b ON CLUSTER 'c' (v DateTime) ENGINE = ReplicatedReplacingMergeTree(${path}, v) ORDER BY v`,
    );
    expect(forCluster("CREATE TABLE s (k UInt8, a UInt64, b UInt64) ENGINE=SummingMergeTree( (a, b) ) ORDER BY k", "c")).toBe(
      `CREATE TABLE s ON CLUSTER 'c' (k UInt8, a UInt64, b UInt64) ENGINE = ReplicatedSummingMergeTree(${path}, (a, b)) ORDER BY k`,
    );
    expect(forCluster("CREATE TABLE e (x UInt8) ENGINE = MergeTree() ORDER BY x SETTINGS index_granularity = 2048, non_replicated_deduplication_window=5", "c")).toBe(
      `CREATE TABLE e ON CLUSTER 'c' (x UInt8) ENGINE = ReplicatedMergeTree(${path}) ORDER BY x SETTINGS index_granularity = 2048, replicated_deduplication_window=5, replicated_deduplication_window_seconds=604800`,
    );
    // Already replicated, or not a MergeTree: left as it is.
    expect(forCluster(`CREATE TABLE r (x UInt8) ENGINE = ReplicatedMergeTree(${path}) ORDER BY x`, "c")).toBe(
      `CREATE TABLE r ON CLUSTER 'c' (x UInt8) ENGINE = ReplicatedMergeTree(${path}) ORDER BY x`,
    );
    expect(forCluster("CREATE TABLE m (x UInt8) ENGINE = Memory", "c")).toBe("CREATE TABLE m ON CLUSTER 'c' (x UInt8) ENGINE = Memory");
    expect(DEDUP_WINDOW_SECONDS).toBe(7 * 24 * 3600);
  });

  it("passes INSERT through and refuses what it cannot run on every node", () => {
    expect(forCluster("INSERT INTO a SELECT 1", "c")).toBe("INSERT INTO a SELECT 1");
    expect(() => forCluster("OPTIMIZE TABLE a FINAL", "c")).toThrow(/cannot be run on a cluster/);
    expect(() => forCluster("RENAME TABLE a TO b", "c")).toThrow(/cannot be run on a cluster/);
    expect(() => forCluster("TRUNCATE TABLE a", "c")).toThrow(/cannot be run on a cluster/);
    expect(() => forCluster("DROP TABLE a ON CLUSTER x", "c")).toThrow(/already names a cluster/);
    expect(() => forCluster("DROP TABLE a", "c'; DROP TABLE b; --")).toThrow(/cluster name/);
    expect(() => forCluster("CREATE TABLE a (x UInt8) ENGINE = MergeTree(x ORDER BY x", "c")).toThrow(/unbalanced/);
  });

  it("rewrites every statement of every real migration", async () => {
    const migrations = await loadMigrations(MIGRATIONS);
    expect(migrations.length).toBeGreaterThanOrEqual(13);
    let tables = 0;
    for (const m of migrations) {
      for (const statement of m.statements) {
        const out = forCluster(statement, "pulse");
        // Exactly one ON CLUSTER, right after the statement's object name.
        expect(out.match(/ON CLUSTER 'pulse'/g)).toHaveLength(1);
        const name = /^(?:CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS|ALTER TABLE|DROP (?:TABLE|VIEW) IF EXISTS) (\w+)/.exec(statement)?.[1];
        expect(name, `${m.name}: ${statement.slice(0, 60)}`).toBeDefined();
        expect(out.startsWith(`${statement.slice(0, statement.indexOf(name as string) + (name as string).length)} ON CLUSTER 'pulse'`)).toBe(true);
        expect(out).not.toMatch(/non_replicated_deduplication_window/);
        const windows = statement.match(/non_replicated_deduplication_window = 10000/g)?.length ?? 0;
        expect(out.match(/replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800/g)?.length ?? 0).toBe(windows);
        const engine = /ENGINE = (\w*)MergeTree(?:\(([^)]*)\))?/.exec(statement);
        if (engine) {
          tables++;
          const args = engine[2] ? `, ${engine[2]}` : "";
          expect(out).toContain(`ENGINE = Replicated${engine[1] ?? ""}MergeTree(${REPLICA_PATH}${args})`);
        }
        // Everything after the head is unchanged but for the engine, the settings and SYNC.
        const back = out
          .replace(" ON CLUSTER 'pulse'", "")
          .replace(/ SYNC$/, "")
          .replace(/ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'(?:, ([^)]*))?\)/, (_a, x?: string) => `ReplacingMergeTree${x ? `(${x})` : ""}`)
          .replace(/Replicated(\w*)MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'\)/, "$1MergeTree")
          .replaceAll("replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800", "non_replicated_deduplication_window = 10000");
        expect(back).toBe(statement);
      }
    }
    // feedback_events, event_registry, fcr_verdicts, rollup_minute/hour/day, event_ids, complaints_opened,
    // chunk_ledger, fcr_contacts, fcr_repeats, alerts, case_history, case_loop_hour.
    expect(tables).toBe(14);
  });
});

/** Records what migrate sends; a pure stand-in for the server, which cannot run here. */
function recordingClickHouse(mode: "server" | "embedded", applied: { version: number; name: string; checksum: string }[] = []) {
  const sent: string[] = [];
  const inserted: unknown[] = [];
  const client = {
    command: ({ query }: { query: string }) => {
      sent.push(query);
      return Promise.resolve();
    },
    query: ({ query }: { query: string }) => {
      sent.push(query);
      return Promise.resolve({ json: () => Promise.resolve(applied) });
    },
    insert: ({ table, values }: { table: string; values: unknown[] }) => {
      inserted.push({ table, values });
      return Promise.resolve();
    },
  };
  const ch = { client, mode, database: "pulse", use: () => Promise.resolve(), close: () => Promise.resolve() } as unknown as ClickHouse;
  return { ch, sent, inserted };
}

describe("migrate on a cluster", () => {
  const dir = mkdtempSync(join(tmpdir(), "pulse-migrate-"));
  writeFileSync(join(dir, "0001_a.sql"), "CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;\nDROP VIEW IF EXISTS v;\n");
  writeFileSync(join(dir, "0002_b.sql"), "ALTER TABLE a ADD COLUMN IF NOT EXISTS y UInt8;\n");

  it("creates the database and the bookkeeping on every node, reads every replica's record, rewrites each statement", async () => {
    const { ch, sent, inserted } = recordingClickHouse("server");
    expect(await migrate(ch, dir, { cluster: "pulse" })).toEqual({ applied: ["0001_a.sql", "0002_b.sql"], alreadyApplied: [] });
    expect(sent[0]).toBe("CREATE DATABASE IF NOT EXISTS pulse ON CLUSTER 'pulse'");
    expect(sent[1]).toMatch(/^CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER 'pulse' \(/);
    expect(sent[1]).toContain(`ENGINE = ReplicatedReplacingMergeTree(${REPLICA_PATH}) ORDER BY version`);
    expect(sent[2]).toBe("SELECT version, name, checksum FROM clusterAllReplicas('pulse', currentDatabase(), schema_migrations)");
    expect(sent.slice(3)).toEqual([
      `CREATE TABLE IF NOT EXISTS a ON CLUSTER 'pulse' (x UInt8) ENGINE = ReplicatedMergeTree(${REPLICA_PATH}) ORDER BY x`,
      "DROP VIEW IF EXISTS v ON CLUSTER 'pulse'",
      "ALTER TABLE a ON CLUSTER 'pulse' ADD COLUMN IF NOT EXISTS y UInt8",
    ]);
    expect(inserted).toHaveLength(2);
  });

  it("skips what any replica records as applied and refuses an edited file", async () => {
    const [first] = await loadMigrations(dir);
    const { ch, sent } = recordingClickHouse("server", [{ version: 1, name: "0001_a.sql", checksum: first?.checksum ?? "" }]);
    expect(await migrate(ch, dir, { cluster: "pulse" })).toEqual({ applied: ["0002_b.sql"], alreadyApplied: ["0001_a.sql"] });
    expect(sent.slice(3)).toEqual(["ALTER TABLE a ON CLUSTER 'pulse' ADD COLUMN IF NOT EXISTS y UInt8"]);
    const edited = recordingClickHouse("server", [{ version: 1, name: "0001_a.sql", checksum: "other" }]);
    await expect(migrate(edited.ch, dir, { cluster: "pulse" })).rejects.toThrow(/0001_a.sql was changed/);
  });

  it("without a cluster sends the files as they are", async () => {
    const { ch, sent } = recordingClickHouse("server");
    await migrate(ch, dir);
    expect(sent[0]).toMatch(/ENGINE = ReplacingMergeTree ORDER BY version$/);
    expect(sent[1]).toBe("SELECT version, name, checksum FROM schema_migrations FINAL");
    expect(sent.slice(2)).toEqual(["CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x", "DROP VIEW IF EXISTS v", "ALTER TABLE a ADD COLUMN IF NOT EXISTS y UInt8"]);
  });

  it("refuses a cluster on embedded chDB before sending anything", async () => {
    const { ch, sent } = recordingClickHouse("embedded");
    await expect(migrate(ch, dir, { cluster: "pulse" })).rejects.toThrow(/needs a server/);
    expect(sent).toEqual([]);
  });
});
