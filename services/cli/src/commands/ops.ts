import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { clickhouseConfigFromEnv, migrate, openClickHouse } from "@pulse/clickhouse";
import { clickhouseEnv, commonEnv, kafkaEnv, loadConfig, redisEnv } from "@pulse/config";
import { createKafka, ensureTopics, loadTopicsFile, prefixTopics, topicNames } from "@pulse/kafka";
import { createProgressBar, createLogger, silentLogger, type Logger } from "@pulse/kit";
import { createQueueFactory, createRedis, QUEUE_NAMES } from "@pulse/redis";
import { CATALOGUE_KEYS, DEFAULT_REFRESH_MS, removeCatalogue, storeCatalogue } from "@pulse/catalogue";
import { checkReplayRange, listDeadLetters, redriveDeadLetters, type ReplayJobData } from "@pulse/worker";
import { flag, requireFlag, UsageError, type Args } from "../args";

export interface CommandContext {
  root: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const OpsEnv = z.object({ ...commonEnv, ...kafkaEnv, ...clickhouseEnv, ...redisEnv, CATALOGUE_FILE: z.string().optional(), MIGRATIONS_DIR: z.string().optional() });

function opsConfig(ctx: CommandContext) {
  return loadConfig(OpsEnv, ctx.env);
}

function logger(ctx: CommandContext): Logger {
  const level = opsConfig(ctx).LOG_LEVEL;
  return createLogger("cli", level === "info" ? "warn" : level);
}

/** pulse migrate: applies infra/clickhouse to the configured ClickHouse (embedded or server). */
export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const c = opsConfig(ctx);
  const ch = await openClickHouse(clickhouseConfigFromEnv(c));
  try {
    const r = await migrate(ch, c.MIGRATIONS_DIR ?? resolve(ctx.root, "infra/clickhouse"), { cluster: c.CLICKHOUSE_CLUSTER });
    ctx.stdout.write(`migrate (${ch.mode}, database ${ch.database}): applied ${r.applied.length} [${r.applied.join(", ")}], already applied ${r.alreadyApplied.length}\n`);
    return 0;
  } finally {
    await ch.close();
  }
}

/** pulse setup: migrations, Kafka topics from infra/kafka/topics.json, the catalogue into Redis. */
export async function setupCommand(ctx: CommandContext, args: Args): Promise<number> {
  const c = opsConfig(ctx);
  await migrateCommand(ctx);
  const spec = loadTopicsFile(resolve(ctx.root, "infra/kafka/topics.json"));
  // Silent client: polling a just-created topic for its leaders makes kafkajs log expected errors.
  const kafka = createKafka({ brokers: c.KAFKA_BROKERS, clientId: "pulse-setup", logger: silentLogger });
  await ensureTopics(kafka, prefixTopics(spec, c.KAFKA_TOPIC_PREFIX), { progress: (line) => ctx.stderr.write(`${line}\n`) });
  ctx.stdout.write(`topics ready on ${c.KAFKA_BROKERS.join(",")}\n`);
  if (c.CATALOGUE_FILE) {
    const tenant = flag(args, "tenant") ?? "default";
    const redis = createRedis({ url: c.REDIS_URL, keyPrefix: c.REDIS_KEY_PREFIX });
    await storeCatalogue(redis, tenant, readFileSync(c.CATALOGUE_FILE, "utf8"));
    redis.disconnect();
    ctx.stdout.write(`catalogue ${c.CATALOGUE_FILE} stored for tenant ${tenant}\n`);
  }
  return 0;
}

const CATALOGUE_USAGE = "usage: pulse catalogue load <file.json> --tenant <tenant> | pulse catalogue show --tenant <tenant> | pulse catalogue remove --tenant <tenant>";

/**
 * pulse catalogue load <file> --tenant <t> | show --tenant <t> | remove --tenant <t>: the tenant's
 * own catalogue in Redis, read by the worker's enrichment and the query service's targets alike.
 */
