/**
 * The live alert evaluator of one tenant: from the minute after its cursor up to the last complete
 * minute (now − lag), one UTC day per commit. Per commit: evaluate (evaluateSpan), insert the history
 * rows into ClickHouse (a retry inserts the same rows, collapsed by ReplacingMergeTree and the insert
 * token), then write states + cursor + outbox to Redis in one compare-and-set, then hand the outbox
 * to BullMQ with the idempotency key as job id and clear it. A crash at any point leaves either
 * the old cursor (the span is evaluated again, identically) or the outbox (delivered by the next
 * run); BullMQ refuses a second job with the same id. So a minute is never skipped and a
 * notification never sent twice.
 */
import type { CatalogueSource } from "@pulse/catalogue";
import type { Reader, Writer } from "@pulse/clickhouse";
import { MINUTE, type Notification } from "@pulse/alerting";
import type { Logger } from "@pulse/kit";
import type { Queue } from "@pulse/redis";
import type { AlertStore } from "./alert-store";
import { DAY_MS } from "./alerts.sql";
import { evaluateSpan } from "./evaluate-span";
import { HISTORY_COLUMNS, notificationRow } from "./history";

export interface EvaluatorDeps {
  readonly reader: Reader;
  readonly writer: Writer;
  readonly store: AlertStore;
  readonly catalogues: Pick<CatalogueSource, "forTenant">;
  /** where notifications go to be delivered (job name "notify", job id = idempotency key) */
  readonly notifications: Pick<Queue, "add">;
  readonly logger: Logger;
  readonly now?: () => number;
  /** minutes to wait for late events before a minute is evaluated (default 2) */
  readonly lagMinutes?: number;
  /** first minute for a tenant never evaluated (default: the last complete minute) */
  readonly startAt?: number;
  /** most minutes one run evaluates (default 7 days), so one tenant cannot hold the queue */
  readonly maxMinutesPerRun?: number;
  /** called with every notification produced (metrics) */
  readonly onNotification?: (n: Notification) => void;
}

export interface RunResult {
  readonly minutes: number;
  readonly notifications: number;
  readonly cursor: number | null;
  readonly conflict: boolean;
}

export function createAlertEvaluator(d: EvaluatorDeps) {
  const now = d.now ?? (() => Date.now());
  const lag = (d.lagMinutes ?? 2) * MINUTE;

  async function deliver(tenant: string): Promise<number> {
    const pending = await d.store.outbox(tenant);
    for (const n of pending) {
      await d.notifications.add("notify", n, {
        jobId: n.key.replaceAll(":", "_"),
        attempts: 6,
        backoff: { type: "exponential", delay: 2_000 },
        removeOnComplete: { age: 7 * 86_400 },
        removeOnFail: false,
      });
    }
    await d.store.clearOutbox(tenant, pending.map((n) => n.key));
    return pending.length;
  }

  return {
    deliver,
    async runTenant(tenant: string): Promise<RunResult> {
      await deliver(tenant);
      const last = Math.floor((now() - lag) / MINUTE) * MINUTE - MINUTE;
      let minutes = 0;
      let sent = 0;
      let cursor: number | null = null;
      const budget = d.maxMinutesPerRun ?? 7 * 1440;
      while (minutes < budget) {
        const snap = await d.store.read(tenant);
        cursor = snap.cursor;
        const from = snap.cursor === null ? (d.startAt ?? last) : snap.cursor + MINUTE;
        if (from > last) break;
        const to = Math.min(last + MINUTE, Math.floor(from / DAY_MS) * DAY_MS + DAY_MS, from + (budget - minutes) * MINUTE);
        const silences = await d.store.silences(tenant);
        const r = await evaluateSpan({ reader: d.reader, tenant, catalogue: d.catalogues.forTenant(tenant), from, to, states: snap.states, silences });
        const rows = r.notifications.map(notificationRow);
        await d.writer.insert("alerts", HISTORY_COLUMNS, rows, { dedupToken: `alerts:${tenant}:${from}:${to}:${snap.version}` });
        const changed = new Map([...r.changed].map((k) => [k, r.states.get(k)!] as const));
        const outbox: Notification[] = r.notifications.filter((n) => !n.silenced);
        const ok = await d.store.commit(tenant, snap.version, to - MINUTE, changed, outbox);
        if (!ok) {
          d.logger.warn({ tenant, from, to }, "alert evaluation lost a race (another run or an ack wrote first); the next run continues");
          return { minutes, notifications: sent, cursor, conflict: true };
        }
        cursor = to - MINUTE;
        minutes += r.minutes;
        for (const n of r.notifications) d.onNotification?.(n);
        d.logger.info({ tenant, from: new Date(from).toISOString(), to: new Date(to).toISOString(), notifications: r.notifications.length }, "alerts evaluated");
        sent += await deliver(tenant);
      }
      return { minutes, notifications: sent, cursor, conflict: false };
    },
  };
}

export type AlertEvaluator = ReturnType<typeof createAlertEvaluator>;
