import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createReader, openClickHouse } from "@pulse/clickhouse";
import { hashApiKey } from "@pulse/collector";
import { consumerLag, createKafka, createProducer, declaredTopics, ensureTopics, topicNames } from "@pulse/kafka";
import { seededRandom, silentLogger } from "@pulse/kit";
import { freePort, LOCAL_S3_CREDENTIALS, startPrivateKafka, startS3, type S3Handle } from "@pulse/local-stack";
import { listDeadLetters } from "@pulse/worker";
import { LoadGenerator, type TenantLedger } from "./load";
import { AofRedis } from "./redis-aof";
import { ServiceProcess } from "./service-process";
import { GRAINS, judgeTenant, SUM_COLUMNS, type Sums, type TenantVerdict } from "./verify";

export interface ChaosOptions {
  root: string;
  seed: number;
  workerKills: number;
  brokerKills: number;
  redisFaults: number;
  s3Stops: number;
  ratePerSecond: number;
  /** A worker lives a random time in [min, max] before it is SIGKILLed. */
  workerLifeMs: [number, number];
  log: (line: string) => void;
  /** Keep the run's folder (logs, data) even when everything matched. */
  keep?: boolean;
}

export type Faults = Record<"worker SIGKILL" | "broker kill+restart" | "redis restart (AOF)" | "redis unreachable" | "s3 stopped" | "worker exited by itself" | "collector exited by itself", number>;

export interface ChaosReport {
  faults: Faults;
  tenants: TenantVerdict[];
  deadLetters: Record<string, number>;
  /** Garbage produced straight to the topic: the only dead letters expected. */
  poison: number;
  maxStallSeconds: number;
  seconds: number;
  requests: { total: number; failed: number; statuses: Record<string, number> };
  dir: string;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Steady load through the real collector while worker processes are SIGKILLed, the Kafka broker
 * is killed and restarted, Redis (append-only file) is restarted or frozen, and the S3 server is
 * stopped; then every tenant's events and rollups are compared with the sender's own ledger.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  // Everything started is stopped, also when the run fails half-way (in reverse order).
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    return await run(o, cleanups);
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

async function run(o: ChaosOptions, cleanups: (() => Promise<unknown>)[]): Promise<ChaosReport> {
  const started = Date.now();
  const id = randomUUID().slice(0, 8);
  const dir = join(o.root, ".cache", "chaos", id);
  mkdirSync(dir, { recursive: true });
  const rnd = seededRandom(o.seed);
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(rnd() * (hi - lo));
  const faults: Faults = { "worker SIGKILL": 0, "broker kill+restart": 0, "redis restart (AOF)": 0, "redis unreachable": 0, "s3 stopped": 0, "worker exited by itself": 0, "collector exited by itself": 0 };

  o.log(`chaos: run ${id} (seed ${o.seed}) in ${dir}`);
  const broker = await startPrivateKafka({ root: o.root });
  cleanups.push(() => broker.stop());
  const kafka = createKafka({ brokers: broker.brokers, clientId: "chaos", logger: silentLogger });
  const prefix = `chaos-${id}.`;
  const topics = topicNames(prefix);
  await ensureTopics(kafka, declaredTopics(prefix, { feedback: 6, deadLetters: 1 }));
  const redis = new AofRedis(join(dir, "redis"), await freePort());
  await redis.start();
  cleanups.push(() => redis.kill());
  const s3Options = { port: await freePort(), dataDir: join(dir, "s3"), logDir: join(dir, "s3"), cacheDir: join(o.root, ".cache", "maven-jars"), buckets: ["chaos-archive"], progress: () => {} };
  let s3: S3Handle = await startS3(s3Options);
  cleanups.push(() => s3.kill());

  const ledgers: TenantLedger[] = ["alpha", "bravo", "charlie"].map((name) => ({
    tenant: `${name}${id.slice(0, 4)}`,
    key: `chaos-${name}-${randomUUID()}`,
    sent: new Map(),
    acked: new Set(),
    pending: [],
    rejected: [],
  }));
  const collectorPort = await freePort();
  const common = { LOG_LEVEL: "warn", KAFKA_BROKERS: broker.brokers.join(","), KAFKA_TOPIC_PREFIX: prefix, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `chaos:${id}:` };
  const collector = new ServiceProcess(o.root, "collector", {
    ...common,
    HOST: "127.0.0.1",
    PORT: String(collectorPort),
    PULSE_API_KEYS: ledgers.map((l) => `${hashApiKey(l.key)}:${l.tenant}:chaos`).join(","),
    // The ops listener (/metrics) on a free port, so runs beside other Pulse processes never collide.
    METRICS_PORT: "0",
    RATE_LIMIT_EVENTS_PER_SECOND: "1000000",
    RATE_LIMIT_BURST: "1000000",
  }, join(dir, "collector.log"));
  const chPath = join(dir, "clickhouse");
  const worker = new ServiceProcess(o.root, "worker", {
    ...common,
    CLICKHOUSE_PATH: chPath,
    MIGRATIONS_DIR: join(o.root, "infra/clickhouse"),
    WORKER_GROUP_ID: `chaos-${id}`,
    WORKER_METRICS_PORT: "0",
    // Long enough for a full fetch to be decoded under load (6 s livelocked the group), short
    // enough that a killed member's partitions move on within a worker's life.
    WORKER_SESSION_TIMEOUT_MS: "10000",
    WORKER_MAX_CHUNK: "2000",
    WORKER_RETRY_MAX_SECONDS: "5",
    S3_BUCKET: "chaos-archive",
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  }, join(dir, "worker.log"));

  cleanups.push(() => worker.stop("SIGKILL"), () => collector.stop("SIGKILL"));
  collector.start();
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${collectorPort}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    // Generous: under a loaded machine tsx alone can take a minute to load a service.
    if (i > 3000) throw new Error(`the collector did not start within 300 s (see ${join(dir, "collector.log")})`);
    await sleep(100);
  }
  worker.start();

