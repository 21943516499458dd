import { casePolicyOf } from "@pulse/catalogue";
import { createCaseMetrics, evaluateTriggers, type CaseDraft, type CaseRepository, type SlaTimers } from "@pulse/cases";
import type { Reader } from "@pulse/clickhouse";
import type { DecodedWire as Decoded } from "@pulse/contract";
import type { Logger, Registry } from "@pulse/kit";
import type { Catalogues } from "./enrichment";
import { isContact } from "./event-rows";
import { chTime, type Enriched } from "./rows";

/**
 * Follow-up cases on the enriched stream: after a chunk's events (and FCR contacts) are stored,
 * each stored event is evaluated against its tenant's case policy and the cases it triggers are
 * opened. The case id comes from (tenant, event id, trigger) and the insert ignores a conflict,
 * so a chunk retried after a crash, a redelivered or a resent event opens nothing new. This runs
 * before the chunk is marked applied: a failure here (the store is down) retries the chunk.
 */
export interface CaseOpener {
  /** Opens the cases of a chunk's stored events; returns how many were new. */
  fromChunk(stored: readonly { d: Decoded; x: Omit<Enriched, "hoursToResolve"> }[]): Promise<number>;
}

export interface CaseOpenerDeps {
  repo: CaseRepository;
  reader: Pick<Reader, "query">;
  catalogues: Catalogues;
  registry: Registry;
  logger: Logger;
  /** SLA timers of new cases (absent: none are scheduled, e.g. a worker without the jobs queue). */
  timers?: SlaTimers | undefined;
  now?: () => Date;
}

type Key = { tenant: string; customer: string; topic: string };

export function createCaseOpener(deps: CaseOpenerDeps): CaseOpener {
  const metrics = createCaseMetrics(deps.registry);
  const now = deps.now ?? (() => new Date());
  const policyOf = (tenant: string) => casePolicyOf(deps.catalogues.forTenant(tenant));

  /** For each contact: this customer's earlier contacts on the same topic within the repeat window. */
  async function priorContacts(stored: readonly { d: Decoded; x: Omit<Enriched, "hoursToResolve"> }[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const asked = stored.filter((s) => isContact(s.d.event) && s.x.topic && policyOf(s.d.tenant).triggers.repeat_contact.enabled);
    if (asked.length === 0) return out;
    const windowMs = (tenant: string) => policyOf(tenant).triggers.repeat_contact.windowHours * 3_600_000;
    const keys = new Map<string, Key>();
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of asked) {
      const k = { tenant: s.d.tenant, customer: s.d.event.customer.id, topic: s.x.topic };
      keys.set(JSON.stringify(k), k);
      const t = Date.parse(s.d.event.occurredAt);
      lo = Math.min(lo, t - windowMs(s.d.tenant));
      hi = Math.max(hi, t);
    }
    const list = [...keys.values()];
    const rows = await deps.reader.query<{ tenant: string; customer_id: string; topic: string; contact_id: string; t: number | string }>(
      `SELECT DISTINCT toString(tenant) AS tenant, customer_id, toString(topic) AS topic, contact_id, toUnixTimestamp64Milli(occurred_at) AS t
       FROM fcr_contacts
       WHERE (toString(tenant), customer_id, toString(topic)) IN (SELECT arrayJoin(arrayZip({kt:Array(String)}, {kc:Array(String)}, {kp:Array(String)})))
         AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at <= {to:DateTime64(3, 'UTC')}`,
      { kt: list.map((k) => k.tenant), kc: list.map((k) => k.customer), kp: list.map((k) => k.topic), from: chTime(new Date(lo)), to: chTime(new Date(hi)) },
    );
    // One pass to group the rows by (tenant, customer, topic): each contact then reads only its own
    // customer's rows, not the whole answer (a 20,000-contact chunk would otherwise be quadratic).
    const byKey = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = `${r.tenant}\u0000${r.customer_id}\u0000${r.topic}`;
      const group = byKey.get(k);
      if (group) group.push(r);
      else byKey.set(k, [r]);
    }
    for (const s of asked) {
      const e = s.d.event;
      const t = Date.parse(e.occurredAt);
      const w = windowMs(s.d.tenant);
      const prior = (byKey.get(`${s.d.tenant}\u0000${e.customer.id}\u0000${s.x.topic}`) ?? [])
        .filter((r) => r.contact_id !== e.id)
        .map((r) => ({ id: r.contact_id, t: Number(r.t) }))
        .filter((r) => (r.t < t || (r.t === t && r.id < e.id)) && r.t >= t - w)
        .sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
      out.set(`${s.d.tenant}\u0000${e.id}`, [...new Set(prior.map((p) => p.id))]);
    }
    return out;
  }

  return {
    async fromChunk(stored) {
      if (stored.length === 0) return 0;
      const prior = await priorContacts(stored);
      const drafts: CaseDraft[] = [];
      for (const { d, x } of stored) {
        drafts.push(
          ...evaluateTriggers(
            {
              tenant: d.tenant,
              event: d.event,
              touchpoint: x.touchpoint,
              segment: x.segment,
              topic: x.topic,
              redactedText: x.text,
              topics: x.topics,
              priorContacts: prior.get(`${d.tenant}\u0000${d.event.id}`),
            },
            policyOf(d.tenant),
          ),
        );
      }
      if (drafts.length === 0) return 0;
      const results = await deps.repo.open(drafts, policyOf, now());
      let created = 0;
      for (const r of results) {
        if (r.created) {
          created++;
          metrics.opened.inc({ trigger: r.case.trigger, severity: r.case.severity });
        }
        // Also for a case that existed: a crash between its insert and its timers leaves none.
        if (deps.timers) await deps.timers.sync(r.case);
      }
      if (created > 0) deps.logger.info({ created, evaluated: drafts.length }, "follow-up cases opened");
      return created;
    },
  };
}
