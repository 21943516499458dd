/**
 * The alert evaluation schedule: one BullMQ job scheduler per tenant on `pulse-alerts`, every
 * minute, staggered by a per-tenant offset (0–59 s, from a hash of the tenant) so tenants do not
 * all hit ClickHouse in the same second. A scheduler exists once per Redis whatever the number of
 * query replicas; each job runs `runTenant`, which is safe to run twice (see evaluator.ts).
 */
import { createHash } from "node:crypto";
import type { Logger } from "@pulse/kit";
import { QUEUE_NAMES, type QueueFactory } from "@pulse/redis";
import type { AlertEvaluator } from "./evaluator";

export function staggerMs(tenant: string, everyMs: number): number {
  const h = createHash("sha256").update(tenant).digest().readUInt32BE(0);
  return (h % Math.max(1, Math.floor(everyMs / 1000))) * 1000;
}

export interface AlertScheduler {
  close(): Promise<void>;
}

export async function startAlertScheduler(deps: {
  readonly queues: QueueFactory;
  readonly tenants: readonly string[];
  readonly evaluator: AlertEvaluator;
  readonly logger: Logger;
  readonly everyMs?: number;
  readonly onRun?: (tenant: string, r: Awaited<ReturnType<AlertEvaluator["runTenant"]>>) => void;
}): Promise<AlertScheduler> {
  const every = deps.everyMs ?? 60_000;
  const queue = deps.queues.queue<{ tenant: string }>(QUEUE_NAMES.alerts);
  for (const tenant of [...new Set(deps.tenants)].sort())
    await queue.upsertJobScheduler(`alerts:${tenant}`, { every, offset: staggerMs(tenant, every) }, { name: "evaluate", data: { tenant }, opts: { removeOnComplete: 100, removeOnFail: 500 } });
  const worker = deps.queues.worker<{ tenant: string }>(QUEUE_NAMES.alerts, async (job) => {
    const r = await deps.evaluator.runTenant(job.data.tenant);
    deps.onRun?.(job.data.tenant, r);
    return r;
  }, { concurrency: 1, lockDuration: 120_000 });
  worker.on("error", (err) => deps.logger.error({ err }, "alert evaluation worker error"));
  worker.on("failed", (job, err) => deps.logger.error({ err, tenant: job?.data.tenant }, "alert evaluation failed; the next run retries from the cursor"));
  await worker.waitUntilReady();
  deps.logger.info({ tenants: deps.tenants.length, everyMs: every }, "alert evaluation scheduled");
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
