/**
 * pnpm bench:pipeline [events=1000000] [rate=5000]
 *
 * Pushes realistic events through Kafka → worker → ClickHouse (chDB) and prints, beside a baseline
 * measured in the same run on the same messages:
 *   - baseline: a bare kafkajs consumer that only decodes (JSON.parse) every message;
 *   - pulse: the worker process (decode, validate, dedup, enrich, insert, rollups, archive, commit),
 * both draining the same backlog of N events from a private broker (each rate taken between 10% and
 * 90% of the backlog, so start-up and group joins stay out of it); then a steady stream at a fixed
 * rate for the worker's freshness (Kafka timestamp → rows and rollups in ClickHouse) p50/p99,
 * and the worker's CPU and peak memory (from its own /metrics). Before the figures are printed, the
 * worker is stopped and its ClickHouse is opened to check exactness: every produced event stored
 * once in feedback_events and counted once in each rollup grain (a fast but wrong worker fails).
 *
 * BENCH_CPU_PROF=<dir>: the worker runs with --cpu-prof and writes its profile there at exit.
 * BENCH_WORKER_NODE_ARGS="<flags>": extra Node flags for the worker process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, openClickHouse } from "@pulse/clickhouse";
import { consumerLag, createBatchConsumer, createProducer, type Kafka } from "@pulse/kafka";
import { createProgressBar } from "@pulse/kit";
import { startPrivateKafka } from "@pulse/local-stack";
import { makeEvents } from "../src/testing/events";
import { MIGRATIONS, REPO_ROOT, privateTopics, wire } from "../src/testing/harness";

const N = Number(process.argv[2] ?? 1_000_000);
const RATE = Number(process.argv[3] ?? 5_000);
const STREAM_SECONDS = 20;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function produceAll(kafka: Kafka, topic: string, tenant: string, count: number, idPrefix: string, seed: number) {
  const producer = createProducer(kafka);
  const bar = createProgressBar("produce");
  const block = 50_000;
  for (let i = 0; i < count; i += block) {
    const events = makeEvents(Math.min(block, count - i), { seed: seed + i, idPrefix: `${idPrefix}-${i}`, customers: 200_000 });
    const msgs = events.map((e) => wire(tenant, e));
    await Promise.all(Array.from({ length: Math.ceil(msgs.length / 2000) }, (_, j) => producer.send(topic, msgs.slice(j * 2000, (j + 1) * 2000))));
    bar.update(i + events.length, count);
  }
  bar.finish(`${count} events`);
  await producer.disconnect();
}

/** A bare kafkajs consumer that only decodes, measured like the worker: between 10% and 90% of the backlog. */
async function baseline(kafka: Kafka, topic: string, count: number): Promise<number> {
  let seen = 0;
  const marks: { from?: { t: number; seen: number }; to?: { t: number; seen: number } } = {};
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const consumer = createBatchConsumer(kafka, {
    groupId: `bench-baseline-${Date.now()}`,
    topics: [topic],
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset }) => {
      let ok = 0;
      for (const m of batch.messages) {
        const v = JSON.parse(m.value?.toString("utf8") ?? "null") as { event?: { id?: string } } | null;
        if (v?.event?.id) ok++;
      }
      seen += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await consumer.raw.commitOffsets([{ topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }]);
      if (ok < 0) throw new Error("unreachable");
      const t = performance.now();
      if (!marks.from && seen >= 0.1 * count) marks.from = { t, seen };
      if (!marks.to && seen >= 0.9 * count) marks.to = { t, seen };
      if (seen >= count) resolveDone();
    },
  });
  await consumer.start();
  await done;
  await consumer.stop();
  const { from, to } = marks;
  if (!from || !to || to.seen <= from.seen) throw new Error("the baseline drain was too fast to measure: give more events");
  return (to.seen - from.seen) / ((to.t - from.t) / 1000);
}

async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

