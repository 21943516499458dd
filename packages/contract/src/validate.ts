/**
 * validateEvent: the collector's hot path and the worker's re-check. Never throws; returns every
 * issue of an event at once so a sender can fix a payload in one round trip.
 *
 * Dispatch is by hand (schemaVersion, then type) rather than through the discriminated union so
 * that an unknown `type` or version still gets all its envelope issues reported, and so a v2 can
 * be added by registering its schemas in SCHEMAS_BY_VERSION.
 */
import { err, ok } from "@pulse/kit";
import type { Result } from "@pulse/kit";
import type { z } from "zod";
import { EVENT_SCHEMAS_V1, EVENT_TYPES, EnvelopeV1, SCHEMA_VERSIONS } from "./event";
import type { EventType, FeedbackEvent } from "./event";
import { NO_RULE, forbiddenKeyIssue, toValidationIssues } from "./issues";
import type { ValidationIssue } from "./issues";

export type ValidateOptions = {
  /** The clock to compare timestamps with; defaults to the current time. */
  now?: Date;
  /** How far in the future a timestamp may be (sender clock skew); defaults to 24 h. */
  maxFutureSkewMs?: number;
  /** The earliest time an event may carry (`occurredAt`, `body.resolvedAt`); defaults to
   * DEFAULT_MIN_OCCURRED_AT. A deployment may raise it (PULSE_MIN_OCCURRED_AT) to refuse typo'd
   * years early; it never goes below 1970, where the rollups' DateTime starts. */
  minOccurredAt?: Date;
  /**
   * At most this many issues are listed (default DEFAULT_MAX_ISSUES, at least 1); the rest are
   * counted in one last `too_many_issues` issue, so an answer stays small whatever is sent.
   */
  maxIssues?: number;
};

export const DEFAULT_MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
/** Issues listed per rejected event before the rest are summed up in one `too_many_issues`. */
export const DEFAULT_MAX_ISSUES = 100;
/**
 * 1970-01-01T00:00:00Z: the rollups' DateTime starts there, so anything earlier (0001-01-01, 1969)
 * would be folded into wrong buckets. Not later by default, because real history is older than
 * 2000: the shipped bank call-centre file (mappings/bank-calls.json) holds calls from 1999.
 */
export const DEFAULT_MIN_OCCURRED_AT = new Date(0);
/** The earliest bound a deployment may configure: the rollups' DateTime cannot hold anything older. */
export const EARLIEST_MIN_OCCURRED_AT = new Date(0);

type VersionSchemas = { byType: Record<string, z.ZodType>; envelope: z.ZodType };

/** One entry per accepted schemaVersion. A v2 adds `2: { byType: EVENT_SCHEMAS_V2, envelope: EnvelopeV2 }`. */
const SCHEMAS_BY_VERSION: Record<number, VersionSchemas> = {
  1: { byType: EVENT_SCHEMAS_V1, envelope: EnvelopeV1 },
};
const LATEST = SCHEMAS_BY_VERSION[Math.max(...SCHEMA_VERSIONS)] as VersionSchemas;

// Built once: the error map returns a marker so issues.ts knows a schema had no rule phrase.
// Passing any error map takes zod off its fastest path (≈ +60 % per parse), hence only on failure.
const PARSE_PARAMS = { error: () => NO_RULE } as const;

const VERSION_RULE = `must be ${SCHEMA_VERSIONS.join(" or ")}`;
const TYPE_RULE = `must be one of ${EVENT_TYPES.join(", ")}`;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export function validateEvent(
  input: unknown,
  opts?: ValidateOptions,
): Result<FeedbackEvent, ValidationIssue[]> {
  try {
    return validate(input, opts);
  } catch {
    // Only exotic non-JSON input (a throwing getter, a revoked Proxy) can get here.
    return err([{ code: "invalid_type", path: "", message: "event must be a plain JSON object" }]);
  }
}

