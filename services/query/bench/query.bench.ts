/**
 * Benchmark of GET /v1/scores (grouped by touchpoint) over real HTTP on loopback, 50 concurrent
 * clients (autocannon), for the last 15 minutes and the last 7 days:
 *   baseline   the same aggregate run directly on feedback_events (raw rows), same HTTP path
 *   no tier    the query service over the rollups, no Redis, live tier off: one stats query per request
 *   live tier  the same with the live tier (scores-tier.ts): statistics reused while the rollups'
 *              active parts are unchanged, checked by one data-version probe per request
 *   live tier + inserts   the same while LIVE_RATE events/s are inserted (through every view), so
 *              the data version moves several times a second and the stats query re-runs
 *   cached     the query service over the rollups with the Redis cache (TTL 5 s)
 * and one client at a time (1 connection) without and with the tier: a single request's latency.
 * Loads BENCH_EVENTS synthetic events (default 10,000,000) into embedded chDB with
 * INSERT … SELECT FROM numbers(), through the same materialized views as production.
 *
 *   pnpm bench:query                       # 10M events, 10 s per scenario
 *   BENCH_EVENTS=1000000 BENCH_SECONDS=5 pnpm bench:query
 * Env: BENCH_DIR (chDB data dir, reused when it already holds the data), REDIS_URL.
 * Exactness is checked before timing: each app's answer (no tier, live tier) equals the raw-row
 * answer, and again after fresh events were inserted into the window (the tier must see them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createReader, migrate, openClickHouse, type ClickHouse, type Reader } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createRedis, redisReady, type Redis } from "@pulse/redis";
import { ensureRedis } from "@pulse/local-stack";
import { STATISTICS } from "@pulse/rollups";
import { createQueryApp, type QueryApp } from "../src/app";
import { GRAINS, WINDOWS, iso, windowRange, type WindowName } from "../src/params-fns";
import type { StatsRow } from "../src/rollup.sql";
import { scoreGroup } from "../src/scores-fns";
import { parseTokenSpec } from "../src/tokens";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const CHUNK = 1_000_000;
const TENANT = "bench";
const TOKEN = "bench-read-token-0000001";
const SPAN_MS = 8 * 24 * 3600 * 1000;
/** Inserts during the "live tier + inserts" scenarios: this many events per batch, every LIVE_EVERY_MS. */
const LIVE_BATCH = 200;
const LIVE_EVERY_MS = 250;

