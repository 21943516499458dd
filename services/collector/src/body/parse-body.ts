import { isUtf8 } from "node:buffer";
import { BadRequestError, PulseError, err, ok, type Result } from "@pulse/kit";
import type { IngestIssue } from "../issues";
import { findProtoKeys, mayContainProtoKey } from "./forbidden-keys";
import { scanJson } from "./json-scan";

/**
 * Raw body bytes → a list of items, one per event, each either a parsed value or the issues
 * that stop it from being one. Pure and total: every failure is a value.
 *
 * What can be pinned to one event (a bad NDJSON line, a `__proto__` key inside an event) is
 * reported for that event; what cannot (broken JSON, invalid UTF-8, too many events) fails the
 * whole request.
 */
export type BodyItem =
  | { ok: true; value: unknown }
  /** `value` is present when the item parsed but carries a forbidden key (it is still validated, to report everything). */
  | { ok: false; issues: IngestIssue[]; value?: unknown };
export type BodyShape = "single" | "array" | "ndjson";
export type BodyFormat = "json" | "ndjson";

export interface ParsedBody {
  shape: BodyShape;
  items: BodyItem[];
  bytes: number;
}

export interface BodyLimits {
  maxEvents: number;
  /** Deepest nesting accepted, counted from the body's root (an array of events uses one level). */
  maxDepth: number;
}

export function tooManyEvents(n: number | string, max: number): PulseError {
  return new PulseError("too_many_events", `the body holds ${n} events; at most ${max} are accepted per request`, {
    status: 413,
    details: { maxEvents: max },
  });
}

const tooDeep = (max: number) => `nesting deeper than ${max} levels is not accepted`;

function decode(raw: Buffer): Result<string, PulseError> {
  if (!isUtf8(raw)) return err(new BadRequestError("invalid_utf8", "the body is not valid UTF-8"));
  const text = raw.toString("utf8");
  return ok(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function shortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}

function toItem(value: unknown, checkProto: boolean): BodyItem {
  if (!checkProto) return { ok: true, value };
  const paths = findProtoKeys(value);
  if (paths.length === 0) return { ok: true, value };
  return {
    ok: false,
    value,
    issues: paths.map((path) => ({
      code: "forbidden_key",
      path,
      message: `${path} uses the forbidden key "__proto__": '__proto__', 'constructor' and 'prototype' are not allowed as keys`,
    })),
  };
}

export function parseJsonBody(raw: Buffer, limits: BodyLimits): Result<ParsedBody, PulseError> {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (text.trim() === "") return err(new BadRequestError("empty_body", "the body is empty"));
  const scan = scanJson(text, limits.maxDepth);
  if (scan.tooDeep) return err(new BadRequestError("too_deep", tooDeep(limits.maxDepth)));
  if (scan.arrayItems !== undefined && scan.arrayItems > limits.maxEvents) return err(tooManyEvents(scan.arrayItems, limits.maxEvents));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(new BadRequestError("invalid_json", `the body is not valid JSON: ${shortMessage(e)}`));
  }
  const checkProto = mayContainProtoKey(text);
  if (!Array.isArray(value)) return ok({ shape: "single", items: [toItem(value, checkProto)], bytes: raw.length });
  if (value.length === 0) return err(new BadRequestError("empty_batch", "the array holds no event"));
  if (value.length > limits.maxEvents) return err(tooManyEvents(value.length, limits.maxEvents));
  return ok({ shape: "array", items: (value as unknown[]).map((v) => toItem(v, checkProto)), bytes: raw.length });
}

/** Start/end offsets of the non-blank lines, or undefined as soon as there are more than `max`. */
function lineRanges(text: string, max: number): [number, number][] | undefined {
  const ranges: [number, number][] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let blank = true;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 13) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (ranges.length === max) return undefined;
      ranges.push([start, end]);
    }
    start = end + 1;
  }
  return ranges;
}

export function parseNdjsonBody(raw: Buffer, limits: BodyLimits): Result<ParsedBody, PulseError> {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  // Lines are counted before any of them is parsed.
  const ranges = lineRanges(text, limits.maxEvents);
  if (ranges === undefined) return err(tooManyEvents(`more than ${limits.maxEvents}`, limits.maxEvents));
  if (ranges.length === 0) return err(new BadRequestError("empty_body", "the body holds no NDJSON line"));
  const checkProto = mayContainProtoKey(text);
  const items = ranges.map(([start, end], i): BodyItem => {
    const line = i + 1;
    if (scanJson(text, limits.maxDepth, start, end).tooDeep) {
      return { ok: false, issues: [{ code: "too_deep", path: "", message: `line ${line}: ${tooDeep(limits.maxDepth)}` }] };
    }
    try {
      return toItem(JSON.parse(text.slice(start, end)), checkProto);
    } catch (e) {
      return { ok: false, issues: [{ code: "invalid_json", path: "", message: `line ${line} is not valid JSON: ${shortMessage(e)}` }] };
    }
  });
  return ok({ shape: "ndjson", items, bytes: raw.length });
}

export function parseBody(raw: Buffer, format: BodyFormat, limits: BodyLimits): Result<ParsedBody, PulseError> {
  try {
    return format === "json" ? parseJsonBody(raw, limits) : parseNdjsonBody(raw, limits);
  } catch (e) {
    // Nothing above should throw; if something does (out of memory aside), it is still a 400, not a crash.
    return err(new BadRequestError("unparseable_body", `the body could not be parsed: ${shortMessage(e)}`));
  }
}
