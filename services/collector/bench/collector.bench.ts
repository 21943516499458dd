/**
 * Collector throughput vs. producing directly with kafkajs, in the same run on the same broker.
 *
 *   pnpm bench:collector   (or ./pulse bench collector): starts a broker of its own and uses the
 *                          Redis at REDIS_URL (default 127.0.0.1:6379/0, started when none answers);
 *                          KAFKA_BROKERS=host:port benches an existing broker instead
 *   BENCH_SECONDS=20 BENCH_CLIENTS=16 BENCH_VARIANTS=direct,platformatic,per-request,linger5,directx2,linger5x2
 *   (a variant is direct, per-request or linger<ms>, each optionally x<producers>: that many
 *   idempotent producers sending at once, the collector's PRODUCE_CONCURRENCY; default 1;
 *   `platformatic` is the direct baseline through @platformatic/kafka instead of kafkajs)
 *
 * The collector runs in this process (so process.cpuUsage() is its CPU) on loopback with the real
 * broker and Redis; the HTTP clients run in a child process. Every request is a JSON array of 100
 * realistic fixture events with unique ids. The baseline sends the same messages (built exactly as
 * the collector builds them) with @pulse/kafka's producer, 100 per send, from as many concurrent loops;
 * each collector row is compared with the direct row of the same producer count.
 */
import { spawn } from "node:child_process";
import { request as httpRequest, Agent } from "node:http";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { EVENT_TYPES, type FeedbackEvent } from "@pulse/contract";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKafka, createProducer, declaredTopics, ensureTopics, kafkaReachable, topicNames } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { ensureRedis, startPrivateKafka, stderrProgress } from "@pulse/local-stack";
import { createRedis } from "@pulse/redis";
import { Producer as PlatformaticProducer, stringSerializers } from "@platformatic/kafka";
import { createCollectorApp } from "../src/app";
import { hashApiKey } from "../src/api-keys";
import { createRedisDedupStore } from "../src/dedup-store";
import { toKafkaMessage } from "../src/ingest-pipeline";

const BATCH = 100;
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Batch `n` of a run: 100 events of every type, unique ids, customers spread over partitions. */
function makeBatch(run: string, n: number): FeedbackEvent[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const type = EVENT_TYPES[i % EVENT_TYPES.length] ?? "survey.response";
    return makeSampleEvent(type, { id: `${run}-${n}-${i}`, customer: { id: `cus-${(n * 7 + i) % 5000}`, segment: "retail" } });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Figures {
  name: string;
  events: number;
  seconds: number;
  latenciesMs: number[];
  cpuMs: number;
  errors: number;
}

// ---------------------------------------------------------------- client (child process)
async function client(url: string, key: string, clients: number, seconds: number, run: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let accepted = 0;
  let errors = 0;
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const once = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/v1/events`, { method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const body = JSON.stringify(makeBatch(run, n++));
        const s = performance.now();
        try {
          const r = await once(body);
          latencies.push(performance.now() - s);
          if (r.status === 200) accepted += (JSON.parse(r.text) as { accepted: number }).accepted;
          else if (errors++ === 0) process.stderr.write(`first failed request: ${r.status} ${r.text.slice(0, 500)}\n`);
        } catch {
          errors++;
        }
      }
    }),
  );
  const out = { events: accepted, seconds: (Date.now() - t0) / 1000, latenciesMs: latencies, errors };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  agent.destroy();
}

// ---------------------------------------------------------------- runner
async function benchCollector(name: string, opts: { brokers: string[]; redisUrl: string; clients: number; seconds: number; lingerMs: number; coalesce: boolean; producers: number }): Promise<Figures> {
  const key = `bench-${Date.now()}`;
  const kafka = createKafka({ brokers: opts.brokers, clientId: "bench-collector", logger: silentLogger });
  const producer = createProducer(kafka, { instances: opts.producers });
  await producer.connect();
  const redis = createRedis({ url: opts.redisUrl, keyPrefix: "pulse-bench:" });
  redis.on("error", () => undefined);
  const app = await createCollectorApp({
    producer,
    topics: topicNames(),
    dedup: createRedisDedupStore(redis, { windowSeconds: 3600 }),
    keys: [{ sha256: hashApiKey(key), tenant: "bench", source: "bench" }],
    logger: silentLogger,
    metrics: createMetricsRegistry("collector-bench", { defaults: false }),
    limits: {
      maxBodyBytes: 5 * 1024 * 1024,
      maxEvents: 10_000,
      maxDepth: 32,
      rateLimit: { eventsPerSecond: 10_000_000, burst: 10_000_000 },
      produceTimeoutMs: 30_000,
      lingerMs: opts.lingerMs,
      maxSendBytes: 900 * 1024,
      maxInFlight: producer.concurrency,
      coalesce: opts.coalesce,
    },
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const cpu0 = process.cpuUsage();
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? "", "--client", address, key, String(opts.clients), String(opts.seconds), `c${opts.lingerMs}${opts.coalesce ? "c" : "n"}-${Date.now()}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  await new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`client exited with ${code}`)))));
  const cpu = process.cpuUsage(cpu0);
  await app.close();
  await producer.disconnect();
  redis.disconnect();
  const r = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { events: number; seconds: number; latenciesMs: number[]; errors: number };
  return { name, events: r.events, seconds: r.seconds, latenciesMs: r.latenciesMs, cpuMs: (cpu.user + cpu.system) / 1000, errors: r.errors };
}

