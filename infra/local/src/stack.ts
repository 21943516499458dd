import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKafka, ensureTopics, loadTopicsFile } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";
import { isAlive } from "./child-process";
import { startKafka, stopKafkaByPidFile, type KafkaHandle } from "./kafka";
import { ensureKafkaJars } from "./kafka-jars";
import { seconds, stderrProgress, type Progress } from "./progress";
import { ensureRedis, stopRedisByPidFile, type RedisHandle } from "./redis";
import {
  LOCAL_S3_CREDENTIALS,
  LOCAL_S3_REGION,
  startS3,
  stopS3ByPidFile,
  type S3Handle,
} from "./s3";
import { ensureS3ProxyJar } from "./s3-jar";
import { stackLayout, type StackLayout, type StackPorts, type StackProfile } from "./stack-layout";

export interface StartStackOptions extends Partial<StackPorts> {
  /** The repository root (folder holding pnpm-workspace.yaml). */
  root: string;
  profile: StackProfile;
  /** Where the profile keeps its state; default `<root>/data/local-stack` or `<root>/.cache/test-stack`. */
  stateDir?: string;
  /** Jar cache; default `<root>/.cache/maven-jars`. */
  cacheDir?: string;
  /** Stop leftovers and wipe the profile's state first. Default: true for "test", false for "dev". */
  fresh?: boolean;
  progress?: Progress;
}

export interface Stack {
  readonly layout: StackLayout;
  /** What services read: KAFKA_BROKERS, S3_*, REDIS_URL. */
  readonly env: StackEnv;
  readonly kafka: KafkaHandle;
  readonly s3: S3Handle;
  readonly redis: RedisHandle;
  /** Stops what this call started; servers it found running (reused) are left alone. */
  stop(): Promise<void>;
}

/** What services (and integration tests, through `inject("stack")`) read from a running stack. */
export interface StackEnv {
  KAFKA_BROKERS: string;
  S3_ENDPOINT: string;
  S3_BUCKET: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
  REDIS_URL: string;
}

export function stackEnv(
  layout: StackLayout,
  kafka: { brokers: string[] },
  s3: { endpoint: string },
): StackEnv {
  return {
    KAFKA_BROKERS: kafka.brokers.join(","),
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: layout.bucket,
    S3_REGION: LOCAL_S3_REGION,
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    REDIS_URL: layout.redisUrl,
  };
}

/** Stops every server a profile left running (found through the pid files in its state dir). */
export async function stopLeftovers(layout: StackLayout): Promise<string[]> {
  const stopped: string[] = [];
  const note = (what: string) => (pid: number | undefined) => {
    if (pid !== undefined) stopped.push(`${what} (pid ${pid})`);
  };
  await Promise.all([
    stopKafkaByPidFile(layout.kafkaDir).then(note("kafka")),
    stopS3ByPidFile(layout.s3Dir).then(note("s3")),
    stopRedisByPidFile(layout.redisDir, Number(new URL(layout.redisUrl).port || 6379)).then(
      note("redis"),
    ),
  ]);
  return stopped;
}

