import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadStoreMigrations,
  migrateStore,
  STORE_MIGRATIONS_DIR,
  openStore,
  openTestStore,
  PG_UNIQUE_VIOLATION,
  sqlState,
  STORE_BACKENDS,
  testDatabaseUrl,
  type TestStore,
} from "./index";

// The same assertions against a real Postgres server (a schema of its own) and embedded PGlite.
describe.each(STORE_BACKENDS)("store on %s", (backend) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(backend, { migrate: false });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("applies the shipped migrations once and records them", async () => {
    const shipped = (await loadStoreMigrations()).map((m) => m.name);
    expect(shipped[0]).toBe("0001_cases.sql");
    const first = await migrateStore(t.store);
    expect(first.applied).toEqual(shipped);
    const second = await migrateStore(t.store);
    expect(second).toEqual({ applied: [], alreadyApplied: shipped });
    const { rows } = await t.store.query<{ version: number; name: string }>("SELECT version, name FROM store_migrations ORDER BY version");
    expect(rows.map((r) => r.name)).toEqual(shipped);
    expect(typeof rows[0]?.version).toBe("number");
  });

  it("0003 marks shipped case history for a new shipping; 0004 starts an existing action's history", async () => {
    const s = await openTestStore(backend, { migrate: false });
    const dir = await mkdtemp(join(tmpdir(), "pulse-store-upto-"));
    try {
      for (const f of ["0001_cases.sql", "0002_actions.sql"]) await copyFile(join(STORE_MIGRATIONS_DIR, f), join(dir, f));
      await migrateStore(s.store, dir);
      const at = new Date("2026-11-01T10:00:00Z");
      await s.store.query(
        `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, event_at, first_response_due, resolution_due) VALUES ('c1', 't', 'e1', 'csat_low', 'high', $1, $1, $1)`,
        [at],
      );
      await s.store.query(`INSERT INTO case_history (case_id, tenant_id, version, actor, action, shipped_at) VALUES ('c1', 't', 1, 'x', 'created', $1)`, [at]);
      await s.store.query(
        `INSERT INTO actions (tenant, id, name, what, owner, touchpoints, start_at, metric, expected_direction, window_days, created_at, updated_at, version)
         VALUES ('t', '7d3c8f5e-1111-4a4a-9b9b-0123456789ab', 'n', 'w', 'o', '["ivr"]', $1, 'nps', 'increase', 14, $1, $2, 3)`,
        [at, new Date("2026-11-02T10:00:00Z")],
      );
      expect((await migrateStore(s.store)).applied).toEqual(["0003_reship_case_history.sql", "0004_action_history.sql"]);
      const shipped = await s.store.query<{ n: number }>("SELECT count(*) AS n FROM case_history WHERE shipped_at IS NOT NULL");
      expect(shipped.rows[0]?.n).toBe(0);
      const { rows } = await s.store.query<{ version: number; at: Date; actor: string; kind: string }>("SELECT version, at, actor, kind FROM action_history");
      expect(rows).toEqual([{ version: 3, at: new Date("2026-11-02T10:00:00Z"), actor: "system:migration", kind: "existing" }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await s.dispose();
    }
  });

  it("returns counts as numbers, timestamps as Date and jsonb parsed", async () => {
    await t.store.query(
      `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, event_at, first_response_due, resolution_due, evidence)
       VALUES ($1, 't1', 'e1', 'nps_detractor', 'high', $2, $2, $2, $3)`,
      ["c1", new Date("2026-01-02T03:04:05.678Z"), JSON.stringify({ score: 3, topics: ["billing"] })],
    );
    const { rows } = await t.store.query<{ n: number; event_at: Date; evidence: unknown; version: number }>(
      "SELECT count(*) OVER () AS n, event_at, evidence, version FROM cases WHERE id = 'c1'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.n).toBe(1);
    expect(rows[0]?.event_at).toBeInstanceOf(Date);
    expect(rows[0]?.event_at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    expect(rows[0]?.evidence).toEqual({ score: 3, topics: ["billing"] });
    expect(rows[0]?.version).toBe(1);
  });

  it("insert … on conflict do nothing keeps one row per (tenant, event, trigger)", async () => {
    const insert = () =>
      t.store.query(
        `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, event_at, first_response_due, resolution_due)
         VALUES ('c2', 't1', 'e2', 'csat_low', 'medium', now(), now(), now()) ON CONFLICT DO NOTHING`,
      );
    expect((await insert()).rowCount).toBe(1);
    expect((await insert()).rowCount).toBe(0);
    const { rows } = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM cases WHERE event_id = 'e2'");
    expect(rows[0]?.n).toBe(1);
  });

  it("reports a unique violation by its SQLSTATE", async () => {
    const err = await t.store
      .query(
        `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, event_at, first_response_due, resolution_due)
         VALUES ('c1', 't1', 'other', 'csat_low', 'low', now(), now(), now())`,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(sqlState(err)).toBe(PG_UNIQUE_VIOLATION);
  });

  it("refuses to close a case without root cause and outcome (check constraint)", async () => {
    const err = await t.store.query("UPDATE cases SET state = 'closed' WHERE id = 'c1'").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(sqlState(err)).toBe("23514");
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    await t.store.transaction(async (tx) => {
      await tx.query("UPDATE cases SET version = version + 1 WHERE id = 'c1'");
      await tx.query("INSERT INTO case_history (case_id, tenant_id, version, actor, action) VALUES ('c1', 't1', 2, 'ann', 'updated')");
    });
    await expect(
      t.store.transaction(async (tx) => {
        await tx.query("UPDATE cases SET version = version + 1 WHERE id = 'c1'");
        await tx.query("INSERT INTO case_history (case_id, tenant_id, version, actor, action) VALUES ('c1', 't1', 3, 'bob', 'updated')");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    const { rows } = await t.store.query<{ version: number }>("SELECT version FROM cases WHERE id = 'c1'");
    expect(rows[0]?.version).toBe(2);
    const h = await t.store.query<{ actor: string }>("SELECT actor FROM case_history WHERE case_id = 'c1' ORDER BY seq");
    expect(h.rows.map((r) => r.actor)).toEqual(["ann"]);
  });

  it("a version-guarded update succeeds once: the second writer with the same version changes nothing", async () => {
    const update = (owner: string) =>
      t.store.query("UPDATE cases SET owner = $1, version = version + 1 WHERE id = 'c1' AND version = $2", [owner, 2]);
    expect((await update("ann")).rowCount).toBe(1);
    expect((await update("bob")).rowCount).toBe(0);
    const { rows } = await t.store.query<{ owner: string; version: number }>("SELECT owner, version FROM cases WHERE id = 'c1'");
    expect(rows[0]).toEqual({ owner: "ann", version: 3 });
  });
});

describe("store migrations", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "store-mig-"));
    await writeFile(join(dir, "0001_a.sql"), "CREATE TABLE a (x integer);\nINSERT INTO a VALUES (1);\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a file changed after it was applied, and a bad file name", async () => {
    const t = await openTestStore("embedded", { migrate: false });
    try {
      expect((await migrateStore(t.store, dir)).applied).toEqual(["0001_a.sql"]);
      await writeFile(join(dir, "0001_a.sql"), "CREATE TABLE a (x bigint);\n");
      await expect(migrateStore(t.store, dir)).rejects.toThrow(/0001_a\.sql was changed after it was applied/);
      await writeFile(join(dir, "2_b.sql"), "SELECT 1;\n");
      await expect(migrateStore(t.store, dir)).rejects.toThrow(/must look like 0001_name\.sql: 2_b\.sql/);
    } finally {
      await rm(join(dir, "2_b.sql"), { force: true });
      await t.dispose();
    }
  });

  it("a file that fails halfway leaves nothing behind (one transaction per file)", async () => {
    const bad = await mkdtemp(join(tmpdir(), "store-mig-bad-"));
    await writeFile(join(bad, "0001_half.sql"), "CREATE TABLE half (x integer);\nINSERT INTO nope VALUES (1);\n");
    for (const backend of STORE_BACKENDS) {
      const t = await openTestStore(backend, { migrate: false });
      try {
        await expect(migrateStore(t.store, bad)).rejects.toThrow(/nope/);
        const { rows } = await t.store.query<{ n: number }>(
          "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half' AND schemaname = current_schema()",
        );
        expect(rows[0]?.n).toBe(0);
        const m = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM store_migrations");
        expect(m.rows[0]?.n).toBe(0);
      } finally {
        await t.dispose();
      }
    }
    await rm(bad, { recursive: true, force: true });
  });

  it("two processes migrating one server database at once apply each file once", async () => {
    const t = await openTestStore("server", { migrate: false });
    const other = await openStore({ url: testDatabaseUrl(), schema: t.schema });
    try {
      const [a, b] = await Promise.all([migrateStore(t.store), migrateStore(other)]);
      const shipped = (await loadStoreMigrations()).map((m) => m.name);
      expect([...a.applied, ...b.applied].sort()).toEqual(shipped);
      expect([...a.alreadyApplied, ...b.alreadyApplied].sort()).toEqual(shipped);
    } finally {
      await other.close();
      await t.dispose();
    }
  });

  it("embedded data survives a restart in its data directory", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "store-data-"));
    try {
      const s1 = await openStore({ dataDir });
      await migrateStore(s1);
      await s1.query("INSERT INTO case_rotation (tenant_id, team, next_index) VALUES ('t1', 'care', 4)");
      await s1.close();
      const s2 = await openStore({ dataDir });
      expect((await migrateStore(s2)).applied).toEqual([]);
      const { rows } = await s2.query<{ next_index: number }>("SELECT next_index FROM case_rotation");
      expect(rows).toEqual([{ next_index: 4 }]);
      await s2.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
