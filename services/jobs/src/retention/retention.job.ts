/**
 * The retention sweep as a BullMQ repeatable job (a job scheduler): one schedule whatever the
 * number of jobs runners, so the sweep runs once per interval across the deployment.
 */
import type { Logger } from "@pulse/kit";
import type { QueueFactory } from "@pulse/redis";
import type { ObjectStore } from "@pulse/storage";
import { sweepRetention, type RetentionPolicy, type RetentionResult } from "./retention-sweep";

export const RETENTION_QUEUE = "pulse-retention";

export interface RetentionJob {
  close(): Promise<void>;
}

export async function startRetentionJob(deps: {
  queues: QueueFactory;
  store: ObjectStore;
  policy: RetentionPolicy;
  everyMs: number;
  logger: Logger;
  now?: () => Date;
  onSwept?: (r: RetentionResult) => void;
}): Promise<RetentionJob> {
  const queue = deps.queues.queue(RETENTION_QUEUE);
  await queue.upsertJobScheduler("retention-sweep", { every: deps.everyMs }, { name: "sweep", opts: { removeOnComplete: 100, removeOnFail: 100 } });
  const worker = deps.queues.worker(RETENTION_QUEUE, async () => {
    const r = await sweepRetention(deps.store, deps.policy, (deps.now ?? (() => new Date()))());
    deps.logger.info({ ...r, archiveDays: deps.policy.archiveDays, errorReportDays: deps.policy.errorReportDays }, "retention sweep");
    deps.onSwept?.(r);
    return r;
  });
  worker.on("error", (err) => deps.logger.error({ err }, "retention worker error"));
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
