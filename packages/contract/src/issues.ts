/**
 * What a rejected event is told: one ValidationIssue per broken rule, each with a stable `code`
 * (clients branch on it), a JSON path ("body.nps", "attributes[\"a b\"]") and a human message
 * that names the field and the rule.
 */
import { z } from "zod";
import type { core } from "zod";
import { FORBIDDEN_KEYS } from "./attributes";
import { DATETIME_RULE } from "./primitives";
import { contractRegistry } from "./registry";

export const VALIDATION_ISSUE_CODES = [
  "invalid_type", // wrong JSON type (string where a number belongs, ...)
  "missing_field", // a required field is absent
  "unknown_field", // a field the contract does not name (put extras in attributes)
  "too_small", // below a minimum (number, string length)
  "too_big", // above a maximum (number, string length, attribute count)
  "not_integer", // a number with a fraction where an integer belongs
  "invalid_enum", // not one of the allowed values
  "invalid_format", // a string not matching its pattern (ids, slugs, date-times)
  "missing_offset", // a date-time without 'Z' or ±hh:mm
  "future_timestamp", // a date-time further in the future than the allowed clock skew
  "timestamp_too_early", // a date-time before the configured lower bound (default 1970-01-01T00:00:00Z)
  "no_score", // a survey.response without any of nps, csat, ces
  "forbidden_key", // '__proto__', 'constructor' or 'prototype' as an attributes key
  "unknown_event_type", // `type` is not one of EVENT_TYPES
  "unsupported_schema_version", // `schemaVersion` is not a supported version
  "too_many_issues", // more issues than one answer lists (per event, and per request in the collector)
] as const;
export type ValidationIssueCode = (typeof VALIDATION_ISSUE_CODES)[number];

export const ValidationIssue = z
  .strictObject({
    code: z.enum(VALIDATION_ISSUE_CODES),
    path: z.string(),
    message: z.string(),
  })
  .register(contractRegistry, {
    id: "ValidationIssue",
    description:
      "One broken rule of a rejected event. `code` is stable; `path` is a JSON path ('' = the whole event).",
  });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** Marker returned by the per-parse error map: "this schema has no rule phrase of its own". */
export const NO_RULE = "\u0000";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Keys longer than this (no valid key is: field names and attribute keys are at most 64) are shown
 * by their start and length, so an answer never echoes a sender's megabyte-long key back, twice.
 */
export const MAX_KEY_SHOWN = 64;

/** A key as paths and messages show it: itself, or its first 32 characters and its length. */
export function shownKey(key: string): string {
  return key.length <= MAX_KEY_SHOWN ? key : `${key.slice(0, 32)}…(${key.length} characters)`;
}

/** `["body", "nps"]` → `body.nps`; odd keys are bracketed: `attributes["a b"]`, `items[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = shownKey(String(seg));
      out += IDENTIFIER.test(key) ? (out === "" ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** The name used in messages: the path, or "event" for the whole event. */
export function subject(path: string): string {
  return path === "" ? "event" : path;
}

/** Reads the raw input at `path` (own properties only); undefined when absent. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const seg of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

// A date-time that would be valid if only it carried an offset.
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

const EXPECTED_PHRASE: Record<string, string> = {
  object: "an object",
  record: "an object",
  array: "an array",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  null: "null",
};

function issue(code: ValidationIssueCode, path: string, message: string): ValidationIssue {
  return { code, path, message };
}

/**
 * Turns one zod issue into ValidationIssues (an `unrecognized_keys` issue becomes one
 * `unknown_field` per key). `input` is the raw event, used to tell a missing field from a
 * wrong one and a no-offset date-time from garbage.
 */
