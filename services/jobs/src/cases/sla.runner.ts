import { createCaseMetrics, createCaseRepository, createSlaProcessor, type FollowUpJobData } from "@pulse/cases";
import { casePolicyOf, catalogueFromFile, createCatalogueSource } from "@pulse/catalogue";
import type { Logger, Registry } from "@pulse/kit";
import { createRedis, QUEUE_NAMES, type QueueFactory } from "@pulse/redis";
import type { Store } from "@pulse/store";

/**
 * The SLA timers' runner: a BullMQ worker on `pulse-follow-ups` whose jobs (one per case and SLA
 * kind, timed by whoever changed the case) escalate a breach once (see @pulse/cases sla.ts). The
 * tenant's case policy (escalation team, webhook) comes from the same catalogue source as the
 * worker's and the query service's.
 */
export async function startCaseSla(d: {
  store: Store;
  queues: QueueFactory;
  redisUrl: string;
  redisKeyPrefix: string;
  catalogueFile: string | undefined;
  logger: Logger;
  metrics: Registry;
  webhookSecret?: string | undefined;
}): Promise<{ close(): Promise<void> }> {
  const redis = createRedis({ url: d.redisUrl, keyPrefix: d.redisKeyPrefix });
  redis.on("error", (e) => d.logger.debug({ err: e }, "redis error"));
  const catalogues = createCatalogueSource({ redis, fallback: catalogueFromFile(d.catalogueFile), logger: d.logger });
  await catalogues.start();
  // The escalation webhooks are jobs on the same queue (retried with backoff, dead letters kept in its failed set).
  const queue = d.queues.queue<FollowUpJobData>(QUEUE_NAMES.followUps);
  const process = createSlaProcessor({
    queue,
    webhookSecret: d.webhookSecret,
    repo: createCaseRepository(d.store),
    policyOf: (tenant) => casePolicyOf(catalogues.forTenant(tenant)),
    metrics: createCaseMetrics(d.metrics),
    logger: d.logger,
  });
  const worker = d.queues.worker<FollowUpJobData>(QUEUE_NAMES.followUps, (job, token) => process(job, token), { concurrency: 4 });
  worker.on("error", (err) => d.logger.error({ err }, "follow-up SLA worker error"));
  await worker.waitUntilReady();
  d.logger.info({ queue: QUEUE_NAMES.followUps }, "follow-up SLA timers running");
  return {
    async close() {
      await worker.close();
      await queue.close();
      catalogues.stop();
      redis.disconnect();
    },
  };
}
