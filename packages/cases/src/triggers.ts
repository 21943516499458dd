import { createHash } from "node:crypto";
import type { CasePolicy, CaseSeverity, CaseTrigger } from "@pulse/catalogue";
import type { FeedbackEvent } from "@pulse/contract";

/** What the worker knows about one stored event when it evaluates the case triggers. */
export interface TriggerInput {
  tenant: string;
  event: FeedbackEvent;
  /** Enriched dimensions, exactly as stored in feedback_events. */
  touchpoint: string;
  segment: string;
  topic: string;
  /** The comment or complaint text after PII redaction (never the raw text). */
  redactedText: string;
  topics: readonly string[];
  /**
   * For a contact: the ids of this customer's earlier contacts on the same topic within the
   * repeat window (oldest first); empty when none, undefined when the event is not a contact.
   */
  priorContacts?: readonly string[] | undefined;
}

export interface CaseEvidence {
  eventType: string;
  score?: { kind: "nps" | "csat"; value: number };
  complaintSeverity?: string;
  complaintCategory?: string;
  comment?: string;
  topic?: string;
  topics: string[];
  /** The contacts that led to a repeat-contact case (earlier ones first, then this one). */
  contacts?: string[];
}

/** A case to open: everything but the assignment and the clock. */
export interface CaseDraft {
  id: string;
  tenant: string;
  eventId: string;
  trigger: CaseTrigger;
  severity: CaseSeverity;
  customerId: string;
  touchpoint: string;
  channel: string;
  segment: string;
  eventAt: Date;
  evidence: CaseEvidence;
}

/**
 * The case id: a function of (tenant, event id, trigger) only, so the same event evaluated again
 * (a resend, a replay, a redelivery after a crash) names the same case and the insert is a no-op.
 */
export function caseIdOf(tenant: string, eventId: string, trigger: CaseTrigger): string {
  return `case_${createHash("sha256").update(JSON.stringify([tenant, eventId, trigger])).digest("hex").slice(0, 24)}`;
}

const MAX_EVIDENCE_TEXT = 2000;

/** Pure: the cases one stored event opens under a tenant's policy (zero, one, or more triggers). */
export function evaluateTriggers(input: TriggerInput, policy: CasePolicy): CaseDraft[] {
  const e = input.event;
  const t = policy.triggers;
  const found: { trigger: CaseTrigger; severity: CaseSeverity; evidence: Partial<CaseEvidence> }[] = [];
  if (e.type === "survey.response") {
    const b = e.body;
    if (t.nps_detractor.enabled && b.nps !== undefined && b.nps <= t.nps_detractor.maxScore)
      found.push({ trigger: "nps_detractor", severity: t.nps_detractor.severity, evidence: { score: { kind: "nps", value: b.nps } } });
    if (t.csat_low.enabled && b.csat !== undefined && b.csat <= t.csat_low.maxScore)
      found.push({ trigger: "csat_low", severity: t.csat_low.severity, evidence: { score: { kind: "csat", value: b.csat } } });
  } else if (e.type === "complaint.opened") {
    const b = e.body;
    if (t.complaint_severe.enabled && t.complaint_severe.severities.includes(b.severity))
      found.push({ trigger: "complaint_severe", severity: b.severity, evidence: { complaintSeverity: b.severity, complaintCategory: b.category } });
  }
  if (t.repeat_contact.enabled && input.priorContacts && input.priorContacts.length > 0)
    found.push({ trigger: "repeat_contact", severity: t.repeat_contact.severity, evidence: { contacts: [...input.priorContacts, e.id] } });

  return found.map((f) => ({
    id: caseIdOf(input.tenant, e.id, f.trigger),
    tenant: input.tenant,
    eventId: e.id,
    trigger: f.trigger,
    severity: f.severity,
    customerId: e.customer.id,
    touchpoint: input.touchpoint,
    channel: e.channel,
    segment: input.segment,
    eventAt: new Date(e.occurredAt),
    evidence: {
      eventType: e.type,
      ...f.evidence,
      ...(input.redactedText ? { comment: input.redactedText.slice(0, MAX_EVIDENCE_TEXT) } : {}),
      ...(input.topic && input.topic !== "unknown" ? { topic: input.topic } : {}),
      topics: [...input.topics],
    },
  }));
}

/** The SLA deadlines of a new case: the trigger's own SLA if the policy sets one, else its severity's. */
export function slaDeadlines(policy: CasePolicy, trigger: CaseTrigger, severity: CaseSeverity, from: Date): { firstResponseDue: Date; resolutionDue: Date } {
  const sla = policy.triggerSla[trigger] ?? policy.sla[severity];
  return {
    firstResponseDue: new Date(from.getTime() + sla.firstResponseSeconds * 1000),
    resolutionDue: new Date(from.getTime() + sla.resolutionSeconds * 1000),
  };
}

/** The team a new case goes to: the first routing rule that matches, else the default team. */
export function routeTeam(policy: CasePolicy, d: Pick<CaseDraft, "trigger" | "touchpoint" | "severity">): string {
  for (const r of policy.routing) {
    if (r.trigger && r.trigger !== d.trigger) continue;
    if (r.touchpoint && r.touchpoint !== d.touchpoint) continue;
    if (r.severity && r.severity !== d.severity) continue;
    return r.team;
  }
  return policy.defaultTeam;
}