export function toValidationIssues(
  zi: core.$ZodIssue,
  input: unknown,
  out: ValidationIssue[],
): void {
  const path = formatPath(zi.path);
  const name = subject(path);
  const rule = zi.message === NO_RULE ? undefined : zi.message;

  switch (zi.code) {
    case "unrecognized_keys":
      for (const key of zi.keys) {
        const p = formatPath([...zi.path, key]);
        out.push(
          issue(
            "unknown_field",
            p,
            `${p} is not a field of ${owner(zi.path, path, input)}; put sender-specific data in attributes`,
          ),
        );
      }
      return;

    case "invalid_type": {
      const raw = valueAt(input, zi.path);
      if (raw === undefined) {
        out.push(issue("missing_field", path, `${name} is required`));
      } else if (zi.expected === "int" && typeof raw === "number") {
        out.push(issue("not_integer", path, `${name} ${rule ?? "must be an integer"}`));
      } else {
        out.push(
          issue(
            "invalid_type",
            path,
            `${name} ${rule ?? `must be ${EXPECTED_PHRASE[zi.expected] ?? zi.expected}`}`,
          ),
        );
      }
      return;
    }

    case "too_big":
    case "too_small": {
      const bound =
        zi.code === "too_big" ? `at most ${String(zi.maximum)}` : `at least ${String(zi.minimum)}`;
      const what = zi.origin === "string" ? ` characters long` : "";
      out.push(issue(zi.code, path, `${name} ${rule ?? `must be ${bound}${what}`}`));
      return;
    }

    case "invalid_format": {
      const raw = valueAt(input, zi.path);
      if (zi.format === "datetime" && typeof raw === "string" && LOCAL_DATETIME.test(raw)) {
        out.push(issue("missing_offset", path, `${name} has no UTC offset: it ${DATETIME_RULE}`));
      } else {
        out.push(issue("invalid_format", path, `${name} ${rule ?? "has an invalid format"}`));
      }
      return;
    }

    case "invalid_value":
      out.push(
        issue(
          "invalid_enum",
          path,
          `${name} ${rule ?? `must be one of ${zi.values.map((v) => String(v)).join(", ")}`}`,
        ),
      );
      return;

    case "invalid_union":
      // Only the attribute value union reaches here (the event union is dispatched by hand).
      out.push(issue("invalid_type", path, `${name} ${rule ?? "has an unsupported type"}`));
      return;

    case "invalid_key": {
      const key = zi.path[zi.path.length - 1];
      const keyText = JSON.stringify(shownKey(String(key)));
      if (typeof key === "string" && FORBIDDEN_KEYS.has(key)) {
        out.push(forbiddenKeyIssue(path, key));
      } else {
        const nested = zi.issues[0]?.message;
        const keyRule =
          nested !== undefined && nested !== NO_RULE ? nested : "is not an allowed key";
        out.push(
          issue(
            "invalid_format",
            path,
            `key ${keyText} of ${subject(formatPath(zi.path.slice(0, -1)))} ${keyRule}`,
          ),
        );
      }
      return;
    }

    case "custom": {
      const code =
        (zi.params as { pulseCode?: ValidationIssueCode } | undefined)?.pulseCode ??
        "invalid_format";
      out.push(issue(code, path, `${name} ${rule ?? "is invalid"}`));
      return;
    }

    default:
      // not_multiple_of / invalid_element: no schema of the contract produces them today.
      out.push(issue("invalid_format", path, `${name} ${rule ?? "is invalid"}`));
  }
}

/** "the event", "the survey.response body" or the object's path, for unknown-field messages. */
function owner(zpath: readonly PropertyKey[], path: string, input: unknown): string {
  if (zpath.length === 0) return "the event";
  const type = valueAt(input, ["type"]);
  if (path === "body" && typeof type === "string") return `the ${type} body`;
  return path;
}

export function forbiddenKeyIssue(path: string, key: string): ValidationIssue {
  return issue(
    "forbidden_key",
    path,
    `${path} uses the forbidden key ${JSON.stringify(key)}: '__proto__', 'constructor' and 'prototype' are not allowed as keys`,
  );
}