function validate(
  input: unknown,
  opts: ValidateOptions | undefined,
): Result<FeedbackEvent, ValidationIssue[]> {
  if (!isPlainObject(input)) {
    return err([{ code: "invalid_type", path: "", message: "event must be a JSON object" }]);
  }
  const issues: ValidationIssue[] = [];

  // 1. Version: a missing or unknown version is reported, and the rest is checked as the latest.
  const version = input.schemaVersion;
  let schemas = typeof version === "number" ? SCHEMAS_BY_VERSION[version] : undefined;
  const versionKnown = schemas !== undefined;
  if (!versionKnown) {
    issues.push(
      version === undefined
        ? {
            code: "missing_field",
            path: "schemaVersion",
            message: `schemaVersion is required and ${VERSION_RULE}`,
          }
        : {
            code: "unsupported_schema_version",
            path: "schemaVersion",
            message: `schemaVersion ${VERSION_RULE}`,
          },
    );
    schemas = LATEST;
  }
  const { byType, envelope } = schemas as VersionSchemas;

  // 2. Type: a known type picks its strict schema; otherwise only the envelope can be checked.
  const type = input.type;
  let schema =
    typeof type === "string" && has(byType, type) ? byType[type as EventType] : undefined;
  if (schema === undefined) {
    issues.push(
      type === undefined
        ? { code: "missing_field", path: "type", message: `type is required and ${TYPE_RULE}` }
        : { code: "unknown_event_type", path: "type", message: `type ${TYPE_RULE}` },
    );
    schema = envelope;
  }

  // 3. The schema itself. The first parse runs without parse params: zod's fastest path, and
  //    all a valid event pays. Only a rejected event is parsed again with the error map that
  //    marks issues without a rule phrase (twice the work, on the rare path).
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const detailed = schema.safeParse(input, PARSE_PARAMS);
    for (const zi of detailed.error?.issues ?? []) {
      const top = zi.path[0];
      // Already reported above, more precisely.
      if (zi.path.length === 1 && ((top === "schemaVersion" && !versionKnown) || top === "type"))
        continue;
      toValidationIssues(zi, input, issues);
    }
  }

  // 4. Rules that need the clock or the raw keys (zod drops an own '__proto__' key silently).
  checkClock(input, opts, issues);
  const attributes = input.attributes;
  if (isPlainObject(attributes) && has(attributes, "__proto__")) {
    issues.push(forbiddenKeyIssue("attributes.__proto__", "__proto__"));
  }

  if (issues.length > 0) return err(capIssues(issues, opts?.maxIssues ?? DEFAULT_MAX_ISSUES));
  if (!parsed.success) {
    // Unreachable while zod is deterministic; never accept an event zod rejected.
    return err([{ code: "invalid_type", path: "", message: "event was rejected by the contract" }]);
  }
  return ok(parsed.data as FeedbackEvent);
}

function capIssues(issues: ValidationIssue[], maxIssues: number): ValidationIssue[] {
  const keep = Math.max(1, Math.floor(maxIssues));
  if (issues.length <= keep) return issues;
  const more = issues.length - keep;
  return [
    ...issues.slice(0, keep),
    { code: "too_many_issues", path: "", message: `event has ${more} more issue${more === 1 ? "" : "s"}, not listed (an answer lists at most ${keep} per event); fix these first` },
  ];
}

// Only a string that passed the format check is compared with the clock.
const OFFSET_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function checkClock(
  input: Record<string, unknown>,
  opts: ValidateOptions | undefined,
  issues: ValidationIssue[],
): void {
  const nowMs = opts?.now ? opts.now.getTime() : Date.now();
  const skew = opts?.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  const bounds = { latestMs: nowMs + skew, skewMs: skew, earliest: opts?.minOccurredAt ?? DEFAULT_MIN_OCCURRED_AT };
  checkInBounds(input.occurredAt, "occurredAt", bounds, issues);
  const body = input.body;
  if (input.type === "complaint.resolved" && isPlainObject(body)) {
    checkInBounds(body.resolvedAt, "body.resolvedAt", bounds, issues);
  }
}

function checkInBounds(
  value: unknown,
  path: string,
  bounds: { latestMs: number; skewMs: number; earliest: Date },
  issues: ValidationIssue[],
): void {
  if (typeof value !== "string" || !OFFSET_DATETIME.test(value)) return;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return;
  if (t > bounds.latestMs) {
    issues.push({
      code: "future_timestamp",
      path,
      message: `${path} must not be more than ${formatDuration(bounds.skewMs)} in the future (got ${value})`,
    });
  } else if (t < bounds.earliest.getTime()) {
    issues.push({
      code: "timestamp_too_early",
      path,
      message: `${path} must not be before ${bounds.earliest.toISOString()} (got ${value})`,
    });
  }
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