/**
 * `clients` loops sending batch after batch for `seconds` through `send` (which sends batch `n`
 * made at `now` and returns its event count): the timing, latency and CPU every direct row shares.
 */
async function timedSends(name: string, opts: { clients: number; seconds: number }, send: (n: number, now: Date) => Promise<number>, onError: (e: unknown, errors: number) => void = () => undefined): Promise<Figures> {
  const latencies: number[] = [];
  let events = 0;
  let errors = 0;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const end = t0 + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (Date.now() < end) {
        const s = performance.now();
        try {
          events += await send(n++, new Date());
          latencies.push(performance.now() - s);
        } catch (e) {
          onError(e, errors++);
        }
      }
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { name, events, seconds, latenciesMs: latencies, cpuMs: (cpu.user + cpu.system) / 1000, errors };
}

async function benchDirect(name: string, opts: { brokers: string[]; clients: number; seconds: number; producers: number }): Promise<Figures> {
  const kafka = createKafka({ brokers: opts.brokers, clientId: "bench-direct", logger: silentLogger });
  const producer = createProducer(kafka, { instances: opts.producers });
  await producer.connect();
  const topic = topicNames().feedback;
  const principal = { tenant: "bench", source: "bench" };
  const run = `direct-${Date.now()}`;
  const figures = await timedSends(name, opts, async (n, now) => {
    const messages = makeBatch(run, n).map((e) => toKafkaMessage(principal, now, e));
    await producer.send(topic, messages);
    return messages.length;
  });
  await producer.disconnect();
  return figures;
}

/**
 * The same messages, sends and concurrency as the direct baseline, through @platformatic/kafka's
 * idempotent producer (acks=all, gzip): what another client library would cost, measured in the same run.
 */
async function benchPlatformatic(opts: { brokers: string[]; clients: number; seconds: number }): Promise<Figures> {
  // @platformatic/kafka needs Node 22's Promise.withResolvers; Pulse supports Node 20, so the bench lends it one.
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
    return { promise, resolve, reject };
  };
  const producer = new PlatformaticProducer({ clientId: "bench-platformatic", bootstrapBrokers: opts.brokers, serializers: stringSerializers, idempotent: true, acks: -1, compression: "gzip", autocreateTopics: false });
  const topic = topicNames().feedback;
  const principal = { tenant: "bench", source: "bench" };
  const run = `platformatic-${Date.now()}`;
  const figures = await timedSends(
    "direct @platformatic/kafka",
    opts,
    async (n, now) => {
      const messages = makeBatch(run, n).map((e) => {
        const m = toKafkaMessage(principal, now, e);
        return { topic, key: m.key as string, value: m.value as string, headers: m.headers ?? {}, timestamp: BigInt(m.timestamp ?? now.getTime()) };
      });
      await producer.send({ messages });
      return messages.length;
    },
    (e, before) => {
      if (before === 0) process.stderr.write(`platformatic: first failed send: ${(e as Error).message}\n`);
    },
  );
  await producer.close();
  return figures;
}

function row(f: Figures, baseline?: Figures): string {
  const sorted = [...f.latenciesMs].sort((a, b) => a - b);
  const rate = f.events / f.seconds;
  const cells = [
    f.name.padEnd(26),
    `${rate.toFixed(0).padStart(8)} ev/s`,
    `p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms`,
    `cpu ${((f.cpuMs / (f.seconds * 1000)) * 100).toFixed(0).padStart(3)}%`,
    `${(f.cpuMs / (f.events / 1000)).toFixed(1).padStart(6)} cpu-ms/1k ev`,
    `errors ${f.errors}`,
  ];
  if (baseline) cells.push(`ratio ${((rate / (baseline.events / baseline.seconds)) * 100).toFixed(0)}% of ${baseline.name}`);
  return cells.join("  ");
}

