/**
 * The Kafka wire message (topic pulse.feedback.v1): what every producer writes (collector, bulk
 * import, DLQ redrive, replay) and the worker reads. One versioned zod schema; `encodeWire` and
 * `decodeWire` are the only code that writes or reads these bytes.
 *
 * Version 1, the value as UTF-8 JSON:
 *   { "v": 1, "tenant": TenantId, "source": string, "receivedAt": ISO-8601 date-time, "event": FeedbackEvent }
 * key = `${tenant}:${event.customer.id}` (one customer's events of one tenant stay ordered on one
 * partition). The tenant and source are the API key's (or the import job's), never the payload's.
 * `v` is the version of this envelope, not of the event (that is `event.schemaVersion`).
 *
 * A later version is added as a new member of WIRE_SCHEMAS; decoding keeps accepting every older
 * version still possibly in Kafka or in the archive.
 */
import { err, ok, type Result } from "@pulse/kit";
import { z } from "zod";
import type { FeedbackEvent } from "./event";
import type { ValidationIssue } from "./issues";
import { eventPartitionKey } from "./partition";
import { TENANT_RULE, TenantId, isTenantId } from "./tenant";
import { validateEvent, type ValidateOptions } from "./validate";

export const WIRE_VERSION = 1;
export const WIRE_VERSIONS = [1] as const;
/** Largest message value the worker accepts (the collector's own limit is below it). */
export const MAX_WIRE_BYTES = 1024 * 1024;

const SOURCE_RULE = "must be a string of 1–200 characters";

/** The envelope of version 1. `event` is checked by validateEvent, which reports every issue. */
export const WireMessageV1 = z.object({
  v: z.literal(1),
  tenant: TenantId,
  source: z.string({ error: `source ${SOURCE_RULE}` }).min(1, { error: `source ${SOURCE_RULE}` }).max(200, { error: `source ${SOURCE_RULE}` }),
  receivedAt: z.iso.datetime({ offset: true, error: "receivedAt must be an ISO-8601 date-time with a UTC offset" }),
  event: z.unknown(),
});
export type WireMessageV1 = z.infer<typeof WireMessageV1>;

/** The current version's envelope (what encodeWire writes). */
export const WireMessage = WireMessageV1;
export type WireMessage = WireMessageV1;

/** A decoded, re-validated message. */
export interface DecodedWire {
  /** The wire version the message was written with. */
  v: number;
  tenant: TenantId;
  source: string;
  receivedAt: Date;
  event: FeedbackEvent;
}

export const WIRE_ERROR_CODES = ["empty_message", "too_large", "invalid_json", "invalid_envelope", "invalid_event"] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/**
 * Why a message cannot be decoded: `code` is stable (the worker's dead-letter reason), `path` the
 * JSON path of the first offending field ("tenant", "event.occurredAt"; "" = the whole message),
 * `message` names every broken rule. `issues` holds the event's validation issues for invalid_event.
 */
export interface WireDecodeError {
  code: WireErrorCode;
  path: string;
  message: string;
  issues?: ValidationIssue[];
}

/** What the producer knows besides the event. */
export interface WireInput {
  tenant: string;
  source: string;
  receivedAt: Date | string;
  event: FeedbackEvent;
}

/**
 * Encodes one event as the current wire version: `{ key, value }` to hand to the Kafka producer.
 * Throws a TypeError on a tenant that breaks the TenantId rule (the producer took it from an API
 * key or a job that were checked already, so this is a programming error, never input).
 */
export function encodeWire(m: WireInput): { key: string; value: string } {
  // The same rule as TenantId, without a zod parse per message (this runs for every event produced).
  if (!isTenantId(m.tenant)) throw new TypeError(`encodeWire: tenant ${JSON.stringify(m.tenant)} ${TENANT_RULE}`);
  const receivedAt = typeof m.receivedAt === "string" ? m.receivedAt : m.receivedAt.toISOString();
  const value: WireMessage = { v: WIRE_VERSION, tenant: m.tenant, source: m.source, receivedAt, event: m.event };
  return { key: eventPartitionKey(m.tenant, m.event), value: JSON.stringify(value) };
}

/** Options of decodeWire: the event's time bounds (see ValidateOptions). `now` is always the
 * message's receivedAt, so replaying an old archive never turns valid events into dead letters. */
export type DecodeWireOptions = Pick<ValidateOptions, "maxFutureSkewMs" | "minOccurredAt">;

/**
 * Decodes and re-validates one message value. Never throws: a message it cannot accept is a
 * WireDecodeError value (the worker turns it into a dead letter with `code` as the reason).
 */
export function decodeWire(value: Uint8Array | string | null | undefined, opts: DecodeWireOptions = {}): Result<DecodedWire, WireDecodeError> {
  if (value === null || value === undefined || value.length === 0) {
    return err({ code: "empty_message", path: "", message: "message has no value" });
  }
  const bytes = typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.length;
  if (bytes > MAX_WIRE_BYTES) {
    return err({ code: "too_large", path: "", message: `message is ${bytes} bytes, over ${MAX_WIRE_BYTES}` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.length).toString("utf8"));
  } catch (e) {
    return err({ code: "invalid_json", path: "", message: `message is not JSON: ${(e as Error).message}`.slice(0, 500) });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return err({ code: "invalid_envelope", path: "", message: "message must be a JSON object" });
  }
  const version = (parsed as { v?: unknown }).v;
  if (!WIRE_VERSIONS.includes(version as 1)) {
    return err({ code: "invalid_envelope", path: "v", message: `v must be one of ${WIRE_VERSIONS.join(", ")} (got ${JSON.stringify(version) ?? "nothing"})` });
  }
  const envelope = WireMessageV1.safeParse(parsed);
  if (!envelope.success) {
    const issues = envelope.error.issues;
    return err({
      code: "invalid_envelope",
      path: issues[0]?.path.map(String).join(".") ?? "",
      message: issues.map((i) => messageOf(i)).join("; "),
    });
  }
  const m = envelope.data;
  const receivedAt = new Date(m.receivedAt);
  const checked = validateEvent(m.event, { ...opts, now: receivedAt });
  if (!checked.ok) {
    const issues = checked.error;
    return err({
      code: "invalid_event",
      path: issues[0]?.path ? `event.${issues[0].path}` : "event",
      message: describeIssues(issues),
      issues,
    });
  }
  return ok({ v: m.v, tenant: m.tenant, source: m.source, receivedAt, event: checked.value });
}

function messageOf(i: z.core.$ZodIssue): string {
  const path = i.path.map(String).join(".");
  // The field rules carry their own subject ("tenant must ..."); zod's defaults do not.
  return path && !i.message.startsWith(path) ? `${path}: ${i.message}` : i.message;
}

/** "occurredAt: timestamp_too_early: occurredAt must not be before ..." for at most 10 issues. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => `${i.path || "(event)"}: ${i.code}: ${i.message}`)
    .join("; ")
    .slice(0, 2000);
}
