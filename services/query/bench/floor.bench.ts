/**
 * The per-call floor of the ClickHouse client the query service uses, the live tier's version
 * probe, and the cost of the /v1/scores statistics query alone, without HTTP: sequential calls
 * (latency) and 50 concurrent callers (throughput), on the data directory the query bench leaves
 * behind (BENCH_DIR set on that run).
 *
 *   BENCH_DIR=<dir of a query bench run> pnpm tsx services/query/bench/floor.bench.ts
 * Env: BENCH_CALLS (sequential calls per probe, default 200), CLICKHOUSE_SESSIONS (default 4).
 */
import { join } from "node:path";
import { createReader, openClickHouse, type Reader } from "@pulse/clickhouse";
import { GRAINS, WINDOWS } from "../src/params-fns";
import { buildStatsQuery } from "../src/rollup.sql";
import { DATA_PARTS_SQL } from "../src/scores-tier";

const DIR = process.env.BENCH_DIR;
if (!DIR) throw new Error("BENCH_DIR is required (the data directory of a query bench run)");
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const TENANT = "bench";

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}

async function sequential(reader: Reader, sql: string, params: Record<string, unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await reader.query(sql, params);
    times.push(performance.now() - t);
  }
  return { p50: pct(times, 0.5), p99: pct(times, 0.99) };
}

async function concurrent(reader: Reader, sql: string, params: Record<string, unknown>, callers: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await reader.query(sql, params);
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

const ch = await openClickHouse({ path: join(DIR, "db"), database: "pulse_bench", sessions: Number(process.env.CLICKHOUSE_SESSIONS ?? 4) });
const reader = createReader(ch);
const [last] = await reader.query<{ t: number }>("SELECT toUnixTimestamp(max(occurred_at)) AS t FROM feedback_events WHERE tenant = {t:String}", { t: TENANT });
const to = (Math.floor(((last?.t ?? 0) * 1000) / GRAINS.minute) + 1) * GRAINS.minute;
const probes: [string, string, Record<string, unknown>][] = [
  ["SELECT 1", "SELECT 1 AS x", {}],
  ["live tier: data-version probe (system.parts)", DATA_PARTS_SQL, {}],
];
for (const w of ["15m", "7d"] as const) {
  const q = buildStatsQuery({ tenant: TENANT, range: { from: to - WINDOWS[w], to }, groupBy: ["touchpoint"], filters: {} });
  probes.push([`stats query ${w} by touchpoint (${q.segments.length} segments)`, q.sql, q.params]);
}
console.log(`| probe | sequential p50 ms | sequential p99 ms | 50 callers, calls/s |`);
console.log(`|---|---:|---:|---:|`);
for (const [name, sql, params] of probes) {
  await sequential(reader, sql, params); // warm-up
  const s = await sequential(reader, sql, params);
  const rps = await concurrent(reader, sql, params, 50, 5000);
  console.log(`| ${name} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${rps.toFixed(0)} |`);
}
await ch.close();
