import { validateEvent, type FeedbackEvent, type ValidationIssue } from "@pulse/contract";

/**
 * What the collector (and the bulk import) put on pulse.feedback.v1: the validated event plus
 * what the collector knew and the payload must never decide (the tenant comes from the API key).
 */
export interface WireMessageV1 {
  v: 1;
  tenant: string;
  source: string;
  receivedAt: string;
  event: unknown;
}

export interface Decoded {
  tenant: string;
  source: string;
  receivedAt: Date;
  event: FeedbackEvent;
}

export type DeadLetterReason = "empty_message" | "too_large" | "invalid_json" | "invalid_envelope" | "invalid_event";

export type Step<T> =
  | { kind: "ok"; value: T }
  | { kind: "dlq"; reason: DeadLetterReason; detail: string }
  | { kind: "drop"; reason: string };

const MAX_MESSAGE_BYTES = 1024 * 1024;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function encodeWireMessage(m: Omit<WireMessageV1, "v">): string {
  return JSON.stringify({ v: 1, ...m });
}

/**
 * Decodes and re-validates one Kafka message. Never throws: anything it cannot accept becomes a
 * dead letter with a reason code and a human detail (the consumer loop produces it to the DLQ).
 * Future-skew is judged against the time the collector received the event, so replaying an old
 * archive never turns valid events into dead letters.
 */
export function decodeMessage(value: Buffer | null): Step<Decoded> {
  if (!value || value.length === 0) return { kind: "dlq", reason: "empty_message", detail: "message has no value" };
  if (value.length > MAX_MESSAGE_BYTES) {
    return { kind: "dlq", reason: "too_large", detail: `message is ${value.length} bytes, over ${MAX_MESSAGE_BYTES}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch (e) {
    return { kind: "dlq", reason: "invalid_json", detail: `not JSON: ${(e as Error).message}`.slice(0, 500) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { kind: "dlq", reason: "invalid_envelope", detail: "message must be a JSON object" };
  }
  const m = parsed as Partial<WireMessageV1>;
  if (m.v !== 1) return { kind: "dlq", reason: "invalid_envelope", detail: `unsupported wire version ${JSON.stringify(m.v)}` };
  if (typeof m.tenant !== "string" || !TENANT.test(m.tenant)) {
    return { kind: "dlq", reason: "invalid_envelope", detail: "tenant must be a lower-case id of 1-64 characters" };
  }
  if (typeof m.source !== "string" || m.source.length === 0 || m.source.length > 200) {
    return { kind: "dlq", reason: "invalid_envelope", detail: "source must be a non-empty string" };
  }
  const receivedAt = typeof m.receivedAt === "string" ? new Date(m.receivedAt) : new Date(NaN);
  if (Number.isNaN(receivedAt.getTime())) {
    return { kind: "dlq", reason: "invalid_envelope", detail: "receivedAt must be an ISO-8601 timestamp" };
  }
  const checked = validateEvent(m.event, { now: receivedAt });
  if (!checked.ok) return { kind: "dlq", reason: "invalid_event", detail: describeIssues(checked.error) };
  return { kind: "ok", value: { tenant: m.tenant, source: m.source, receivedAt, event: checked.value } };
}

function describeIssues(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => `${i.path || "(event)"}: ${i.code}: ${i.message}`)
    .join("; ")
    .slice(0, 2000);
}
