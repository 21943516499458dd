/**
 * The feedback event: a uniform envelope plus a typed `body`, discriminated by `type`.
 * This module is the single source of truth; types, validation, JSON Schema and OpenAPI
 * components are all derived from the schemas below.
 *
 * Versioning: every schema here is version 1 (`schemaVersion: 1`). Additive, optional changes
 * go into these schemas. A breaking change adds `event-v2.ts` with `schemaVersion: z.literal(2)`,
 * `FeedbackEvent` becomes the union of both versions and `validateEvent` dispatches on
 * `schemaVersion` (see SCHEMAS_BY_VERSION in validate.ts).
 */
import { z } from "zod";
import { Attributes } from "./attributes";
import {
  CallCompletedBody,
  ComplaintOpenedBody,
  ComplaintResolvedBody,
  ContactCompletedBody,
  SurveyResponseBody,
} from "./bodies";
import { dateTimeWithOffset, idString, label, oneOf, slug } from "./primitives";
import { contractRegistry } from "./registry";

export const EVENT_TYPES = [
  "survey.response",
  "call.completed",
  "contact.completed",
  "complaint.opened",
  "complaint.resolved",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHANNELS = [
  "phone",
  "ivr",
  "chat",
  "email",
  "store",
  "web",
  "app",
  "social",
  "survey",
  "other",
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels a `call.completed` may come from. */
export const CALL_CHANNELS = ["phone", "ivr"] as const satisfies readonly Channel[];
/** Channels a `contact.completed` may come from: every non-voice contact. */
export const CONTACT_CHANNELS = [
  "chat",
  "email",
  "store",
  "web",
  "app",
  "social",
] as const satisfies readonly Channel[];

export const SCHEMA_VERSIONS = [1] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];
export const CURRENT_SCHEMA_VERSION = 1 as const satisfies SchemaVersion;

export const Journey = z
  .strictObject({
    stage: slug("Journey stage, e.g. onboarding, delivery, billing. Stored and queried in canonical form (canonicalName: `check-in` → `check_in`)."),
    caseId: idString("Case / ticket id grouping the contacts of one journey.").optional(),
  })
  .register(contractRegistry, { id: "Journey" });
export type Journey = z.infer<typeof Journey>;

export const Customer = z
  .strictObject({
    id: idString("Pseudonymous customer id (never an e-mail address or phone number)."),
    segment: slug("Customer segment, e.g. retail. Stored and queried in canonical form (`gold-tier` → `gold_tier`).").optional(),
    valueTier: slug().optional(),
  })
  .register(contractRegistry, { id: "Customer" });
export type Customer = z.infer<typeof Customer>;

export const Agent = z
  .strictObject({
    id: idString(),
    team: slug().optional(),
  })
  .register(contractRegistry, { id: "Agent" });
export type Agent = z.infer<typeof Agent>;

/** Envelope fields every v1 event carries, whatever its type. */
export const envelopeV1Shape = {
  id: idString("The sender's unique id for this event: the idempotency key."),
  occurredAt: dateTimeWithOffset().register(contractRegistry, {
    description:
      "When it happened, ISO-8601 with offset. At most 24 h (configurable) in the future.",
  }),
  source: label("The sending system, e.g. genesys-cloud or qualtrics."),
  touchpoint: slug(
    "Where the customer met us, e.g. ivr, chat, store, delivery, billing. Stored, shown and queried in canonical form (canonicalName: lower case, every run of other characters → `_`; `front-desk` → `front_desk`), so `?touchpoint=front-desk` finds it; the tenant's catalogue may map it to another touchpoint (aliases).",
  ),
  channel: oneOf(CHANNELS),
  journey: Journey.optional(),
  customer: Customer,
  agent: Agent.optional(),
  schemaVersion: z.literal(1, { error: `must be ${SCHEMA_VERSIONS.join(" or ")}` }),
  attributes: Attributes.optional(),
};

/** The shape of a v1 event of one type: the envelope (some fields narrowed), its type, its body. */
type EventShape<T extends EventType, S extends z.core.$ZodLooseShape> = Omit<
  typeof envelopeV1Shape,
  keyof S
> & { type: z.ZodLiteral<T> } & S;

/** A v1 event schema: the envelope, `type`, then `shape` (its body, and any narrowed envelope field). */
function eventV1<const T extends EventType, S extends { body: z.ZodType }>(type: T, id: string, shape: S) {
  const full = { ...envelopeV1Shape, type: z.literal(type), ...shape } as EventShape<T, S>;
  return z.strictObject(full).register(contractRegistry, { id });
}

export const SurveyResponseEvent = eventV1("survey.response", "SurveyResponseEvent", {
  body: SurveyResponseBody,
});
export type SurveyResponseEvent = z.infer<typeof SurveyResponseEvent>;

export const CallCompletedEvent = eventV1("call.completed", "CallCompletedEvent", {
  channel: oneOf(CALL_CHANNELS, " for call.completed events"),
  body: CallCompletedBody,
});
export type CallCompletedEvent = z.infer<typeof CallCompletedEvent>;

export const ContactCompletedEvent = eventV1("contact.completed", "ContactCompletedEvent", {
  channel: oneOf(CONTACT_CHANNELS, " for contact.completed events"),
  body: ContactCompletedBody,
});
export type ContactCompletedEvent = z.infer<typeof ContactCompletedEvent>;

export const ComplaintOpenedEvent = eventV1("complaint.opened", "ComplaintOpenedEvent", {
  body: ComplaintOpenedBody,
});
export type ComplaintOpenedEvent = z.infer<typeof ComplaintOpenedEvent>;

export const ComplaintResolvedEvent = eventV1("complaint.resolved", "ComplaintResolvedEvent", {
  body: ComplaintResolvedBody,
});
export type ComplaintResolvedEvent = z.infer<typeof ComplaintResolvedEvent>;

/** Every v1 event schema by its `type`. */
export const EVENT_SCHEMAS_V1 = {
  "survey.response": SurveyResponseEvent,
  "call.completed": CallCompletedEvent,
  "contact.completed": ContactCompletedEvent,
  "complaint.opened": ComplaintOpenedEvent,
  "complaint.resolved": ComplaintResolvedEvent,
} as const satisfies Record<EventType, z.ZodType>;

export const FeedbackEventV1 = z
  .discriminatedUnion("type", [
    SurveyResponseEvent,
    CallCompletedEvent,
    ContactCompletedEvent,
    ComplaintOpenedEvent,
    ComplaintResolvedEvent,
  ])
  .register(contractRegistry, {
    id: "FeedbackEventV1",
    description:
      "A customer-feedback event, schema version 1: envelope + body, discriminated by type.",
  });
export type FeedbackEventV1 = z.infer<typeof FeedbackEventV1>;

/** Every accepted event, whatever its version. Today only v1 exists. */
export const FeedbackEvent = FeedbackEventV1;
export type FeedbackEvent = FeedbackEventV1;

export type EventOfType<T extends EventType> = Extract<FeedbackEvent, { type: T }>;
export type BodyOfType<T extends EventType> = EventOfType<T>["body"];

/**
 * Only the envelope, with any `type` and any `body`: used to report every envelope issue of an
 * event whose `type` is missing or unknown (its body cannot be checked then).
 */
export const EnvelopeV1 = z.strictObject({
  ...envelopeV1Shape,
  type: z.unknown(),
  body: z.unknown(),
});
