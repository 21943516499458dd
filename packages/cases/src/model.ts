import type { CaseSeverity, CaseTrigger } from "@pulse/catalogue";
import type { CaseEvidence } from "./triggers";

export const CASE_STATES = ["open", "in_progress", "waiting_customer", "resolved", "closed"] as const;
export type CaseState = (typeof CASE_STATES)[number];
/** States whose SLA clocks run. */
export const ACTIVE_STATES: readonly CaseState[] = ["open", "in_progress", "waiting_customer"];

/** How a follow-up ended (required to close, with the root cause). */
export const CASE_OUTCOMES = ["recovered", "partially_recovered", "not_recovered", "no_response", "no_action_needed"] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/**
 * The moves a case may make. `resolved`/`closed` → `open`/`in_progress` is a reopen: it counts,
 * clears the resolution and starts a new resolution deadline.
 */
export const TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  open: ["in_progress", "waiting_customer", "resolved"],
  in_progress: ["waiting_customer", "resolved"],
  waiting_customer: ["in_progress", "resolved"],
  resolved: ["closed", "in_progress", "open"],
  closed: ["in_progress", "open"],
};

export const isReopen = (from: CaseState, to: CaseState): boolean => (from === "resolved" || from === "closed") && (to === "open" || to === "in_progress");

export type SlaKind = "first_response" | "resolution";
export const SLA_KINDS: readonly SlaKind[] = ["first_response", "resolution"];

export interface CaseRecord {
  id: string;
  tenant: string;
  eventId: string;
  trigger: CaseTrigger;
  severity: CaseSeverity;
  customerId: string | null;
  touchpoint: string | null;
  channel: string | null;
  segment: string | null;
  evidence: CaseEvidence;
  eventAt: string;
  state: CaseState;
  team: string | null;
  owner: string | null;
  rootCause: string | null;
  outcome: CaseOutcome | null;
  firstResponseDue: string;
  resolutionDue: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  firstResponseBreachedAt: string | null;
  resolutionBreachedAt: string | null;
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface CaseHistoryEntry {
  seq: number;
  caseId: string;
  version: number;
  at: string;
  actor: string;
  action: string;
  changes: Record<string, [unknown, unknown]>;
  note: string | null;
}

/** The deadline an SLA kind still waits for, or null when it is met, breached or the case is not active. */
export function pendingDeadline(c: CaseRecord, kind: SlaKind): Date | null {
  if (!(ACTIVE_STATES as readonly string[]).includes(c.state)) return null;
  if (kind === "first_response") return c.firstResponseAt === null && c.firstResponseBreachedAt === null ? new Date(c.firstResponseDue) : null;
  return c.resolvedAt === null && c.resolutionBreachedAt === null ? new Date(c.resolutionDue) : null;
}
