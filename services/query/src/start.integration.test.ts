import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate, openClickHouse } from "@pulse/clickhouse";
import { createShutdown, silentLogger } from "@pulse/kit";
import { createQueueFactory, QUEUE_NAMES } from "@pulse/redis";
import { openStore, testDatabaseUrl } from "@pulse/store";
import { describe, expect, inject, it } from "vitest";
import { startQuery } from "./app";
import { loadQueryConfig } from "./config";

// The query service started both ways it is started in production: alone (main.ts opens its own
// ClickHouse) and as standalone `pulse start` does (a ClickHouse shared with the worker). Both go
// through startQuery, so both keep the readiness check: not ready until the rollups exist.
const MIGRATIONS = fileURLToPath(new URL("../../../infra/clickhouse", import.meta.url));
// chDB binds one data directory per process: both ways use it, each in its own database.
const CH_PATH = join(mkdtempSync(join(tmpdir(), "pulse-query-start-")), "ch");

function config(database: string, extra: Record<string, string> = {}) {
  return loadQueryConfig({
    ...inject("stack"),
    CLICKHOUSE_PATH: CH_PATH,
    CLICKHOUSE_DATABASE: database,
    QUERY_TOKENS: "start-test-token=acme",
    QUERY_CACHE: "false",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    ...extra,
  });
}

async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${url}/readyz`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe("startQuery: one start, two modes, the same readiness", () => {
  it("alone (main.ts): not ready on an unmigrated store, ready once its migrations ran", async () => {
    const first = createShutdown(silentLogger);
    const { url } = await startQuery(config("query_alone"), { logger: silentLogger, shutdown: first });
    const before = await readyz(url);
    expect(before.status).toBe(503);
    expect(String(before.body.clickhouse)).toMatch(/rollup_minute missing/);
    expect((await first.stop("test")).ok).toBe(true);

    const second = createShutdown(silentLogger);
    const started = await startQuery(config("query_alone", { QUERY_MIGRATIONS_DIR: MIGRATIONS }), { logger: silentLogger, shutdown: second });
    expect(await readyz(started.url)).toEqual({ status: 200, body: { status: "ready" } });
    expect((await second.stop("test")).ok).toBe(true);
  });

  it("standalone (a shared ClickHouse): the same readiness check, and the shared client is left open", async () => {
    const ch = await openClickHouse({ path: CH_PATH, database: "query_shared" });
    try {
      const shutdown = createShutdown(silentLogger);
      const { url } = await startQuery(config("query_shared"), { logger: silentLogger, shutdown, ch });
      expect((await readyz(url)).status).toBe(503);
      await migrate(ch, MIGRATIONS);
      expect(await readyz(url)).toEqual({ status: 200, body: { status: "ready" } });
      const report = await shutdown.stop("test");
      expect(report.steps.map((s) => s.name)).toEqual(["query http", "alert delivery", "alert scheduler", "alert notification queue", "query catalogues", "query redis"]);
      // The caller owns the shared engine: stopping the query service did not close it.
      const rs = await ch.client.query({ query: "SELECT 1 AS one", format: "JSONEachRow" });
      expect(await rs.json()).toEqual([{ one: 1 }]);
    } finally {
      await ch.close();
    }
  });

  it("alone with DATABASE_URL: opens and migrates its own Postgres store, serves /v1/actions and /v1/cases, closes it at stop", async () => {
    const schema = `t_start_${Date.now().toString(36)}`;
    const shutdown = createShutdown(silentLogger);
    try {
      const { url } = await startQuery(config("query_pg", { QUERY_MIGRATIONS_DIR: MIGRATIONS, DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema, ALERTS_ENABLED: "false" }), { logger: silentLogger, shutdown });
      const auth = { authorization: "Bearer start-test-token" };
      const actions = await fetch(`${url}/v1/actions`, { headers: auth });
      expect(actions.status).toBe(200);
      expect(((await actions.json()) as { actions: unknown[] }).actions).toEqual([]);
      expect((await fetch(`${url}/v1/cases`, { headers: auth })).status).toBe(200);
      const report = await shutdown.stop("test");
      expect(report.steps.map((s) => s.name)).toContain("query store");
      expect(report.ok).toBe(true);
    } finally {
      const admin = await openStore({ url: testDatabaseUrl() });
      // The service migrated its own schema: its tables are there.
      const tables = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('cases', 'actions')`, [schema]);
      expect(tables.rows[0]?.n).toBe("2");
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  });

  it("a tenant added to the token file gets its alert schedule without a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulse-query-tokens-"));
    const file = join(dir, "tokens");
    writeFileSync(file, "acme-token-0123456789=acme\n");
    const prefix = `start-tokens-${Date.now().toString(36)}`;
    const { QUERY_TOKENS: _fixed, ...env } = { ...inject("stack"), CLICKHOUSE_PATH: CH_PATH, CLICKHOUSE_DATABASE: "query_tokens", QUERY_TOKENS: "", QUERY_CACHE: "false", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent" };
    const shutdown = createShutdown(silentLogger);
    const queue = createQueueFactory({ redis: { url: inject("stack").REDIS_URL }, prefix }).queue(QUEUE_NAMES.alerts);
    const scheduled = async () => (await queue.getJobSchedulers()).map((j) => j.key).sort();
    try {
      await startQuery(loadQueryConfig({ ...env, QUERY_TOKENS_FILE: file, QUEUE_PREFIX: prefix }), { logger: silentLogger, shutdown });
      expect(await scheduled()).toEqual(["alerts:acme"]);
      // Rotation as operators do it: a new file renamed into place.
      writeFileSync(`${file}.tmp`, "acme-token-0123456789=acme\nbeta-token-0123456789=beta:write\n");
      renameSync(`${file}.tmp`, file);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await scheduled()).length < 2) await new Promise((r) => setTimeout(r, 100));
      expect(await scheduled()).toEqual(["alerts:acme", "alerts:beta"]);
    } finally {
      await shutdown.stop("test");
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });
});
