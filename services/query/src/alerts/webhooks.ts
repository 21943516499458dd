/**
 * Alert delivery: every notification job on `pulse-alert-notifications` fans out into one
 * "webhook" job per webhook of its tenant (job id = notification key + webhook index, so a repeat
 * adds nothing). A webhook job POSTs the alert signed with HMAC-SHA256 over "<timestamp>.<body>"
 * (headers `x-pulse-timestamp`, `x-pulse-signature: v1=<hex>`, `x-pulse-idempotency-key`), is
 * retried with exponential backoff, and after its last attempt is dead-lettered: kept in BullMQ's
 * failed set and listed per tenant in Redis (`GET /v1/alerts/dead-letters`).
 */
import type { Notification } from "@pulse/alerting";
import { sendSignedWebhook, webhookSignature } from "@pulse/http";
import type { Logger } from "@pulse/kit";
import { QUEUE_NAMES, type Job, type QueueFactory } from "@pulse/redis";
import type { AlertStore } from "./alert-store";
import { alertView } from "./alerts.routes";
import type { Webhook, WebhookMap } from "./webhook-config";

export type { Webhook, WebhookMap } from "./webhook-config";


/** HMAC-SHA256 over "<timestamp>.<body>" (@pulse/http's, shared with the case escalation webhooks). */
export const signature = webhookSignature;

const icon = { firing: "🔴", renotify: "🔁", resolved: "✅" } as const;

/** The request body: Pulse's JSON, or a Slack-compatible `{ text, blocks }`. */
export function webhookBody(n: Notification, format: Webhook["format"], dashboardBase = ""): string {
  const a = n.alert;
  const ev = a.evidence;
  if (format === "slack") {
    const value = ev.value.value === null ? "no data" : `${ev.value.value.toFixed(1)} (n=${ev.value.n}${ev.value.ci95 ? `, 95% [${ev.value.ci95[0].toFixed(1)}, ${ev.value.ci95[1].toFixed(1)}]` : ""})`;
    const text = `${icon[n.type]} ${n.type.toUpperCase()} ${a.severity}: ${a.metric} ${a.kind} at ${a.touchpoint} — ${value} vs ${ev.reference.kind} ${ev.reference.value.toFixed(1)}`;
    return JSON.stringify({
      text,
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*${text}*` } },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: `${ev.statistic.name} ${ev.statistic.value.toFixed(2)} ≥ ${ev.statistic.threshold.toFixed(2)} · since ${ev.since === null ? "—" : new Date(ev.since).toISOString()} · <${dashboardBase}/?touchpoint=${encodeURIComponent(a.touchpoint)}|dashboard> · alert ${a.id}` }],
        },
      ],
    });
  }
  return JSON.stringify({ type: n.type, key: n.key, tenant: a.tenant, minute: new Date(n.minute).toISOString(), alert: alertView(a) });
}

export interface DeadLetter {
  readonly key: string;
  readonly url: string;
  readonly attempts: number;
  readonly error: string;
  readonly at: number;
  readonly notification: Notification;
}

type NotifyJob = Notification;
type WebhookJob = { readonly notification: Notification; readonly index: number };

export async function postWebhook(w: Webhook, n: Notification, nowMs: number, timeoutMs = 10_000): Promise<void> {
  await sendSignedWebhook({ url: w.url, body: webhookBody(n, w.format), secret: w.secret, idempotencyKey: n.key, nowMs, timeoutMs });
}

export async function startWebhookDelivery(d: {
  readonly queues: QueueFactory;
  readonly webhooks: WebhookMap;
  readonly store: Pick<AlertStore, "addDeadLetter">;
  readonly logger: Logger;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly now?: () => number;
  readonly onDelivered?: (ok: boolean) => void;
}): Promise<{ close(): Promise<void> }> {
  const attempts = d.attempts ?? 8;
  const backoff = d.backoffMs ?? 5_000;
  const now = d.now ?? (() => Date.now());
  const queue = d.queues.queue(QUEUE_NAMES.alertNotifications);
  const worker = d.queues.worker(QUEUE_NAMES.alertNotifications, async (job: Job) => {
    if (job.name === "notify") {
      const n = job.data as NotifyJob;
      const hooks = d.webhooks[n.alert.tenant] ?? [];
      for (let i = 0; i < hooks.length; i++)
        await queue.add("webhook", { notification: n, index: i } satisfies WebhookJob, {
          jobId: `${job.id ?? n.key.replaceAll(":", "_")}_w${i}`,
          attempts,
          backoff: { type: "exponential", delay: backoff },
          removeOnComplete: { age: 7 * 86_400 },
          removeOnFail: false,
        });
      return { webhooks: hooks.length };
    }
    const { notification, index } = job.data as WebhookJob;
    const hook = d.webhooks[notification.alert.tenant]?.[index];
    if (!hook) return { skipped: "webhook no longer configured" };
    await postWebhook(hook, notification, now());
    d.logger.info({ tenant: notification.alert.tenant, alert: notification.alert.id, type: notification.type, host: new URL(hook.url).host, attempt: job.attemptsMade + 1 }, "alert webhook delivered");
    d.onDelivered?.(true);
    return { delivered: true };
  });
  worker.on("failed", (job, err) => {
    if (!job || job.name !== "webhook") return;
    const { notification, index } = job.data as WebhookJob;
    const hook = d.webhooks[notification.alert.tenant]?.[index];
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    d.logger[final ? "error" : "warn"]({ tenant: notification.alert.tenant, alert: notification.alert.id, attempt: job.attemptsMade, final, err: err.message }, final ? "alert webhook dead-lettered" : "alert webhook failed; will retry");
    if (!final) return;
    d.onDelivered?.(false);
    void d.store
      .addDeadLetter(notification.alert.tenant, { key: String(job.id), url: hook?.url ?? "", attempts: job.attemptsMade, error: err.message, at: now(), notification })
      .catch((e: unknown) => d.logger.error({ err: e }, "could not record a dead letter"));
  });
  worker.on("error", (err) => d.logger.error({ err }, "alert delivery worker error"));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
