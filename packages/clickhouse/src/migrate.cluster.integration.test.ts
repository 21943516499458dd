import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickHouse } from "./client";
import { forCluster, loadMigrations, migrate } from "./migrate";
import { createReader, openClickHouse, type Reader } from "./index";

// No ClickHouse server, Keeper or cluster can run here, so the rewritten DDL cannot be executed.
// What can be checked with the real engine: embedded chDB's parser accepts every rewritten
// statement (formatQuery parses without executing), and its canonical form differs from the
// original statement's only by the cluster clause, the engine and the deduplication settings.
const MIGRATIONS = fileURLToPath(new URL("../../../infra/clickhouse", import.meta.url));
const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

let ch: ClickHouse;
let reader: Reader;

beforeAll(async () => {
  ch = await openClickHouse({ path: join(mkdtempSync(join(tmpdir(), "pulse-ch-")), "db"), database: "pulse_parse" });
  reader = createReader(ch);
});
afterAll(async () => {
  await ch.close();
});

async function format(sql: string): Promise<string> {
  const [row] = await reader.query<{ f: string }>("SELECT formatQuery({q:String}) AS f", { q: sql });
  return row?.f ?? "";
}

/** Undoes, on chDB's canonical text, what forCluster is meant to change. */
function withoutCluster(canonical: string): string {
  return canonical
    .replace(" ON CLUSTER pulse", "")
    .replace(/ SYNC$/, "")
    .replace(/Replicated(\w*)MergeTree\(([^\n]*)\)/, (_all, kind: string, args: string) => {
      expect(args.startsWith(REPLICA_PATH)).toBe(true);
      const rest = args.slice(REPLICA_PATH.length).replace(/^, /, "");
      return `${kind}MergeTree${rest ? `(${rest})` : ""}`;
    })
    .replaceAll("replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800", "non_replicated_deduplication_window = 10000");
}

describe("forCluster against chDB's parser", () => {
  it("rejects a malformed statement (the check can fail)", async () => {
    await expect(format("DROP TABLE IF EXISTS x ON CLUSTER pulse SYNC garbage")).rejects.toThrow(/Syntax error/);
  });

  it("every rewritten statement of every real migration parses, and differs from the original only where meant", async () => {
    const migrations = await loadMigrations(MIGRATIONS);
    let checked = 0;
    let replicated = 0;
    for (const m of migrations) {
      for (const statement of m.statements) {
        const rewritten = await format(forCluster(statement, "pulse"));
        expect(rewritten, m.name).toContain(" ON CLUSTER pulse");
        if (/ENGINE = Replicated\w*MergeTree\(/.test(rewritten)) replicated++;
        expect(withoutCluster(rewritten), `${m.name}: ${statement.slice(0, 60)}`).toBe(await format(statement));
        checked++;
      }
    }
    expect(checked).toBe(migrations.reduce((n, m) => n + m.statements.length, 0));
    expect(checked).toBeGreaterThan(70);
    expect(replicated).toBe(14);
  });

  it("what migrate itself sends on a cluster parses too", async () => {
    const sent: string[] = [];
    const recording = {
      client: {
        command: ({ query }: { query: string }) => Promise.resolve(void sent.push(query)),
        query: ({ query }: { query: string }) => Promise.resolve((sent.push(query), { json: () => Promise.resolve([]) })),
        insert: () => Promise.resolve(),
      },
      mode: "server",
      database: "pulse",
    } as unknown as ClickHouse;
    await migrate(recording, MIGRATIONS, { cluster: "pulse" });
    const statements = (await loadMigrations(MIGRATIONS)).reduce((n, m) => n + m.statements.length, 0);
    expect(sent).toHaveLength(3 + statements);
    for (const q of sent) expect(await format(q)).not.toBe("");
    expect(await format(sent[0] ?? "")).toBe("CREATE DATABASE IF NOT EXISTS pulse ON CLUSTER pulse");
  });
});