  // Garbage produced straight into the topic: the only dead letters the run may show.
  const poison = 3;
  const producer = createProducer(kafka);
  await producer.send(topics.feedback, Array.from({ length: poison }, (_, i) => ({ key: `poison-${i}`, value: Buffer.from(`{not json ${i}`) })));
  await producer.disconnect();

  const load = new LoadGenerator(`http://127.0.0.1:${collectorPort}`, ledgers, o.ratePerSecond, o.seed);
  load.start();

  // Max stall: the longest time any partition had lag and its committed offset did not move.
  let maxStallMs = 0;
  const progress = new Map<number, { committed: bigint; since: number }>();
  let monitoring = true;
  const monitor = (async () => {
    while (monitoring) {
      try {
        const now = Date.now();
        for (const p of await consumerLag(kafka, `chaos-${id}`, topics.feedback)) {
          const last = progress.get(p.partition);
          if (p.lag === 0n || !last || last.committed !== p.committed) progress.set(p.partition, { committed: p.committed, since: now });
          else maxStallMs = Math.max(maxStallMs, now - last.since);
        }
      } catch {
        // The broker is down: the stall keeps growing and is measured once it answers again.
      }
      await sleep(1000);
    }
  })();

  // Services that die on their own (not by our hand) are restarted and counted.
  let killing = false;
  let supervising = true;
  const supervise = (async () => {
    while (supervising) {
      await sleep(500);
      if (!supervising) break;
      if (!collector.running) {
        faults["collector exited by itself"]++;
        collector.start();
      }
      if (!worker.running && !killing) {
        faults["worker exited by itself"]++;
        worker.start();
      }
    }
  })();

  const meanLife = (o.workerLifeMs[0] + o.workerLifeMs[1]) / 2;
  const planned = o.workerKills * (meanLife + 1500);
  const workerLoop = (async () => {
    for (let k = 0; k < o.workerKills; k++) {
      await sleep(between(o.workerLifeMs));
      killing = true;
      await worker.stop("SIGKILL");
      faults["worker SIGKILL"]++;
      worker.start();
      killing = false;
      if ((k + 1) % 10 === 0) o.log(`chaos: ${k + 1}/${o.workerKills} worker kills, ${ledgers.reduce((s, l) => s + l.sent.size, 0)} events sent`);
    }
  })();
  // Every requested fault is injected, also when the worker kills are over first (the worker
  // then keeps running under the remaining broker, Redis and S3 faults).
  const spaced = async (count: number, fault: () => Promise<void>) => {
    for (let k = 0; k < count; k++) {
      await sleep(between([planned / (count + 1) / 2, (planned / (count + 1)) * 1.5]));
      await fault();
    }
  };
  const brokerLoop = spaced(o.brokerKills, async () => {
    await broker.kill();
    faults["broker kill+restart"]++;
    await sleep(between([2000, 8000]));
    await broker.restart();
  });
  const redisLoop = spaced(o.redisFaults, async () => {
    if (rnd() < 0.5) {
      await redis.restart();
      faults["redis restart (AOF)"]++;
    } else {
      redis.pause();
      faults["redis unreachable"]++;
      await sleep(between([3000, 12_000]));
      redis.resume();
    }
  });
  const s3Loop = spaced(o.s3Stops, async () => {
    await s3.kill();
    faults["s3 stopped"]++;
    await sleep(between([5000, 20_000]));
    s3 = await startS3(s3Options);
  });
  await Promise.all([workerLoop, brokerLoop, redisLoop, s3Loop]);
  load.stop();
  o.log(`chaos: faults over after ${Math.round((Date.now() - started) / 1000)} s; resending what the collector did not take, then draining`);

