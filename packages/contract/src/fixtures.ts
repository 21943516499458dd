/**
 * Test data for every package: `makeSampleEvent(type, overrides)` returns a valid, realistic
 * event (checked against the contract in fixtures.test.ts). Import from "@pulse/contract/fixtures".
 *
 * Deterministic except for `id`, which is unique per call (`evt-<type>-<n>`) so that idempotency
 * logic downstream does not collapse two samples into one. `occurredAt` is a fixed past instant.
 */
import type { BodyOfType, EventOfType, EventType } from "./event";

export type SampleOverrides<T extends EventType> = Partial<
  Omit<EventOfType<T>, "type" | "body">
> & {
  /** Merged over the sample body (shallow). */
  body?: Partial<BodyOfType<T>>;
};

export const SAMPLE_OCCURRED_AT = "2025-03-14T09:26:53.589+01:00";
export const SAMPLE_CUSTOMER_ID = "cus_8f14e45fceea167a";

type Sample<T extends EventType> = Omit<EventOfType<T>, "id">;

const envelope = {
  occurredAt: SAMPLE_OCCURRED_AT,
  source: "pulse-fixtures",
  customer: { id: SAMPLE_CUSTOMER_ID, segment: "retail", valueTier: "gold" },
  schemaVersion: 1,
} as const;

const SAMPLES: { [T in EventType]: () => Sample<T> } = {
  "survey.response": () => ({
    ...envelope,
    customer: { ...envelope.customer },
    type: "survey.response",
    touchpoint: "delivery",
    channel: "email",
    journey: { stage: "delivery", caseId: "case-20250314-0042" },
    attributes: { orderId: "ord-77120", locale: "nl-NL", firstPurchase: false },
    body: {
      surveyId: "post-delivery-v3",
      nps: 9,
      csat: 5,
      ces: 6,
      expectation: 3,
      experience: 4,
      comment: "Parcel arrived a day early and the driver was friendly.",
    },
  }),
  "call.completed": () => ({
    ...envelope,
    customer: { ...envelope.customer },
    type: "call.completed",
    touchpoint: "billing",
    channel: "phone",
    agent: { id: "agt-1042", team: "billing-tier1" },
    body: {
      queue: "billing",
      waitSeconds: 74.5,
      handleSeconds: 412,
      holdSeconds: 35,
      transfers: 0,
      abandoned: false,
      resolved: true,
      topic: "invoice-dispute",
    },
  }),
  "contact.completed": () => ({
    ...envelope,
    customer: { ...envelope.customer },
    type: "contact.completed",
    touchpoint: "chat",
    channel: "chat",
    agent: { id: "agt-2210", team: "digital" },
    body: { handleSeconds: 540, waitSeconds: 22, resolved: true, topic: "order-status" },
  }),
  "complaint.opened": () => ({
    ...envelope,
    customer: { ...envelope.customer },
    type: "complaint.opened",
    touchpoint: "delivery",
    channel: "web",
    journey: { stage: "delivery", caseId: "case-20250314-0107" },
    body: {
      complaintId: "cmp-5531",
      category: "damaged-goods",
      severity: "high",
      text: "The box was crushed and the blender inside is cracked. I want a replacement.",
    },
  }),
  "complaint.resolved": () => ({
    ...envelope,
    customer: { ...envelope.customer },
    type: "complaint.resolved",
    touchpoint: "delivery",
    channel: "email",
    agent: { id: "agt-3307", team: "complaints" },
    body: {
      complaintId: "cmp-5531",
      resolution: "upheld",
      resolvedAt: "2025-03-14T09:12:40+01:00",
      note: "Replacement shipped, courier notified.",
    },
  }),
};

let counter = 0;

/** Drops keys whose value is undefined, so `{ agent: undefined }` removes the sample's agent. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function makeSampleEvent<T extends EventType>(
  type: T,
  overrides: SampleOverrides<T> = {},
): EventOfType<T> {
  const base = SAMPLES[type]() as unknown as Record<string, unknown>;
  const { body, ...rest } = overrides;
  counter += 1;
  const event = defined({
    id: `evt-${type.replace(".", "-")}-${counter}`,
    ...base,
    ...rest,
    body: defined({ ...(base.body as object), ...body }),
  });
  return event as unknown as EventOfType<T>;
}
