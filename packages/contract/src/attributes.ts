/**
 * `attributes`: the one place where a sender may put fields the contract does not name.
 * Flat (no nesting), bounded in count and size, and with keys that can never reach
 * `Object.prototype` when a consumer copies them onto a plain object.
 */
import { z } from "zod";
import { contractRegistry } from "./registry";

export const MAX_ATTRIBUTES = 50;
export const MAX_ATTRIBUTE_STRING_LENGTH = 1024;

/** Keys that mutate or shadow an object's prototype when assigned. Rejected as `forbidden_key`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

// The negative lookahead keeps the forbidden keys out of the generated JSON Schema as well.
const ATTRIBUTE_KEY_PATTERN =
  /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const ATTRIBUTE_KEY_RULE =
  "must be 1–64 characters of A–Z, a–z, 0–9, '_', '.' or '-', starting with a letter or '_'";

const VALUE_RULE = `must be a string (at most ${MAX_ATTRIBUTE_STRING_LENGTH} characters), a finite number, a boolean or null`;
const COUNT_RULE = `must hold at most ${MAX_ATTRIBUTES} entries`;

const AttributeKey = z.string().regex(ATTRIBUTE_KEY_PATTERN, { error: ATTRIBUTE_KEY_RULE });

const AttributeValue = z.union(
  [
    z.string().max(MAX_ATTRIBUTE_STRING_LENGTH, { error: VALUE_RULE }),
    z.number(), // zod's number already rejects NaN and ±Infinity
    z.boolean(),
    z.null(),
  ],
  { error: VALUE_RULE },
);

export const Attributes = z
  .record(AttributeKey, AttributeValue)
  .refine((v) => Object.keys(v).length <= MAX_ATTRIBUTES, {
    error: COUNT_RULE,
    params: { pulseCode: "too_big" },
    // Count even when some entries are invalid, so every issue is reported in one answer.
    when: (payload) => typeof payload.value === "object" && payload.value !== null,
  })
  .register(contractRegistry, {
    description:
      "Sender-defined extra data: flat key → string | number | boolean | null. " +
      `At most ${MAX_ATTRIBUTES} entries; keys ${ATTRIBUTE_KEY_RULE}; ` +
      `'__proto__', 'constructor' and 'prototype' are rejected.`,
    maxProperties: MAX_ATTRIBUTES,
  });
export type Attributes = z.infer<typeof Attributes>;
