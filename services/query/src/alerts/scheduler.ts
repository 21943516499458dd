/**
 * The alert evaluation schedule: one BullMQ job scheduler per tenant on `pulse-alerts`, every
 * minute, staggered by a per-tenant offset (0–59 s, from a hash of the tenant) so tenants do not
 * all hit ClickHouse in the same second. A scheduler exists once per Redis whatever the number of
 * query replicas; each job runs `runTenant`, which is safe to run twice (see evaluator.ts).
 *
 * The tenants are those of the query tokens at start, and every tenant a token reload adds
 * (`addTenants`). A tenant whose tokens are removed keeps its schedule: another replica may still
 * hold its tokens, and an evaluation without new data is cheap; a restart drops it.
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
  /** Schedules the tenants not scheduled yet; resolves to those it added (sorted). */
  addTenants(tenants: readonly string[]): Promise<string[]>;
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
  const scheduled = new Set<string>();
  // One at a time: reloads that arrive together do not upsert the same tenant twice at once.
  let adding: Promise<unknown> = Promise.resolve();
  const add = (tenants: readonly string[]): Promise<string[]> => {
    const run = adding.then(async () => {
      const fresh = [...new Set(tenants)].filter((t) => !scheduled.has(t)).sort();
      for (const tenant of fresh) {
        await queue.upsertJobScheduler(`alerts:${tenant}`, { every, offset: staggerMs(tenant, every) }, { name: "evaluate", data: { tenant }, opts: { removeOnComplete: 100, removeOnFail: 500 } });
        scheduled.add(tenant);
      }
      return fresh;
    });
    adding = run.catch(() => undefined);
    return run;
  };
  await add(deps.tenants);
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
    async addTenants(tenants) {
      try {
        const added = await add(tenants);
        if (added.length > 0) deps.logger.info({ added, tenants: scheduled.size }, "alert evaluation scheduled for new tenants");
        return added;
      } catch (err) {
        deps.logger.error({ err }, "could not schedule alert evaluation for new tenants; the next token reload tries again");
        return [];
      }
    },
    async close() {
      await adding;
      await worker.close();
      await queue.close();
    },
  };
}