export async function catalogueCommand(ctx: CommandContext, args: Args): Promise<number> {
  const [sub, file] = args.positional;
  if ((sub !== "load" && sub !== "show" && sub !== "remove") || (sub === "load" && !file)) throw new UsageError(CATALOGUE_USAGE);
  const tenant = requireFlag(args, "tenant", "the tenant whose catalogue this is");
  const c = opsConfig(ctx);
  const redis = createRedis({ url: c.REDIS_URL, keyPrefix: c.REDIS_KEY_PREFIX });
  try {
    if (sub === "load") {
      const cat = await storeCatalogue(redis, tenant, readFileSync(file as string, "utf8"));
      const secs = DEFAULT_REFRESH_MS / 1000;
      ctx.stdout.write(`catalogue for tenant ${tenant} stored (${Object.keys(cat.touchpoints).length} touchpoints); the worker's enrichment and the query service's targets use it within ${secs} s\n`);
    } else if (sub === "show") {
      const raw = await redis.get(CATALOGUE_KEYS.tenant(tenant));
      ctx.stdout.write(raw ? `${JSON.stringify(JSON.parse(raw), null, 2)}\n` : `tenant ${tenant} has no catalogue of its own (the CATALOGUE_FILE applies)\n`);
    } else {
      const removed = await removeCatalogue(redis, tenant);
      ctx.stdout.write(removed ? `catalogue of tenant ${tenant} removed; the CATALOGUE_FILE applies again\n` : `tenant ${tenant} had no catalogue of its own\n`);
    }
  } finally {
    redis.disconnect();
  }
  return 0;
}

/** pulse dlq list | pulse dlq redrive [--reason <code>] */
export async function dlqCommand(ctx: CommandContext, args: Args): Promise<number> {
  const c = opsConfig(ctx);
  const kafka = createKafka({ brokers: c.KAFKA_BROKERS, clientId: "pulse-cli", logger: logger(ctx) });
  const topics = topicNames(c.KAFKA_TOPIC_PREFIX);
  const [sub] = args.positional;
  if (sub === "list") {
    const letters = await listDeadLetters(kafka, topics);
    for (const l of letters) {
      const preview = l.value.toString("utf8").slice(0, 80).replace(/\s+/g, " ");
      ctx.stdout.write(`${l.partition}@${l.offset}\t${l.reason}\t${l.source}\t${l.failedAt}\t${l.detail.slice(0, 160)}\t${preview}\n`);
    }
    ctx.stderr.write(`${letters.length} dead letter(s) in ${topics.deadLetters}\n`);
    return 0;
  }
  if (sub === "redrive") {
    const reason = flag(args, "reason");
    const r = await redriveDeadLetters(kafka, topics, reason ? { reason } : {});
    ctx.stdout.write(`re-driven ${r.redriven} dead letter(s) to ${topics.feedback}${reason ? ` (reason ${reason}, ${r.skipped} other(s) left)` : ""}\n`);
    return 0;
  }
  throw new UsageError("usage: pulse dlq list | pulse dlq redrive [--reason <code>]");
}

/** pulse replay --from YYYY-MM-DD --to YYYY-MM-DD [--tenant t]: a BullMQ job, with progress. */
export async function replayCommand(ctx: CommandContext, args: Args): Promise<number> {
  const from = requireFlag(args, "from", "first day to rebuild, YYYY-MM-DD (UTC)");
  const to = requireFlag(args, "to", "day after the last one, YYYY-MM-DD (UTC)");
  const tenant = flag(args, "tenant");
  const data: ReplayJobData = { from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z`, ...(tenant ? { tenant } : {}) };
  checkReplayRange({ from: new Date(data.from), to: new Date(data.to) });
  const c = opsConfig(ctx);
  const queues = createQueueFactory({ redis: { url: c.REDIS_URL } });
  const queue = queues.queue<ReplayJobData>(QUEUE_NAMES.replay);
  const events = queues.events(QUEUE_NAMES.replay);
  await events.waitUntilReady();
  const job = await queue.add("replay", data, { removeOnComplete: 100, removeOnFail: 100 });
  ctx.stderr.write(`replay job ${job.id} queued (a worker or the standalone process runs it)\n`);
  const bar = createProgressBar("replay", ctx.stderr);
  events.on("progress", ({ jobId, data: p }) => {
    if (jobId !== job.id) return;
    const { done, total } = p as { done: number; total: number };
    bar.update(done, total, "archive objects");
  });
  try {
    const result = (await job.waitUntilFinished(events)) as { inserted: number; duplicates: number; objects: number };
    bar.finish(`rebuilt ${result.inserted} events from ${result.objects} archive objects (${result.duplicates} duplicates dropped)`);
    return 0;
  } catch (e) {
    bar.finish(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await events.close();
    await queue.close();
  }
}
