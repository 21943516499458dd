/**
 * Property-based tests: whatever arrives on the wire, validateEvent returns a Result (never
 * throws), every issue is well-formed, and it agrees with the generated JSON Schema.
 */
import { Ajv2020 } from "ajv/dist/2020";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "./fixtures";
import { CHANNELS, EVENT_TYPES } from "./event";
import { VALIDATION_ISSUE_CODES } from "./issues";
import { buildFeedbackEventJsonSchema } from "./json-schema";
import { validateEvent } from "./validate";
import type { ValidateOptions } from "./validate";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
// Lengths in code points, as JSON Schema and zod 4 count them (seed -1218621941 found the mismatch).
const ajv = new Ajv2020({ strict: true, strictRequired: false });
addFormats(ajv);
const schemaAccepts = ajv.compile(buildFeedbackEventJsonSchema());

/** The clock rule is the one rule JSON Schema cannot express: switch it off to compare. */
// The JSON Schema cannot express the clock bounds: switch both off for the comparison.
const NO_CLOCK: ValidateOptions = { maxFutureSkewMs: Number.POSITIVE_INFINITY, minOccurredAt: new Date(-8.64e15) };

const HOSTILE_STRINGS = [
  "",
  " ",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "💩".repeat(3000),
  "a".repeat(20_001),
  "x".repeat(200_000),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "${jndi:ldap://x}",
  "../../etc/passwd",
  "NaN",
  "-0",
  "1e309",
  "2025-03-14T10:00:00",
  "2025-03-14T10:00:00Z",
  "2025-03-14T10:00:00+01:00",
  "9999-12-31T23:59:59.999999999+14:00",
  "survey.response",
  "phone",
  "high",
  "\u202e\u200b\ufeff",
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    -0,
    0,
    1,
    10,
    11,
    -1,
    0.5,
    86_400,
    86_401,
    2 ** 53,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
);

const isoDate = fc
  .date({
    min: new Date("1970-01-01T00:00:00Z"),
    max: new Date("2100-01-01T00:00:00Z"),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

/** JSON-like values with a bias towards things that almost pass. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: isoDate },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 60 }),
  },
);

const FIELD_PATHS = [
  "id",
  "type",
  "occurredAt",
  "source",
  "touchpoint",
  "channel",
  "journey",
  "journey.stage",
  "journey.caseId",
  "customer",
  "customer.id",
  "customer.segment",
  "customer.valueTier",
  "agent",
  "agent.id",
  "agent.team",
  "schemaVersion",
  "attributes",
  "body",
  "body.surveyId",
  "body.nps",
  "body.csat",
  "body.ces",
  "body.expectation",
  "body.experience",
  "body.comment",
  "body.queue",
  "body.waitSeconds",
  "body.handleSeconds",
  "body.holdSeconds",
  "body.transfers",
  "body.abandoned",
  "body.resolved",
  "body.topic",
  "body.complaintId",
  "body.category",
  "body.severity",
  "body.text",
  "body.resolution",
  "body.resolvedAt",
  "body.note",
];

type Mutation = { path: string; value: unknown; remove: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FIELD_PATHS) },
    { weight: 1, arbitrary: hostileString.map((k) => `body.${k}`) },
    { weight: 1, arbitrary: hostileString.map((k) => `attributes.${k}`) },
    { weight: 1, arbitrary: hostileString },
  ),
  value: hostileValue,
  remove: fc.boolean(),
});

/** Applies mutations to a JSON copy of a sample; keys are set as own properties, as JSON.parse would. */
function mutate(type: (typeof EVENT_TYPES)[number], mutations: Mutation[]): unknown {
  const event = JSON.parse(JSON.stringify(makeSampleEvent(type))) as Record<string, unknown>;
  for (const m of mutations) {
    const [head, ...tail] = m.path.split(".");
    const key = tail.length === 0 ? (head as string) : tail.join(".");
    let target: unknown = event;
    if (tail.length > 0) {
      target = event[head as string];
      if (typeof target !== "object" || target === null || Array.isArray(target)) {
        target = {};
        Object.defineProperty(event, head as string, {
          value: target,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    const obj = target as Record<string, unknown>;
    if (m.remove) delete obj[key];
    else
      Object.defineProperty(obj, key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return event;
}

function expectWellFormedResult(input: unknown, opts?: ValidateOptions): boolean {
  const r = validateEvent(input, opts);
  expect(typeof r.ok).toBe("boolean");
  if (!r.ok) {
    expect(Array.isArray(r.error)).toBe(true);
    expect(r.error.length).toBeGreaterThan(0);
    for (const issue of r.error) {
      expect(VALIDATION_ISSUE_CODES).toContain(issue.code);
      expect(typeof issue.path).toBe("string");
      expect(typeof issue.message).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.message).not.toContain("\u0000"); // the internal "no rule" marker never leaks
    }
  } else {
    expect(typeof r.value.id).toBe("string");
  }
  return r.ok;
}

describe("validateEvent never throws", () => {
  it("on any JavaScript value, including exotic ones", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
          withUnicodeString: true,
        }),
        (value) => {
          expect(expectWellFormedResult(value)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("on objects shaped like events with hostile field values", () => {
    const envelopeish = fc.record(
      Object.fromEntries(FIELD_PATHS.filter((p) => !p.includes(".")).map((k) => [k, hostileValue])),
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelopeish, (value) => {
        expectWellFormedResult(value);
      }),
      { numRuns: 2000 },
    );
  });

  it("on getters that throw and on revoked proxies", () => {
    const throwing = Object.defineProperty({}, "type", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const input of [throwing, proxy]) {
      const r = validateEvent(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error[0]).toMatchObject({ code: "invalid_type", path: "" });
    }
  });
});

describe("validateEvent agrees with the generated JSON Schema", () => {
  it("on mutated sample events (accept ⇔ the schema accepts)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (type, ms) => {
          const input = mutate(type, ms);
          const accepted = expectWellFormedResult(input, NO_CLOCK);
          expect(accepted).toBe(schemaAccepts(input));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("on generated valid survey responses (both accept)", () => {
    const score = (min: number, max: number) =>
      fc.option(fc.integer({ min, max }), { nil: undefined });
    const body = fc
      .record({
        nps: score(0, 10),
        csat: score(1, 5),
        ces: score(1, 7),
        expectation: score(1, 5),
        experience: score(1, 5),
        comment: fc.option(fc.string({ unit: "binary", maxLength: 2500 }), { nil: undefined }),
      })
      .filter((b) => b.nps !== undefined || b.csat !== undefined || b.ces !== undefined);
    fc.assert(
      fc.property(body, fc.constantFrom(...CHANNELS), isoDate, (b, channel, occurredAt) => {
        const event = makeSampleEvent("survey.response", { channel, occurredAt, body: b });
        const r = validateEvent(event, NO_CLOCK);
        expect(r.ok, JSON.stringify(r.ok ? null : r.error)).toBe(true);
        expect(schemaAccepts(JSON.parse(JSON.stringify(event)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
