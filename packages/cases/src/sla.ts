import type { CasePolicy } from "@pulse/catalogue";
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
 * the case moves to the team's escalation team, the counter goes up and the webhook is posted.
 */
export interface SlaJobData {
  tenant: string;
  caseId: string;
  kind: SlaKind;
  /** The deadline the job was timed for, epoch ms (for operators; the store decides). */
  due: number;
}

export const slaJobId = (caseId: string, kind: SlaKind): string => `sla-${caseId}-${kind}`;

export interface CaseMetrics {
  opened: Counter<"trigger" | "severity">;
  breaches: Counter<"kind" | "trigger">;
  webhookFailures: Counter;
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
    webhookFailures: counter(registry, "pulse_case_escalation_webhook_failures_total", "Escalation webhooks that failed after retries", []),
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
  /** Posts the escalation (defaults to fetch). */
  post?: (url: string, body: unknown) => Promise<void>;
  now?: () => Date;
}

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}

/** The processor of the SLA queue: escalates a breach once. Returns what it did. */
export function createSlaProcessor(d: EscalationDeps) {
  const now = d.now ?? (() => new Date());
  const post = d.post ?? postJson;
  return async (job: Job<SlaJobData>, token?: string): Promise<"escalated" | "not_due" | "nothing"> => {
    const { tenant, caseId, kind } = job.data;
    let c: CaseRecord;
    try {
      c = await d.repo.get(tenant, caseId);
    } catch {
      return "nothing";
    }
    const due = pendingDeadline(c, kind);
    if (due === null) return "nothing";
    const at = now();
    if (due.getTime() > at.getTime()) {
      // Fired early (the deadline moved later while it waited): wait for the new one.
      if (token) {
        await job.moveToDelayed(due.getTime(), token);
        throw new DelayedError();
      }
      return "not_due";
    }
    const policy = d.policyOf(tenant);
    const team = c.team ? policy.teams[c.team] : undefined;
    const escalateTo = team?.escalationTeam ?? null;
    const after = await d.repo.recordBreach(tenant, caseId, kind, escalateTo, at);
    if (!after) return "nothing";
    d.metrics.breaches.inc({ kind, trigger: c.trigger });
    d.logger.warn({ tenant, caseId, kind, due: due.toISOString(), team: c.team, escalatedTo: after.team, lead: team?.lead }, "case SLA breached: escalated");
    if (policy.escalationWebhook) {
      const body = { type: "case.sla_breached", tenant, kind, due: due.toISOString(), lead: team?.lead ?? null, escalatedTo: after.team, case: after };
      let sent = false;
      for (let attempt = 0; attempt < 3 && !sent; attempt++) {
        try {
          await post(policy.escalationWebhook, body);
          sent = true;
        } catch (err) {
          d.logger.warn({ err, tenant, caseId, attempt }, "escalation webhook failed");
          await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
        }
      }
      if (!sent) d.metrics.webhookFailures.inc();
    }
    return "escalated";
  };
}
