import { loadConfig } from "@pulse/config";
import { createKafka, topicNames } from "@pulse/kafka";
import { createLogger } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { readWorkerStatus, WorkerEnv, type WorkerStatusReport } from "@pulse/worker";
import type { Args } from "../args";
import type { CommandContext } from "./ops";

/** A time written while the report was being read (after its `at`) is "0.0 s ago", never negative. */
export const ago = (now: number, t: number | undefined) => (t === undefined ? "—" : `${(Math.max(0, now - t) / 1000).toFixed(1)} s ago`);

/** The report as a person reads it: one table per concern. */
export function formatStatus(r: WorkerStatusReport): string {
  const lines = [`group ${r.group} on ${r.topic}`, "", "partition  committed  log end  lag  last commit      freshness        state"];
  for (const p of r.partitions) {
    const state = p.stalled
      ? `STALLED since ${new Date(p.failingSince ?? 0).toISOString()} (${p.attempts ?? 0} attempts): ${p.error ?? ""}`
      : p.failingSince !== undefined
        ? `retrying (${p.attempts ?? 0} attempts): ${p.error ?? ""}`
        : "ok";
    lines.push(
      [String(p.partition).padEnd(9), p.committedOffset.padEnd(9), p.logEnd.padEnd(7), p.lag.padEnd(4), ago(r.at, p.committedAt).padEnd(16), ago(r.at, p.watermark).padEnd(16), state].join("  "),
    );
  }
  lines.push("", "tenant  last stored  freshness (newest stored event)");
  if (r.tenants.length === 0) lines.push("(none yet)");
  for (const t of r.tenants) lines.push(`${t.tenant}  ${ago(r.at, t.storedAt)}  ${ago(r.at, t.watermark)}`);
  lines.push("", "dead letters by reason");
  if (r.deadLetters.length === 0) lines.push("(none)");
  for (const d of r.deadLetters) lines.push(`${String(d.count).padStart(7)}  ${d.reason}`);
  const stalled = r.partitions.filter((p) => p.stalled).length;
  lines.push("", stalled > 0 ? `${stalled} partition(s) STALLED` : "no partition stalled");
  return `${lines.join("\n")}\n`;
}

/** pulse status [--json]: lag, stalled partitions, freshness and DLQ counts. Exit 3 when a partition is stalled. */
export async function statusCommand(ctx: CommandContext, args: Args): Promise<number> {
  const c = loadConfig(WorkerEnv, ctx.env);
  const kafka = createKafka({ brokers: c.KAFKA_BROKERS, clientId: "pulse-cli", logger: createLogger("cli", "error") });
  const redis = createRedis({ url: c.REDIS_URL, keyPrefix: c.REDIS_KEY_PREFIX });
  try {
    const report = await readWorkerStatus({ kafka, redis, topics: topicNames(c.KAFKA_TOPIC_PREFIX), group: c.WORKER_GROUP_ID, stallAfterMs: c.WORKER_STALL_SECONDS * 1000 });
    ctx.stdout.write(args.flags.has("json") ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    return report.partitions.some((p) => p.stalled) ? 3 : 0;
  } finally {
    redis.disconnect();
  }
}
