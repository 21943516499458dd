import type { CasePolicy } from "@pulse/catalogue";
import { sendSignedWebhook } from "@pulse/http";
import { Counter, type Logger, type Registry } from "@pulse/kit";
import { DelayedError, type Job, type Queue } from "@pulse/redis";
import { pendingDeadline, SLA_KINDS, type CaseRecord, type SlaKind } from "./model";
import type { CaseRepository } from "./repository";

/**
 * SLA timers: one BullMQ delayed job per case and SLA kind, with a deterministic id
 * (`sla-<case id>-<kind>`). `sync` makes the jobs match the case after every change: a met or
 * moot deadline's job is removed, a moved deadline's job is re-timed in place (`changeDelay`),
 * a missing one is added. A job is never added again under an id that exists.
 *
 * When a job fires, the case is read again: nothing happens unless the deadline has passed with
 * the SLA still unmet. The breach is then recorded with a guarded UPDATE (once per case and kind,
 * whatever the number of timers, retries or runners), and only the call that recorded it escalates:
 * the case moves to the team's escalation team, the counter goes up and the webhook is queued.
 *
 * The escalation webhook is a job of its own on the same queue (`escalation-webhook`, id
 * `esc-<case id>-<kind>-<breach time ms>`: one per breach, and a second add under that id is
 * nothing), retried with exponential backoff; completed ones are kept 7 days (so the id stays
 * taken), and after the last attempt the job stays in BullMQ's failed set (the dead letters),
 * counted by `pulse_case_escalation_webhook_failures_total`. Sent with @pulse/http's
 * sendSignedWebhook, as the alert notifications: `x-pulse-idempotency-key` = the job id, signed
 * when a secret is configured.
 */
export interface SlaJobData {
  tenant: string;
  caseId: string;
  kind: SlaKind;
  /** The deadline the job was timed for, epoch ms (for operators; the store decides). */
  due: number;
}

export const slaJobId = (caseId: string, kind: SlaKind): string => `sla-${caseId}-${kind}`;

/** The job that posts one breach's escalation webhook. */
export interface EscalationWebhookJobData {
  tenant: string;
  caseId: string;
  kind: SlaKind;
  url: string;
  /** The webhook's JSON body, fixed when the breach was recorded. */
  body: unknown;
}

/** Every job on the follow-ups queue: SLA timers (named by kind) and escalation webhooks. */
export type FollowUpJobData = SlaJobData | EscalationWebhookJobData;

export const ESCALATION_WEBHOOK_JOB = "escalation-webhook";
/** One id per breach: a case breaches a kind again only after a reopen, at another time. */
export const escalationJobId = (caseId: string, kind: SlaKind, breachedAt: Date | string): string => `esc-${caseId}-${kind}-${new Date(breachedAt).getTime()}`;

export interface CaseMetrics {
  opened: Counter<"trigger" | "severity">;
  breaches: Counter<"kind" | "trigger">;
  webhookFailures: Counter;
  webhookAttempts: Counter<"result">;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
}

/** The case counters; safe to call more than once on one registry (standalone shares one). */
export function createCaseMetrics(registry: Registry): CaseMetrics {
  return {
    opened: counter(registry, "pulse_cases_opened_total", "Follow-up cases opened (once per triggering event)", ["trigger", "severity"]),
    breaches: counter(registry, "pulse_case_sla_breaches_total", "SLA breaches escalated (once per case and kind)", ["kind", "trigger"]),
    webhookFailures: counter(registry, "pulse_case_escalation_webhook_failures_total", "Escalation webhooks dead-lettered: failed on their last attempt (kept in the follow-ups queue's failed set)", []),
    webhookAttempts: counter(registry, "pulse_case_escalation_webhook_attempts_total", "Escalation webhook attempts by result (delivered, retry, dead_letter)", ["result"]),
  };
}

export interface SlaTimers {
  /** Makes the case's timers match its deadlines (after creation and after every change). */
  sync(c: CaseRecord): Promise<void>;
}

export function createSlaTimers(queue: Queue<SlaJobData>, now: () => number = Date.now): SlaTimers {
  return {
    async sync(c) {
      for (const kind of SLA_KINDS) {
        const id = slaJobId(c.id, kind);
        const due = pendingDeadline(c, kind);
        const job = (await queue.getJob(id)) as Job<SlaJobData> | undefined;
        if (due === null) {
          // A job that is running right now cannot be removed; it reads the case and does nothing.
          if (job) await job.remove().catch(() => undefined);
          continue;
        }
        const delay = Math.max(0, due.getTime() - now());
        if (job) {
          const state = await job.getState();
          if (state === "delayed") {
            if (job.data.due !== due.getTime()) {
              await job.updateData({ ...job.data, due: due.getTime() });
              await job.changeDelay(delay);
            }
            continue;
          }
          if (state === "waiting" || state === "active" || state === "prioritized" || state === "waiting-children") continue;
          // completed or failed and kept: remove it first, so the id is free before it is used again.
          await job.remove().catch(() => undefined);
        }
        await queue.add(kind, { tenant: c.tenant, caseId: c.id, kind, due: due.getTime() }, { jobId: id, delay, removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: "exponential", delay: 1000 } });
      }
    },
  };
}

