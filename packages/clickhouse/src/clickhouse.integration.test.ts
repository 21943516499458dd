import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReader, createWriter, migrate, openClickHouse, type ClickHouse } from "./index";

// Embedded chDB: a real ClickHouse engine in this test process (one data directory per process).
let ch: ClickHouse;
const dataDir = mkdtempSync(join(tmpdir(), "pulse-ch-"));

beforeAll(async () => {
  ch = await openClickHouse({ path: join(dataDir, "db"), database: "pulse_test" });
});
afterAll(async () => {
  await ch.close();
});

describe("ClickHouse adapter (chDB)", () => {
  it("runs in embedded mode in the configured database", async () => {
    expect(ch.mode).toBe("embedded");
    const [row] = await createReader(ch).query<{ db: string; v: string }>("SELECT currentDatabase() AS db, version() AS v");
    expect(row?.db).toBe("pulse_test");
    expect(row?.v).toMatch(/^2\d\./);
  });

  it("applies migrations in order, once, and refuses an edited one", async () => {
    const dir = join(dataDir, "migrations");
    mkdirSync(dir);
    writeFileSync(join(dir, "0001_items.sql"), "CREATE TABLE IF NOT EXISTS items (id UInt32, v String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100;\n");
    writeFileSync(
      join(dir, "0002_totals.sql"),
      "CREATE TABLE IF NOT EXISTS totals (k UInt8, n AggregateFunction(count), s SimpleAggregateFunction(sum, UInt64)) ENGINE = AggregatingMergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100;\n" +
        "CREATE MATERIALIZED VIEW IF NOT EXISTS totals_mv TO totals AS SELECT 1 AS k, countState() AS n, sum(toUInt64(id)) AS s FROM items GROUP BY k;\n",
    );
    expect(await migrate(ch, dir)).toEqual({ applied: ["0001_items.sql", "0002_totals.sql"], alreadyApplied: [] });
    expect(await migrate(ch, dir)).toEqual({ applied: [], alreadyApplied: ["0001_items.sql", "0002_totals.sql"] });
    writeFileSync(join(dir, "0001_items.sql"), "CREATE TABLE IF NOT EXISTS items (id UInt64) ENGINE = Memory;\n");
    await expect(migrate(ch, dir)).rejects.toThrow(/0001_items.sql was changed/);
  });

  it("round-trips an insert and deduplicates a retried batch in the table and its rollup", async () => {
    const writer = createWriter(ch);
    const reader = createReader(ch);
    const rows = [
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ];
    await writer.insert("items", ["id", "v"], rows, { dedupToken: "batch-1" });
    await writer.insert("items", ["id", "v"], rows, { dedupToken: "batch-1" }); // the retry
    await writer.insert("items", ["id", "v"], [[10, "d"]], { dedupToken: "batch-2" });
    const [t] = await reader.query<{ n: number; s: number }>("SELECT count() AS n, sum(id) AS s FROM items");
    expect(t).toEqual({ n: 4, s: 16 });
    const [r] = await reader.query<{ n: number; s: number }>("SELECT countMerge(n) AS n, sum(s) AS s FROM totals");
    expect(r).toEqual({ n: 4, s: 16 });
    const got = await reader.query<{ id: number; v: string }>("SELECT id, v FROM items WHERE id >= {min:UInt32} ORDER BY id", { min: 2 });
    expect(got).toEqual([
      { id: 2, v: "b" },
      { id: 3, v: "c" },
      { id: 10, v: "d" },
    ]);
  });

  it("classifies an insert into a missing table as a rejected statement, not rejected data", async () => {
    await expect(createWriter(ch).insert("no_such_table", ["id"], [[1]])).rejects.toMatchObject({ code: "clickhouse_rejected", retry: false });
  });

  it("inserts a block spanning far more than 100 monthly partitions (a historical import)", async () => {
    await ch.client.command({ query: "CREATE TABLE IF NOT EXISTS by_month (m Date, n UInt32) ENGINE = MergeTree PARTITION BY toYYYYMM(m) ORDER BY m" });
    const rows = Array.from({ length: 240 }, (_, i) => [`${2005 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-15`, i]);
    await createWriter(ch).insert("by_month", ["m", "n"], rows);
    expect(await createReader(ch).query("SELECT count() AS n, uniqExact(toYYYYMM(m)) AS months FROM by_month")).toEqual([{ n: 240, months: 240 }]);
  });

  it("binds parameters instead of building SQL from input", async () => {
    const hostile = "x' OR 1=1 --";
    const got = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM items WHERE v = {v:String}", { v: hostile });
    expect(got).toEqual([{ n: 0 }]);
  });

  it("classifies a bad insert as rejected data and names the table", async () => {
    await expect(createWriter(ch).insert("items", ["id", "v"], [["not a number", "x"]])).rejects.toMatchObject({
      code: "clickhouse_rejected_data",
      retry: false,
      message: expect.stringContaining("insert into items") as unknown,
    });
  });

  it("spreads statements over several sessions of the same data folder, all seeing the same data", async () => {
    const multi = await openClickHouse({ path: join(dataDir, "db"), database: "pulse_test", sessions: 3 });
    try {
      await createWriter(multi).insert("items", ["id", "v"], [[100, "x"]], { dedupToken: "multi-1" });
      const reads = await Promise.all(
        Array.from({ length: 6 }, () => createReader(multi).query<{ n: number }>("SELECT count() AS n FROM items WHERE id = 100")),
      );
      expect(reads.map((r) => Number(r[0]?.n))).toEqual([1, 1, 1, 1, 1, 1]);
      // The first connection sees what the other sessions wrote.
      expect(await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM items WHERE id = 100")).toEqual([{ n: 1 }]);
      // A token seen on one session is known to all of them: the retry is dropped.
      await createWriter(multi).insert("items", ["id", "v"], [[100, "x"]], { dedupToken: "multi-1" });
      await createWriter(multi).insert("items", ["id", "v"], [[100, "x"]], { dedupToken: "multi-1" });
      expect(await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM items WHERE id = 100")).toEqual([{ n: 1 }]);
    } finally {
      await multi.close();
    }
  });
});