async function main(): Promise<void> {
  if (process.argv[2] === "--client") {
    const [, , , url, key, clients, seconds, run] = process.argv;
    await client(url ?? "", key ?? "", Number(clients), Number(seconds), run ?? "run");
    return;
  }
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const seconds = Number(process.env.BENCH_SECONDS ?? 20);
  const clients = Number(process.env.BENCH_CLIENTS ?? 16);
  const variants = (process.env.BENCH_VARIANTS ?? "direct,platformatic,per-request,linger5,directx2,linger5x2").split(",");
  // Every bench starts what it needs: a broker of its own (as bench:pipeline does) unless one is named.
  const own = process.env.KAFKA_BROKERS ? null : await startPrivateKafka({ root: REPO_ROOT, progress: stderrProgress });
  const redis = await ensureRedis(redisUrl, { dataDir: join(REPO_ROOT, ".cache", "bench-redis"), logDir: join(REPO_ROOT, ".cache", "bench-redis", "logs"), progress: stderrProgress });
  try {
    const brokers = own ? own.brokers : (process.env.KAFKA_BROKERS ?? "").split(",");
    if (own) await ensureTopics(createKafka({ brokers, clientId: "bench-setup", logger: silentLogger }), declaredTopics("", { feedback: 6 }));
    await runVariants({ brokers, redisUrl, seconds, clients, variants });
  } finally {
    await own?.stop();
    await redis.stop();
  }
}

async function runVariants({ brokers, redisUrl, seconds, clients, variants }: { brokers: string[]; redisUrl: string; seconds: number; clients: number; variants: string[] }): Promise<void> {
  const probe = createKafka({ brokers, clientId: "bench-probe", logger: silentLogger, retries: 1 });
  if (!(await kafkaReachable(probe, topicNames().feedback))) {
    process.stderr.write(`Kafka at ${brokers.join(",")} has no ${topicNames().feedback} topic or is down (KAFKA_BROKERS names it; unset, the bench starts its own).\n`);
    process.exit(1);
  }
  process.stdout.write(`collector bench: ${clients} clients × batches of ${BATCH} events, ${seconds} s per variant, broker ${brokers.join(",")}, node ${process.version}\n`);
  const rows: Array<[Figures, Figures | undefined]> = [];
  const baselines = new Map<number, Figures>();
  for (const [i, v] of variants.entries()) {
    process.stderr.write(`[${i + 1}/${variants.length}] ${v}: ${seconds} s…\n`);
    if (v === "platformatic") {
      const f = await benchPlatformatic({ brokers, clients, seconds });
      rows.push([f, baselines.get(1)]);
      process.stdout.write(`${row(f, baselines.get(1))}\n`);
      continue;
    }
    const m = /^(direct|per-request|linger(\d+))(?:x(\d+))?$/.exec(v);
    if (!m) throw new Error(`unknown variant ${v} (direct, per-request or linger<ms>, each optionally x<producers>; platformatic)`);
    const producers = Number(m[3] ?? 1);
    const withProducers = (label: string) => (producers === 1 ? label : `${label}, ${producers} producers`);
    let f: Figures;
    if (m[1] === "direct") {
      f = await benchDirect(withProducers("direct kafkajs"), { brokers, clients, seconds, producers });
      // Each collector row compares with the direct row of the same producer count (else the first direct row).
      baselines.set(producers, f);
    } else if (m[1] === "per-request") f = await benchCollector(withProducers("collector, send per request"), { brokers, redisUrl, clients, seconds, lingerMs: 0, coalesce: false, producers });
    else {
      const ms = Number(m[2]);
      f = await benchCollector(withProducers(`collector, linger ${ms} ms`), { brokers, redisUrl, clients, seconds, lingerMs: ms, coalesce: true, producers });
    }
    rows.push([f, f.name.startsWith("direct") ? undefined : (baselines.get(producers) ?? baselines.values().next().value)]);
    const [last, base] = rows[rows.length - 1] as [Figures, Figures | undefined];
    process.stdout.write(`${row(last, base)}\n`);
  }
  process.stdout.write("\nsummary\n");
  for (const [f, base] of rows) process.stdout.write(`${row(f, base)}\n`);
}

await main();
