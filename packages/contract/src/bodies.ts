/**
 * Event bodies, one strict object per event type. Unknown keys are rejected (senders put extras
 * in the envelope's `attributes`), so a typo such as `nsp` fails loudly instead of vanishing.
 *
 * Bounds are deliberately generous sanity limits, not business rules: they keep garbage
 * (negative durations, week-long calls) out of the rollups without second-guessing senders.
 */
import { z } from "zod";
import {
  bool,
  dateTimeWithOffset,
  idString,
  intRange,
  oneOf,
  seconds,
  slug,
  text,
} from "./primitives";
import { contractRegistry } from "./registry";

const HOUR = 3600;
const DAY = 24 * HOUR;

const NPS_MIN = 0;
const NPS_MAX = 10;
const CSAT_MIN = 1;
const CSAT_MAX = 5;
const CES_MIN = 1;
const CES_MAX = 7;
/** Expectation and experience share one 1–5 scale so `experience − expectation` is a meaningful gap. */
const EXPECTATION_MIN = 1;
const EXPECTATION_MAX = 5;

const MAX_COMMENT_LENGTH = 5000;
const MAX_COMPLAINT_TEXT_LENGTH = 20_000;
const MAX_CALL_SECONDS = DAY;
const MAX_CONTACT_HANDLE_SECONDS = DAY;
/** An e-mail can wait days for its first answer; a call cannot. */
const MAX_CONTACT_WAIT_SECONDS = 30 * DAY;
const MAX_TRANSFERS = 100;

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RESOLUTIONS = [
  "upheld",
  "partially_upheld",
  "not_upheld",
  "withdrawn",
  "referred",
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const SCORE_KEYS = ["nps", "csat", "ces"] as const;

export const SurveyResponseBody = z
  .strictObject({
    surveyId: idString("The survey (questionnaire) this answer belongs to."),
    nps: intRange(NPS_MIN, NPS_MAX).optional(),
    csat: intRange(CSAT_MIN, CSAT_MAX).optional(),
    ces: intRange(CES_MIN, CES_MAX).optional(),
    expectation: intRange(EXPECTATION_MIN, EXPECTATION_MAX).optional(),
    experience: intRange(EXPECTATION_MIN, EXPECTATION_MAX).optional(),
    comment: text(0, MAX_COMMENT_LENGTH).optional(),
  })
  .refine((b) => SCORE_KEYS.some((k) => b[k] !== undefined), {
    error: "must contain at least one of nps, csat or ces",
    params: { pulseCode: "no_score" },
    // Run even when another field is invalid so the answer lists every issue at once. The input
    // may be anything here, hence the object guard and the key lookups on the raw value.
    when: (payload) =>
      typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value),
  })
  .register(contractRegistry, {
    id: "SurveyResponseBody",
    description:
      "A survey answer. At least one of nps (0–10), csat (1–5) or ces (1–7, higher = easier) is required. " +
      "expectation and experience are both on a 1–5 scale.",
    anyOf: SCORE_KEYS.map((k) => ({ required: [k] })),
  });
export type SurveyResponseBody = z.infer<typeof SurveyResponseBody>;

export const CallCompletedBody = z
  .strictObject({
    queue: slug("The ACD queue or skill the call was routed to."),
    waitSeconds: seconds(MAX_CALL_SECONDS),
    handleSeconds: seconds(MAX_CALL_SECONDS),
    holdSeconds: seconds(MAX_CALL_SECONDS),
    transfers: intRange(0, MAX_TRANSFERS),
    abandoned: bool(),
    resolved: bool().optional(),
    topic: slug().optional(),
  })
  .register(contractRegistry, {
    id: "CallCompletedBody",
    description:
      "A finished (or abandoned) call. waitSeconds is the time before an agent answered; " +
      "resolved is the agent-marked resolution.",
  });
export type CallCompletedBody = z.infer<typeof CallCompletedBody>;

export const ContactCompletedBody = z
  .strictObject({
    handleSeconds: seconds(MAX_CONTACT_HANDLE_SECONDS),
    waitSeconds: seconds(MAX_CONTACT_WAIT_SECONDS).optional(),
    resolved: bool().optional(),
    topic: slug().optional(),
  })
  .register(contractRegistry, {
    id: "ContactCompletedBody",
    description: "A finished non-voice contact (chat, e-mail, store visit, web, app or social).",
  });
export type ContactCompletedBody = z.infer<typeof ContactCompletedBody>;

export const ComplaintOpenedBody = z
  .strictObject({
    complaintId: idString(),
    category: slug(),
    severity: oneOf(SEVERITIES),
    text: text(1, MAX_COMPLAINT_TEXT_LENGTH),
  })
  .register(contractRegistry, { id: "ComplaintOpenedBody" });
export type ComplaintOpenedBody = z.infer<typeof ComplaintOpenedBody>;

export const ComplaintResolvedBody = z
  .strictObject({
    complaintId: idString(),
    resolution: oneOf(RESOLUTIONS),
    resolvedAt: dateTimeWithOffset(),
    note: text(0, MAX_COMMENT_LENGTH).optional(),
  })
  .register(contractRegistry, {
    id: "ComplaintResolvedBody",
    description:
      "A complaint closed. resolvedAt is checked for format and future skew only: the matching " +
      "complaint.opened is not known to the contract.",
  });
export type ComplaintResolvedBody = z.infer<typeof ComplaintResolvedBody>;