export async function startStack(opts: StartStackOptions): Promise<Stack> {
  const progress = opts.progress ?? stderrProgress;
  const { kafkaPort, kafkaControllerPort, s3Port, redisUrl } = opts;
  const layout = stackLayout(opts.root, opts.profile, {
    kafkaPort,
    kafkaControllerPort,
    s3Port,
    redisUrl,
    stateDir: opts.stateDir,
    cacheDir: opts.cacheDir,
  });
  const t0 = Date.now();
  if (opts.fresh ?? opts.profile === "test") {
    const stopped = await stopLeftovers(layout);
    if (stopped.length > 0) progress(`stack: stopped leftovers: ${stopped.join(", ")}`);
    rmSync(layout.stateDir, { recursive: true, force: true });
  }
  // Sequential on purpose: two mvn processes writing ~/.m2 at once can corrupt it.
  await ensureKafkaJars({ cacheDir: layout.cacheDir, progress });
  await ensureS3ProxyJar({ cacheDir: layout.cacheDir, progress });

  const common = { logDir: layout.logDir, cacheDir: layout.cacheDir, progress };
  const results = await Promise.allSettled([
    startKafka({
      ...common,
      port: layout.kafkaPort,
      controllerPort: layout.kafkaControllerPort,
      dataDir: layout.kafkaDir,
    }),
    startS3({ ...common, port: layout.s3Port, dataDir: layout.s3Dir, buckets: [layout.bucket] }),
    ensureRedis(layout.redisUrl, { dataDir: layout.redisDir, logDir: layout.logDir, progress }),
  ]);
  const [kafkaR, s3R, redisR] = results;
  if (
    kafkaR?.status !== "fulfilled" ||
    s3R?.status !== "fulfilled" ||
    redisR?.status !== "fulfilled"
  ) {
    // Leave nothing half-started behind.
    await Promise.allSettled([
      kafkaR?.status === "fulfilled" && !kafkaR.value.reused ? kafkaR.value.stop() : undefined,
      s3R?.status === "fulfilled" && !s3R.value.reused ? s3R.value.stop() : undefined,
      redisR?.status === "fulfilled" ? redisR.value.stop() : undefined,
    ]);
    const failures = results.flatMap((r): unknown[] => (r.status === "rejected" ? [r.reason] : []));
    throw failures.length === 1
      ? failures[0]
      : new AggregateError(failures, "stack: several servers failed to start");
  }
  const kafka = kafkaR.value;
  const s3 = s3R.value;
  const redis = redisR.value;

  try {
    const client = createKafka({
      brokers: kafka.brokers,
      clientId: "pulse-local-stack-topics",
      logger: silentLogger,
    });
    await ensureTopics(client, loadTopicsFile(layout.topicsFile), { progress });
  } catch (e) {
    await Promise.allSettled([
      kafka.reused ? undefined : kafka.stop(),
      s3.reused ? undefined : s3.stop(),
      redis.stop(),
    ]);
    throw e;
  }
  const env = stackEnv(layout, kafka, s3);
  writeFileSync(
    join(layout.stateDir, "stack.env"),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
  progress(`stack: ${opts.profile} stack ready in ${seconds(t0)}`);

  let stopping: Promise<void> | undefined;
  return {
    layout,
    env,
    kafka,
    s3,
    redis,
    stop() {
      stopping ??= (async () => {
        const results = await Promise.allSettled([
          kafka.reused ? undefined : kafka.stop(),
          s3.reused ? undefined : s3.stop(),
          redis.stop(),
        ]);
        const failures = results.flatMap((r): unknown[] =>
          r.status === "rejected" ? [r.reason] : [],
        );
        if (failures.length > 0) throw new AggregateError(failures, "stack: stop failed");
      })();
      return stopping;
    },
  };
}

export interface DeadServer {
  name: "kafka" | "s3" | "redis";
  pid: number;
  /** Started by another run and reused by this one. */
  reused: boolean;
}

/**
 * Supervision: calls `onDeath` once with every server of the stack that has exited (checked every
 * `intervalMs`). Returns a function that ends the watch; stop it before stopping the stack on
 * purpose. Used by `pulse stack up` and standalone `pulse start`, which both say so loudly.
 */
export function superviseStack(stack: Pick<Stack, "kafka" | "s3" | "redis">, onDeath: (dead: DeadServer[]) => void, intervalMs = 1_000): () => void {
  const watched: DeadServer[] = [
    { name: "kafka", pid: stack.kafka.pid, reused: stack.kafka.reused },
    { name: "s3", pid: stack.s3.pid, reused: stack.s3.reused },
  ];
  if (stack.redis.started && stack.redis.pid !== undefined) watched.push({ name: "redis", pid: stack.redis.pid, reused: false });
  const timer = setInterval(() => {
    const dead = watched.filter((s) => !isAlive(s.pid));
    if (dead.length === 0) return;
    clearInterval(timer);
    onDeath(dead);
  }, intervalMs);
  return () => clearInterval(timer);
}

/** "kafka (pid 12), s3 (pid 34, started by another run)". */
export function describeDead(dead: readonly DeadServer[]): string {
  return dead.map((s) => `${s.name} (pid ${s.pid}${s.reused ? ", started by another run" : ""})`).join(", ");
}