export interface EscalationDeps {
  repo: CaseRepository;
  policyOf: (tenant: string) => CasePolicy;
  metrics: CaseMetrics;
  logger: Logger;
  /** The follow-ups queue the escalation webhook jobs go to (the queue this processor runs on). */
  queue: Pick<Queue<FollowUpJobData>, "add">;
  /** Posts one escalation (default: @pulse/http sendSignedWebhook); `key` is the idempotency key. */
  post?: (url: string, body: unknown, key: string) => Promise<void>;
  /** Signs the escalation webhooks (x-pulse-signature) when set. */
  webhookSecret?: string | undefined;
  /** Attempts per escalation webhook (default 8) and the first backoff (default 5 s, doubling). */
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  now?: () => Date;
}

/**
 * The processor of the follow-ups queue: an SLA timer escalates a breach once and queues its
 * webhook; an escalation-webhook job posts it. Returns what it did.
 */
export function createSlaProcessor(d: EscalationDeps) {
  const now = d.now ?? (() => new Date());
  const post =
    d.post ?? ((url: string, body: unknown, key: string) => sendSignedWebhook({ url, body: JSON.stringify(body), secret: d.webhookSecret, idempotencyKey: key, nowMs: now().getTime() }));

  async function queueWebhook(c: CaseRecord, kind: SlaKind, body: unknown, url: string, breachedAt: string): Promise<void> {
    await d.queue.add(ESCALATION_WEBHOOK_JOB, { tenant: c.tenant, caseId: c.id, kind, url, body } satisfies EscalationWebhookJobData, {
      jobId: escalationJobId(c.id, kind, breachedAt),
      attempts: d.webhookAttempts ?? 8,
      backoff: { type: "exponential", delay: d.webhookBackoffMs ?? 5000 },
      removeOnComplete: { age: 7 * 86_400 },
      removeOnFail: false,
    });
  }

  async function deliver(job: Job<EscalationWebhookJobData>): Promise<"delivered"> {
    const { tenant, caseId, kind, url, body } = job.data;
    try {
      await post(url, body, String(job.id));
    } catch (err) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      d.metrics.webhookAttempts.inc({ result: final ? "dead_letter" : "retry" });
      if (final) d.metrics.webhookFailures.inc();
      d.logger[final ? "error" : "warn"]({ err, tenant, caseId, kind, attempt: job.attemptsMade + 1, final }, final ? "escalation webhook dead-lettered" : "escalation webhook failed; will retry");
      throw err;
    }
    d.metrics.webhookAttempts.inc({ result: "delivered" });
    d.logger.info({ tenant, caseId, kind, attempt: job.attemptsMade + 1 }, "escalation webhook delivered");
    return "delivered";
  }

  const breachOf = (c: CaseRecord, kind: SlaKind): string | null => (kind === "first_response" ? c.firstResponseBreachedAt : c.resolutionBreachedAt);

  function webhookBody(c: CaseRecord, kind: SlaKind, due: string, lead: string | null) {
    return { type: "case.sla_breached", tenant: c.tenant, kind, due, lead, escalatedTo: c.team, case: c };
  }

  return async (job: Job<FollowUpJobData>, token?: string): Promise<"escalated" | "not_due" | "nothing" | "delivered"> => {
    if (job.name === ESCALATION_WEBHOOK_JOB) return deliver(job as Job<EscalationWebhookJobData>);
    const { tenant, caseId, kind } = job.data as SlaJobData;
    let c: CaseRecord;
    try {
      c = await d.repo.get(tenant, caseId);
    } catch {
      return "nothing";
    }
    const policy = d.policyOf(tenant);
    const due = pendingDeadline(c, kind);
    if (due === null) {
      // A breach recorded by an earlier run of this timer that stopped before its webhook was
      // queued (a crash in between): queue it now. Under the breach's id, an existing job stays the only one.
      const breachedAt = breachOf(c, kind);
      if (breachedAt !== null && policy.escalationWebhook) {
        const due = kind === "first_response" ? c.firstResponseDue : c.resolutionDue;
        await queueWebhook(c, kind, webhookBody(c, kind, due, null), policy.escalationWebhook, breachedAt);
      }
      return "nothing";
    }
    const at = now();
    if (due.getTime() > at.getTime()) {
      // Fired early (the deadline moved later while it waited): wait for the new one.
      if (token) {
        await job.moveToDelayed(due.getTime(), token);
        throw new DelayedError();
      }
      return "not_due";
    }
    const team = c.team ? policy.teams[c.team] : undefined;
    const escalateTo = team?.escalationTeam ?? null;
    const after = await d.repo.recordBreach(tenant, caseId, kind, escalateTo, at);
    if (!after) return "nothing";
    d.metrics.breaches.inc({ kind, trigger: c.trigger });
    d.logger.warn({ tenant, caseId, kind, due: due.toISOString(), team: c.team, escalatedTo: after.team, lead: team?.lead }, "case SLA breached: escalated");
    const breachedAt = breachOf(after, kind);
    if (policy.escalationWebhook && breachedAt !== null)
      await queueWebhook(after, kind, webhookBody(after, kind, due.toISOString(), team?.lead ?? null), policy.escalationWebhook, breachedAt);
    return "escalated";
  };
}