function histogramQuantile(m: Map<string, number>, name: string, q: number): number {
  const buckets = [...m].filter(([k]) => k.startsWith(`${name}_bucket`)).map(([k, v]) => ({ le: Number(/le="([^"]+)"/.exec(k)?.[1]?.replace("+Inf", "Infinity")), v })).sort((a, b) => a.le - b.le);
  const total = buckets[buckets.length - 1]?.v ?? 0;
  const rank = q * total;
  let prevLe = 0;
  let prevV = 0;
  for (const b of buckets) {
    if (b.v >= rank) return b.le === Infinity ? prevLe : prevLe + ((b.le - prevLe) * (rank - prevV)) / Math.max(1, b.v - prevV);
    prevLe = b.le;
    prevV = b.v;
  }
  return NaN;
}

/** Every produced event once in feedback_events and once in each rollup grain; throws otherwise. */
async function checkExact(path: string, tenant: string, expected: number): Promise<string> {
  const ch = await openClickHouse({ path, database: "pulse" });
  try {
    await migrate(ch, MIGRATIONS);
    const one = async (sql: string) => {
      const rs = await ch.client.query({ query: sql, query_params: { tenant }, format: "JSONEachRow" });
      const [row] = (await rs.json()) as { n: string | number }[];
      return Number(row?.n ?? NaN);
    };
    const counts = {
      feedback_events: await one("SELECT count() AS n FROM feedback_events WHERE tenant = {tenant:String}"),
      distinct_ids: await one("SELECT uniqExact(event_id) AS n FROM feedback_events WHERE tenant = {tenant:String}"),
      rollup_minute: await one("SELECT sum(events) AS n FROM rollup_minute WHERE tenant = {tenant:String}"),
      rollup_hour: await one("SELECT sum(events) AS n FROM rollup_hour WHERE tenant = {tenant:String}"),
      rollup_day: await one("SELECT sum(events) AS n FROM rollup_day WHERE tenant = {tenant:String}"),
    };
    const wrong = Object.entries(counts).filter(([, n]) => n !== expected);
    if (wrong.length > 0) throw new Error(`not exact: expected ${expected} events, got ${wrong.map(([k, n]) => `${k}=${n}`).join(", ")}`);
    return `${expected} events, each once in feedback_events and in the minute, hour and day rollups`;
  } finally {
    await ch.close();
  }
}

/** Where the chunks' wall-clock time went between two scrapes (pulse_worker_chunk_step_seconds_total). */
function breakdown(what: string, from: Map<string, number>, to: Map<string, number>): string {
  const all = [...to]
    .filter(([k]) => k.startsWith("pulse_worker_chunk_step_seconds_total{"))
    .map(([k, v]) => [/step="([^"]+)"/.exec(k)?.[1] ?? k, v - (from.get(k) ?? 0)] as const);
  // Top-level steps by time, each followed by the steps that ran side by side inside it.
  const steps = all
    .filter(([k]) => !k.includes("/"))
    .sort((x, y) => y[1] - x[1])
    .flatMap((p) => [p, ...all.filter(([k]) => k.startsWith(`${p[0]}/`))]);
  const total = steps.filter(([k]) => !k.includes("/")).reduce((t, [, v]) => t + v, 0);
  const count = (m: Map<string, number>) => [...m].filter(([k]) => k.startsWith("pulse_worker_chunk_size_count")).reduce((t, [, v]) => t + v, 0);
  const chunks = count(to) - count(from);
  const lines = steps.map(([k, v]) => {
    const name = k.includes("/") ? `  of which, side by side: ${k.slice(k.indexOf("/") + 1)}` : k;
    const share = k.includes("/") ? "       " : `${((v / total) * 100).toFixed(1).padStart(6)}%`;
    return `  ${name.padEnd(46)}${v.toFixed(1).padStart(9)} s ${share}${((v / Math.max(1, chunks)) * 1000).toFixed(1).padStart(10)} ms/chunk`;
  });
  return `where the chunks' time went during ${what}: ${chunks} chunks, wall-clock summed over the partitions processed side by side\n${lines.join("\n")}\n`;
}

async function main() {
  process.stderr.write(`pipeline bench: ${N} events, then ${STREAM_SECONDS}s at ${RATE}/s\n`);
  const broker = await startPrivateKafka({ root: REPO_ROOT });
  try {
    const { kafka, topics, prefix } = await privateTopics(broker.brokers, 6);
    const tenant = "bench";
    await produceAll(kafka, topics.feedback, tenant, N, "b", 1);

    process.stderr.write("baseline: bare kafkajs consumer decoding every message…\n");
    const baseRate = await baseline(kafka, topics.feedback, N);

    const metricsPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "pulse-bench-"));
    const group = `bench-worker-${Date.now()}`;
    const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // BENCH_WORKER_NODE_ARGS: extra Node flags for the worker (e.g. "--max-semi-space-size=64").
    prof.push(...(process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean));
    const child = spawn(process.execPath, [...prof, "--import", "tsx", join(REPO_ROOT, "services/worker/src/main.ts")], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        LOG_LEVEL: "warn",
        // As ./pulse starts every role: room in libuv's pool for chDB's statements and the archive.
        UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "16",
        KAFKA_BROKERS: broker.brokers.join(","),
        KAFKA_TOPIC_PREFIX: prefix,
        CLICKHOUSE_PATH: join(dir, "ch"),
        ARCHIVE_DIR: join(dir, "archive"),
        REDIS_KEY_PREFIX: `bench:${Date.now()}:`,
        WORKER_GROUP_ID: group,
        WORKER_METRICS_PORT: String(metricsPort),
        MIGRATIONS_DIR: MIGRATIONS,
      },
    });
    // A worker that dies (a start-up error, a crash) ends the bench instead of leaving it waiting.
    let childExit: string | null = null;
    child.once("exit", (code, signal) => (childExit = `the worker exited (${signal ?? `code ${code}`}) before the drain finished`));
    // The drain rate is taken between 10% and 90% of the backlog committed: the worker's start-up
    // (migrations, group join) and the chunks in flight at the first commit stay out of it.
    const bar = createProgressBar("worker");
    let from: { t: number; done: number } | null = null;
    let to: { t: number; done: number } | null = null;
    let atStart = new Map<string, number>();
    let atEnd = new Map<string, number>();
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      if (childExit) throw new Error(childExit);
      const lag = await consumerLag(kafka, group, topics.feedback).catch(() => null);
      if (!lag) continue;
      const done = Number(lag.reduce((s, p) => s + p.committed, 0n));
      const t = performance.now();
      if (!from && done >= 0.1 * N) {
        from = { t, done };
        atStart = await scrape(metricsPort);
      }
      if (!to && done >= 0.9 * N) {
        to = { t, done };
        atEnd = await scrape(metricsPort);
      }
      bar.update(done, N);
      if (done >= N) break;
    }
    bar.finish(`drained ${N} events`);
    if (!from || !to || to.done <= from.done) throw new Error("the drain was too fast to measure: give more events");
    const drainSecs = (to.t - from.t) / 1000;
    const workerRate = (to.done - from.done) / drainSecs;
    const afterDrain = atEnd;

    // Steady stream for freshness: produce at RATE for STREAM_SECONDS in 100 ms slices.
    process.stderr.write(`stream: ${RATE}/s for ${STREAM_SECONDS}s…\n`);
    const before = await scrape(metricsPort);
    const producer = createProducer(kafka);
    const perSlice = Math.round(RATE / 10);
    let sent = 0;
    const streamStart = performance.now();
    for (let s = 0; s < STREAM_SECONDS * 10; s++) {
      const events = makeEvents(perSlice, { seed: 10_000 + s, idPrefix: `s${s}`, customers: 200_000, baseTime: Date.now() - 60_000 });
      await producer.send(topics.feedback, events.map((e) => wire(tenant, e)));
      sent += events.length;
      const wait = streamStart + (s + 1) * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await producer.disconnect();
    for (;;) {
      const lag = await consumerLag(kafka, group, topics.feedback);
      if (lag.every((p) => p.lag === 0n)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await scrape(metricsPort);
    const delta = new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));
    const p50 = histogramQuantile(delta, "pulse_worker_freshness_seconds", 0.5);
    const p99 = histogramQuantile(delta, "pulse_worker_freshness_seconds", 0.99);
    const cpuKey = 'process_cpu_seconds_total{service="worker"}';
    const cpu = ((afterDrain.get(cpuKey) ?? NaN) - (atStart.get(cpuKey) ?? NaN)) / drainSecs;
    const mib = (k: string) => (after.get(`${k}{service="worker"}`) ?? NaN) / 2 ** 20;
    const rss = mib("process_resident_memory_bytes");
    const heap = mib("nodejs_heap_size_used_bytes");
    const external = mib("nodejs_external_memory_bytes");
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    const exact = await checkExact(join(dir, "ch"), tenant, N + sent);

    const rows = [
      ["", "events/s (drain)", "vs baseline"],
      ["baseline: kafkajs consume + JSON.parse", baseRate.toFixed(0), "1.00"],
      ["pulse worker → ClickHouse + rollups", workerRate.toFixed(0), (workerRate / baseRate).toFixed(2)],
    ];
    process.stdout.write(`\n${rows.map((r) => `${(r[0] ?? "").padEnd(42)}${(r[1] ?? "").padStart(18)}${(r[2] ?? "").padStart(13)}`).join("\n")}\n\n`);
    process.stdout.write(`worker CPU while draining: ${(cpu * 100).toFixed(0)}% of one core (2 cores here; JS plus ClickHouse's threads); RSS after the run: ${rss.toFixed(0)} MiB (V8 heap used ${heap.toFixed(0)} MiB, buffers outside it ${external.toFixed(0)} MiB; the rest is mostly the embedded ClickHouse)\n`);
    const drained = to.done - from.done;
    const ev = (m: Map<string, number>, e: string) => [...m].find(([k]) => k.startsWith("pulse_clickhouse_profile_events{") && k.includes(`event="${e}"`))?.[1] ?? NaN;
    const per = (e: string, unit: number) => ((ev(afterDrain, e) - ev(atStart, e)) * unit) / drained;
    const cpuPerEvent = (((afterDrain.get(cpuKey) ?? NaN) - (atStart.get(cpuKey) ?? NaN)) * 1e6) / drained;
    process.stdout.write(
      `worker CPU per event while draining: ${cpuPerEvent.toFixed(1)} µs, of which the engine's threads ${(per("UserTimeMicroseconds", 1) + per("SystemTimeMicroseconds", 1)).toFixed(1)} µs ` +
        `(engine wall time per event, summed over its threads: inserts ${per("InsertQueryTimeMicroseconds", 1).toFixed(1)} µs, selects ${per("SelectQueryTimeMicroseconds", 1).toFixed(1)} µs, ` +
        `merges ${per("MergeTotalMilliseconds", 1000).toFixed(1)} µs; ${per("MergedRows", 1).toFixed(1)} rows merged per event)\n`,
    );
    process.stdout.write(breakdown(`the drain (${N} events)`, atStart, afterDrain));
    process.stdout.write(breakdown(`the steady stream (${RATE}/s)`, before, after));
    process.stdout.write(`exactness (checked after the worker stopped): ${exact}\n`);
    process.stdout.write(`freshness at ${RATE}/s (${sent} events, histogram estimate): p50 ${(p50 * 1000).toFixed(0)} ms, p99 ${(p99 * 1000).toFixed(0)} ms\n`);
  } finally {
    await broker.stop();
  }
}

await main();
process.exit(0);