const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** Synthetic events over the 8 days before `end`, respecting the schema (and the contract's shapes). */
const LOAD_SQL = `
INSERT INTO feedback_events (tenant, event_id, type, schema_version, occurred_at, received_at, source, touchpoint, touchpoint_raw,
  journey_stage, channel, customer_id, segment, survey_id, nps, csat, ces, wait_seconds, abandoned, hours_to_resolve, topics)
SELECT
  {tenant:String},
  concat({prefix:String}, toString(number)),
  multiIf(r < 40, 'survey.response', r < 75, 'call.completed', r < 88, 'contact.completed', r < 96, 'complaint.opened', 'complaint.resolved') AS t,
  1,
  fromUnixTimestamp64Milli(toInt64({end:Int64} - 1 - cityHash64(number, 1) % {span:UInt64}), 'UTC') AS at,
  at,
  'bench',
  arrayElement(['ivr', 'chat', 'store', 'delivery', 'billing', 'app', 'web', 'email'], 1 + cityHash64(number, 2) % 8) AS tp,
  tp,
  arrayElement(['onboarding', 'support', 'renewal'], 1 + cityHash64(number, 3) % 3),
  arrayElement(['phone', 'chat', 'web', 'store'], 1 + cityHash64(number, 4) % 4),
  concat('c', toString(cityHash64(number, 5) % 500000)),
  arrayElement(['retail', 'business', 'vip'], 1 + cityHash64(number, 6) % 3),
  if(t = 'survey.response', concat('s', toString(number)), ''),
  if(t = 'survey.response' AND cityHash64(number, 7) % 10 < 8, toUInt8(cityHash64(number, 8) % 11), NULL),
  if(t = 'survey.response' AND cityHash64(number, 9) % 10 < 7, toUInt8(1 + cityHash64(number, 10) % 5), NULL),
  if(t = 'survey.response' AND cityHash64(number, 11) % 2 = 0, toUInt8(1 + cityHash64(number, 12) % 7), NULL),
  if(t = 'call.completed', (cityHash64(number, 13) % 300000) / 1000, NULL),
  if(t = 'call.completed', toUInt8(cityHash64(number, 14) % 100 < 12), NULL),
  if(t = 'complaint.resolved', (1 + cityHash64(number, 15) % 400) / 4, NULL),
  if(t = 'complaint.opened', [arrayElement(['billing', 'delay', 'rude-agent', 'app-crash', 'refund'], 1 + cityHash64(number, 16) % 5)], [])
FROM (SELECT number, cityHash64(number) % 100 AS r FROM numbers({offset:UInt64}, {count:UInt64}))`;

/** The baseline: the rollups' aggregate computed straight from the raw rows of the window. */
const RAW_SQL = `
SELECT touchpoint,
  ${STATISTICS.map((s) => (s.source === "feedback_events" ? `${s.fold} AS ${s.name}` : s.kind === "count" ? `toUInt64(0) AS ${s.name}` : `CAST(map(), 'Map(UInt32, Int64)') AS ${s.name}`)).join(",\n  ")},
  CAST([] AS Array(Tuple(UInt32, UInt32, UInt64, Map(UInt32, Int64)))) AS fcr_cohorts
FROM feedback_events
WHERE tenant = {tenant:String}
  AND occurred_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
GROUP BY touchpoint
ORDER BY touchpoint`;

async function load(ch: ClickHouse, reader: Reader): Promise<void> {
  // Only the bulk load's events ('b' ids): later runs' fresh and live inserts do not count.
  const [have] = await reader.query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String} AND startsWith(event_id, 'b')", { t: TENANT });
  if ((have?.n ?? 0) === EVENTS) {
    log(`data: reusing ${EVENTS.toLocaleString()} events already loaded`);
    return;
  }
  if ((have?.n ?? 0) > 0) throw new Error(`BENCH_DIR holds ${have?.n} bench events, not ${EVENTS}: use an empty BENCH_DIR`);
  const end = Date.now();
  const started = performance.now();
  for (let offset = 0; offset < EVENTS; offset += CHUNK) {
    const count = Math.min(CHUNK, EVENTS - offset);
    // The load goes through the client directly: INSERT … SELECT has no rows for the writer to send.
    await ch.client.command({
      query: LOAD_SQL,
      query_params: { tenant: TENANT, prefix: "b", end, span: SPAN_MS, offset, count },
      clickhouse_settings: { insert_deduplicate: 0 },
    });
    log(`data: ${(offset + count).toLocaleString()} / ${EVENTS.toLocaleString()} events (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  await ch.client.command({ query: "OPTIMIZE TABLE rollup_minute FINAL" });
  await ch.client.command({ query: "OPTIMIZE TABLE rollup_hour FINAL" });
  await ch.client.command({ query: "OPTIMIZE TABLE rollup_day FINAL" });
  log(`data: loaded in ${((performance.now() - started) / 1000).toFixed(1)} s (rollups merged)`);
}

function addBaselineRoute(app: QueryApp, reader: Reader): void {
  app.get("/bench/raw-scores", { schema: { hide: true } }, async (request) => {
    const w = ((request.query as Record<string, string>).window ?? "15m") as WindowName;
    const range = windowRange(w, Date.now(), GRAINS.minute);
    const rows = await reader.query<StatsRow>(RAW_SQL, { tenant: TENANT, from: range.from, to: range.to });
    return { from: iso(range.from), to: iso(range.to), groups: rows.map((r) => ({ key: { touchpoint: r.touchpoint }, ...scoreGroup(r, { now: Date.now(), allowedLatenessMs: 3_600_000, windowMs: 7 * 86_400_000 }) })) };
  });
}

/** Structural equality with numbers equal to 1e-9 (sums of squares may add up in another order). */
function sameNumbers(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameNumbers(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameNumbers((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/**
 * Requests still running when autocannon stops keep ClickHouse busy (embedded chDB runs one query
 * at a time per process): wait until they are done, so no scenario pays for the previous one.
 */
async function drain(inflight: () => number): Promise<void> {
  while (inflight() > 0) await new Promise((r) => setTimeout(r, 50));
}

async function run(
  url: string,
  inflight: () => number,
  connections: number,
  measured: () => Promise<void>,
): Promise<{ p50: number; p99: number; rps: number; total: number; bad: number; loopDelayP99: number }> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  await autocannon({ url, connections: 10, duration: 2, headers, timeout: 120 }); // warm-up
  await drain(inflight);
  await measured();
  // How long the event loop was blocked (HTTP, scoring, and chDB calls that hold the main thread).
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const r = await autocannon({ url, connections, duration: SECONDS, headers, timeout: 120 });
  loop.disable();
  await drain(inflight);
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, total: r.requests.total, bad: r.non2xx + r.errors + r.timeouts, loopDelayP99: loop.percentile(99) / 1e6 };
}

async function main(): Promise<void> {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "pulse-bench-"));
  log(`chDB data directory: ${dir}`);
  // As the service runs by default (CLICKHOUSE_SESSIONS=4): queries on separate chDB sessions run side by side.
  const ch = await openClickHouse({ path: join(dir, "db"), database: "pulse_bench", sessions: Number(process.env.CLICKHOUSE_SESSIONS ?? 4) });
  await migrate(ch, join(REPO, "infra/clickhouse"));
  const plain = createReader(ch);
  await load(ch, plain);
  let running = 0;
  const inflight = (): number => running;
  const reader: Reader = {
    async query(sql, params) {
      running++;
      try {
        return await plain.query(sql, params);
      } finally {
        running--;
      }
    },
  };

  const tokens = parseTokenSpec(`${TOKEN}=${TENANT}`);
  const registries = new Map<string, Registry>();
  const app = async (name: string, extra: Partial<Parameters<typeof createQueryApp>[0]>) => {
    const metrics = createMetricsRegistry(name, { defaults: false });
    const created = await createQueryApp({ reader, logger: silentLogger, metrics, tokens, ...extra });
    return { app: created, metrics };
  };
  const listen = async (a: { app: QueryApp; metrics: Registry }): Promise<string> => {
    const url = await a.app.listen({ host: "127.0.0.1", port: 0 });
    registries.set(new URL(url).origin, a.metrics);
    return url;
  };
  /** ClickHouse round trips by purpose so far, of the app serving `url`. */
  const roundTrips = async (url: string): Promise<Map<string, number>> => {
    const reg = registries.get(new URL(url).origin);
    const m = reg?.getSingleMetric("pulse_query_clickhouse_queries_total");
    return new Map(((await m?.get())?.values ?? []).map((v) => [String(v.labels.purpose), v.value]));
  };
  // Before: every request runs the stats query. After: the live tier (the service's default).
  const noTier = await app("bench-no-tier", { liveTier: false });
  addBaselineRoute(noTier.app, reader);
  const noTierUrl = await listen(noTier);
  const tier = await app("bench-tier", {});
  const tierUrl = await listen(tier);

  // Every bench starts what it needs: redis-server when none answers at REDIS_URL.
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const ownRedis = await ensureRedis(redisUrl, { dataDir: join(REPO, ".cache", "bench-redis"), logDir: join(REPO, ".cache", "bench-redis", "logs"), progress: log }).catch((e: unknown) => {
    log(`redis: could not start one (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  });
  let redis: Redis | undefined = createRedis({ url: redisUrl, keyPrefix: `pulse-bench:${process.pid}:` });
  redis.on("error", () => undefined);
  try {
    await redisReady(redis, 2000);
  } catch {
    log("redis: not reachable, the cached scenario is skipped");
    redis.disconnect();
    redis = undefined;
  }
  const cached = redis ? await app("bench-cached", { redis, cacheTtlSeconds: 5 }) : undefined;
  const cachedUrl = cached ? await listen(cached) : undefined;

  /** Inserts events at the current time with ids `${prefix}<n>` through every view. */
  let inserted = 0;
  const insertNow = async (prefix: string, count: number, spanMs: number): Promise<void> => {
    const offset = inserted;
    inserted += count;
    await ch.use((c) =>
      c.command({ query: LOAD_SQL, query_params: { tenant: TENANT, prefix, end: Date.now(), span: spanMs, offset, count }, clickhouse_settings: { insert_deduplicate: 0 } }),
    );
  };
  const runTag = Date.now().toString(36);

  const auth = { authorization: `Bearer ${TOKEN}` };
  const fetchJson = async <T>(url: string): Promise<T> => (await (await fetch(url, { headers: auth })).json()) as T;
  const strip = (gs: unknown[]): unknown => JSON.parse(JSON.stringify(gs.map((g) => ({ ...(g as Record<string, unknown>), targets: undefined })))) as unknown;
  let allExact = true;
  /** Each app's answer against the raw rows (FCR aside: no verdicts here). */
  const check = async (w: string, when: string): Promise<void> => {
    const viaRaw = await fetchJson<{ groups: { volume: { events: number } }[] }>(`${noTierUrl}/bench/raw-scores?window=${w}`);
    const events = viaRaw.groups.reduce((s, g) => s + g.volume.events, 0);
    for (const [name, url] of [
      ["no tier", noTierUrl],
      ["live tier", tierUrl],
    ] as const) {
      const viaRollups = await fetchJson<{ groups: unknown[]; sources: unknown[] }>(`${url}/v1/scores?window=${w}&groupBy=touchpoint`);
      const same = sameNumbers(strip(viaRollups.groups), strip(viaRaw.groups));
      allExact &&= same;
      log(`window ${w} ${when}: ${events.toLocaleString()} events in range; ${name} answer ${same ? "equals" : "DIFFERS FROM"} the raw-row answer; segments ${viaRollups.sources.length}`);
    }
  };

  const rows: string[][] = [];
  for (const w of ["15m", "7d"] as const) {
    await check(w, "as loaded");
    // Freshness: the tier has just kept this window's statistics; new events land; it must see them.
    await fetchJson(`${tierUrl}/v1/scores?window=${w}&groupBy=touchpoint`);
    await insertNow(`f${runTag}-`, 500, 60_000);
    await check(w, "after 500 fresh events");
    if (!allExact) throw new Error("an answer differs from the raw rows: not timing it");

    const scenarios: [string, string | undefined, { connections?: number; live?: boolean }][] = [
      ["baseline: raw feedback_events", `${noTierUrl}/bench/raw-scores?window=${w}`, {}],
      ["rollups, no tier (before)", `${noTierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, {}],
      ["rollups, live tier", `${tierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, {}],
      [`rollups, live tier + ${(LIVE_BATCH * 1000) / LIVE_EVERY_MS} events/s inserted`, `${tierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, { live: true }],
      ["rollups, Redis cache", cachedUrl ? `${cachedUrl}/v1/scores?window=${w}&groupBy=touchpoint` : undefined, {}],
      ["1 client: no tier (before)", `${noTierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, { connections: 1 }],
      ["1 client: live tier", `${tierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, { connections: 1 }],
      [`1 client: live tier + ${(LIVE_BATCH * 1000) / LIVE_EVERY_MS} events/s inserted`, `${tierUrl}/v1/scores?window=${w}&groupBy=touchpoint`, { connections: 1, live: true }],
    ];
    for (const [name, url, opts] of scenarios) {
      if (!url) {
        rows.push([w, name, "–", "–", "–", "–", "–", "skipped (no Redis)"]);
        continue;
      }
      const connections = opts.connections ?? CONNECTIONS;
      log(`running ${w} ${name} (${SECONDS} s, ${connections} connections)`);
      let stop = false;
      let batches = 0;
      const live = opts.live
        ? (async () => {
            while (!stop) {
              const t = performance.now();
              await insertNow(`l${runTag}-`, LIVE_BATCH, 1000);
              batches++;
              await new Promise((r) => setTimeout(r, Math.max(0, LIVE_EVERY_MS - (performance.now() - t))));
            }
          })()
        : undefined;
      let trips = new Map<string, number>();
      const r = await run(url, inflight, connections, async () => {
        trips = await roundTrips(url);
      });
      stop = true;
      await live;
      // ClickHouse round trips per purpose per request completed (requests cut off when the
      // run stopped add their queries but are not counted, hence slightly over 1 without the tier).
      const after = await roundTrips(url);
      const perRequest = [...after]
        .map(([k, v]) => [k, v - (trips.get(k) ?? 0)] as const)
        .filter(([k, v]) => v > 0 && k !== "")
        .map(([k, v]) => `${k} ${(v / r.total).toFixed(3)}`)
        .join(", ");
      const note = [
        r.bad === 0 ? "" : `${r.bad} failed`,
        opts.live ? `${batches} insert batches` : "",
        perRequest ? `queries/request: ${perRequest}` : "",
        `loop delay p99 ${r.loopDelayP99.toFixed(0)} ms`,
      ]
        .filter(Boolean)
        .join("; ");
      rows.push([w, name, String(connections), r.p50.toFixed(1), r.p99.toFixed(1), r.rps.toFixed(0), r.total.toLocaleString(), note]);
    }
  }
  // The inserts during the timing moved the data: the answers must still be exact.
  for (const w of ["15m", "7d"] as const) await check(w, "after the timed inserts");
  if (!allExact) throw new Error("an answer differs from the raw rows after the live inserts");

  const header = ["window", "scenario", "conns", "p50 ms", "p99 ms", "req/s", "requests", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  console.log(`\n/v1/scores grouped by touchpoint — ${EVENTS.toLocaleString()} events, ${SECONDS} s per scenario, loopback HTTP`);
  console.log(`(windows: 15m = ${WINDOWS["15m"] / 60000} min, 7d = ${WINDOWS["7d"] / 86400000} days; ${process.version}, chDB embedded)\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));

  await noTier.app.close();
  await tier.app.close();
  await cached?.app.close();
  redis?.disconnect();
  await ownRedis?.stop();
  await ch.close();
  // A generated 10M-event database is half a gigabyte: keep it only when the caller chose the folder.
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}

await main();
