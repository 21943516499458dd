export { caseIdOf, evaluateTriggers, routeTeam, slaDeadlines, type CaseDraft, type CaseEvidence, type TriggerInput } from "./triggers";
export {
  ACTIVE_STATES,
  CASE_OUTCOMES,
  CASE_STATES,
  SLA_KINDS,
  TRANSITIONS,
  isReopen,
  pendingDeadline,
  type CaseHistoryEntry,
  type CaseOutcome,
  type CaseRecord,
  type CaseState,
  type SlaKind,
} from "./model";
export {
  CaseConflictError,
  caseOfRow,
  createCaseRepository,
  validatePatch,
  type CaseFilters,
  type CasePage,
  type CasePatch,
  type CaseRepository,
  type OpenResult,
  type UpdateResult,
} from "./repository";
export {
  createCaseMetrics,
  createSlaProcessor,
  createSlaTimers,
  escalationJobId,
  ESCALATION_WEBHOOK_JOB,
  slaJobId,
  type CaseMetrics,
  type EscalationDeps,
  type EscalationWebhookJobData,
  type FollowUpJobData,
  type SlaJobData,
  type SlaTimers,
} from "./sla";
export { CASE_HISTORY_COLUMNS, chTime, createCaseHistoryShipper, type CaseHistoryShipper } from "./history-shipper";
export { followedUpCustomers, loopMetrics, recoveryByGroup, LOOP_GROUP_BY, type FollowedUp, type LoopGroupBy, type LoopMetrics, type Rate } from "./metrics";