  let report: ChaosReport | undefined;
  try {
    await load.drain(300_000);
    const until = Date.now() + 600_000;
    for (;;) {
      const lag = await consumerLag(kafka, `chaos-${id}`, topics.feedback).then((ps) => ps.reduce((s, p) => s + p.lag, 0n), () => -1n);
      if (lag === 0n) break;
      if (Date.now() > until) throw new Error(`the worker did not drain the topic within 10 minutes (lag ${lag})`);
      await sleep(1000);
    }
    monitoring = false;
    supervising = false;
    await Promise.all([monitor, supervise]);
    await worker.stop("SIGTERM");
    await collector.stop("SIGTERM");

    const ch = await openClickHouse({ path: chPath, database: "pulse" });
    const reader = createReader(ch);
    const tenants: TenantVerdict[] = [];
    try {
      for (const l of ledgers) {
        const ids = (await reader.query<{ id: string }>("SELECT event_id AS id FROM feedback_events WHERE tenant = {t:String}", { t: l.tenant })).map((r) => r.id);
        const rollups: Record<string, Sums> = {};
        for (const grain of GRAINS) {
          const [r] = await reader.query<Record<string, unknown>>(`SELECT ${SUM_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(", ")} FROM ${grain} WHERE tenant = {t:String}`, { t: l.tenant });
          rollups[grain] = Object.fromEntries(SUM_COLUMNS.map((c) => [c, Number(r?.[c] ?? 0)])) as unknown as Sums;
        }
        tenants.push(judgeTenant(l, ids, rollups));
      }
    } finally {
      await ch.close();
    }
    const deadLetters: Record<string, number> = {};
    for (const d of await listDeadLetters(kafka, topics)) deadLetters[d.reason] = (deadLetters[d.reason] ?? 0) + 1;
    const dlqTotal = Object.values(deadLetters).reduce((s, n) => s + n, 0);
    const ok = tenants.every((t) => t.lost === 0 && t.doubled === 0 && t.unexpected === 0 && t.rejected === 0 && t.rollupMismatches.length === 0) && dlqTotal === poison && deadLetters.invalid_json === poison;
    report = {
      faults,
      tenants,
      deadLetters,
      poison,
      maxStallSeconds: Math.round(maxStallMs / 100) / 10,
      seconds: Math.round((Date.now() - started) / 1000),
      requests: { total: load.stats.requests, failed: load.stats.failedRequests, statuses: load.stats.statuses },
      dir,
      ok,
    };
    return report;
  } finally {
    monitoring = false;
    supervising = false;
    if (report?.ok && !o.keep) cleanups.unshift(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  }
}

/** The one table of a run. */
export function formatReport(r: ChaosReport): string {
  const lines: string[] = [];
  lines.push(`faults injected: ${Object.entries(r.faults).map(([k, v]) => `${k} ${v}`).join(" · ")}`);
  lines.push("");
  lines.push("tenant          generated  accepted   counted  lost  doubled  unexpected  rejected  rollups");
  const pad = (v: unknown, n: number) => String(v).padStart(n);
  for (const t of r.tenants) {
    lines.push(`${t.tenant.padEnd(14)} ${pad(t.generated, 10)} ${pad(t.accepted, 9)} ${pad(t.counted, 9)} ${pad(t.lost, 5)} ${pad(t.doubled, 8)} ${pad(t.unexpected, 11)} ${pad(t.rejected, 9)}  ${t.rollupMismatches.length === 0 ? "exact (minute, hour, day)" : t.rollupMismatches.join("; ")}`);
  }
  const sum = (k: "generated" | "accepted" | "counted" | "lost" | "doubled") => r.tenants.reduce((s, t) => s + t[k], 0);
  lines.push(`${"total".padEnd(14)} ${pad(sum("generated"), 10)} ${pad(sum("accepted"), 9)} ${pad(sum("counted"), 9)} ${pad(sum("lost"), 5)} ${pad(sum("doubled"), 8)}`);
  lines.push("");
  lines.push(`dead letters: ${JSON.stringify(r.deadLetters)} (expected: ${r.poison} invalid_json, the garbage produced straight to the topic)`);
  lines.push(`max stall: ${r.maxStallSeconds} s (a partition with lag whose committed offset did not move)`);
  lines.push(`requests: ${r.requests.total} (${r.requests.failed} failed and retried; statuses ${JSON.stringify(r.requests.statuses)})`);
  lines.push(`duration: ${r.seconds} s · ${r.ok ? "OK: nothing lost, nothing doubled" : `FAILED — logs and data kept in ${r.dir}`}`);
  return lines.join("\n");
}
