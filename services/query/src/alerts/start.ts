/**
 * Alerting inside the query service: the evaluator, its schedule and the notification queue.
 *
 * Why here: the evaluator reads the rollups and writes the `alerts` history table, so it runs where
 * ClickHouse is. The query service has ClickHouse in every deployment (in standalone `pulse start`
 * it shares the one embedded chDB with the worker), Redis and the catalogues already; the jobs
 * runner has none of ClickHouse. BullMQ keeps one schedule per tenant across replicas.
 */
import type { CatalogueSource } from "@pulse/catalogue";
import type { Reader, Writer } from "@pulse/clickhouse";
import type { Logger, Registry, Shutdown } from "@pulse/kit";
import { QUEUE_NAMES, createQueueFactory, type Redis } from "@pulse/redis";
import { createAlertMetrics, type AlertMetrics } from "./alert-metrics";
import { createAlertStore, type AlertStore } from "./alert-store";
import { createAlertEvaluator } from "./evaluator";
import { startAlertScheduler } from "./scheduler";
import { startWebhookDelivery, type WebhookMap } from "./webhooks";

export interface AlertingHandle {
  readonly store: AlertStore;
  readonly metrics: AlertMetrics;
  /** Schedules the tenants not scheduled yet (a token reload named them); resolves to those added. */
  addTenants(tenants: readonly string[]): Promise<string[]>;
}

export async function startAlerting(d: {
  readonly reader: Reader;
  readonly writer: Writer;
  readonly redis: Redis;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly catalogues: CatalogueSource;
  readonly tenants: readonly string[];
  readonly lagMinutes: number;
  readonly webhooks: WebhookMap;
  readonly webhookAttempts: number;
  readonly webhookBackoffMs: number;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly shutdown: Shutdown;
}): Promise<AlertingHandle> {
  const logger = d.logger.child({ component: "alerts" });
  const store = createAlertStore(d.redis);
  const metrics = createAlertMetrics(d.registry);
  const queues = createQueueFactory({ redis: { url: d.redisUrl }, prefix: d.queuePrefix });
  const notifications = queues.queue(QUEUE_NAMES.alertNotifications);
  d.shutdown.add({ name: "alert notification queue", run: () => notifications.close(), deadlineMs: 2_000 });
  const evaluator = createAlertEvaluator({
    reader: d.reader,
    writer: d.writer,
    store,
    catalogues: d.catalogues,
    notifications,
    logger,
    lagMinutes: d.lagMinutes,
    onNotification: (n) => metrics.notifications.inc({ type: n.type, silenced: String(n.silenced) }),
  });
  const scheduler = await startAlertScheduler({
    queues,
    tenants: d.tenants,
    evaluator,
    logger,
    onRun: (_tenant, r) => {
      metrics.minutes.inc(r.minutes);
      if (r.conflict) metrics.conflicts.inc();
    },
  });
  d.shutdown.add({ name: "alert scheduler", run: () => scheduler.close(), deadlineMs: 10_000 });
  const delivery = await startWebhookDelivery({
    queues,
    webhooks: d.webhooks,
    store,
    logger,
    attempts: d.webhookAttempts,
    backoffMs: d.webhookBackoffMs,
    onDelivered: (ok) => metrics.webhooks.inc({ outcome: ok ? "delivered" : "dead_lettered" }),
  });
  d.shutdown.add({ name: "alert delivery", run: () => delivery.close(), deadlineMs: 10_000 });
  return { store, metrics, addTenants: (tenants) => scheduler.addTenants(tenants) };
}
