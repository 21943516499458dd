/**
 * One case per rejection rule: each asserts the stable code, the JSON path and the words of the
 * message (the field and the rule), and that this issue is the only one reported.
 */
import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "./fixtures";
import type { ValidationIssue } from "./issues";
import { VALIDATION_ISSUE_CODES } from "./issues";
import { DEFAULT_MAX_ISSUES, validateEvent } from "./validate";
import type { ValidateOptions } from "./validate";

const NOW = new Date("2025-03-15T00:00:00Z");

function issuesOf(input: unknown, opts: ValidateOptions = { now: NOW }): ValidationIssue[] {
  const r = validateEvent(input, opts);
  if (r.ok) throw new Error("expected a rejection, the event was accepted");
  return r.error;
}

/** A sample as plain JSON, so tests can break it freely. */
function json(
  type: Parameters<typeof makeSampleEvent>[0],
): Record<string, unknown> & { body: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(makeSampleEvent(type))) as Record<string, unknown> & {
    body: Record<string, unknown>;
  };
}

function withField(type: Parameters<typeof makeSampleEvent>[0], path: string, value: unknown) {
  const e = json(type);
  const keys = path.split(".");
  let obj: Record<string, unknown> = e;
  for (const k of keys.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete obj[last];
  else obj[last] = value;
  return e;
}

type Case = {
  rule: string;
  input: () => unknown;
  code: string;
  path: string;
  words: string[];
  opts?: ValidateOptions;
};

const S = "survey.response" as const;
const CALL = "call.completed" as const;
const CONTACT = "contact.completed" as const;
const OPENED = "complaint.opened" as const;
const RESOLVED = "complaint.resolved" as const;

const cases: Case[] = [
  // The event as a whole
  {
    rule: "event must be an object (string)",
    input: () => "hello",
    code: "invalid_type",
    path: "",
    words: ["event", "object"],
  },
  {
    rule: "event must be an object (array)",
    input: () => [json(S)],
    code: "invalid_type",
    path: "",
    words: ["event", "object"],
  },
  {
    rule: "event must be an object (null)",
    input: () => null,
    code: "invalid_type",
    path: "",
    words: ["event", "object"],
  },
  // id
  {
    rule: "id is required",
    input: () => withField(S, "id", undefined),
    code: "missing_field",
    path: "id",
    words: ["id", "required"],
  },
  {
    rule: "id charset",
    input: () => withField(S, "id", "evt 1/2"),
    code: "invalid_format",
    path: "id",
    words: ["id", "1–128", "0–9"],
  },
  {
    rule: "id length",
    input: () => withField(S, "id", "x".repeat(129)),
    code: "invalid_format",
    path: "id",
    words: ["id", "1–128"],
  },
  {
    rule: "id type",
    input: () => withField(S, "id", 42),
    code: "invalid_type",
    path: "id",
    words: ["id", "1–128"],
  },
  // type
  {
    rule: "type is required",
    input: () => withField(S, "type", undefined),
    code: "missing_field",
    path: "type",
    words: ["type", "required", "survey.response"],
  },
  {
    rule: "type must be known",
    input: () => withField(S, "type", "survey.answer"),
    code: "unknown_event_type",
    path: "type",
    words: ["type", "one of", "call.completed"],
  },
  // occurredAt
  {
    rule: "occurredAt needs an offset",
    input: () => withField(S, "occurredAt", "2025-03-14T10:00:00"),
    code: "missing_offset",
    path: "occurredAt",
    words: ["occurredAt", "offset"],
  },
  {
    rule: "occurredAt must be a date-time",
    input: () => withField(S, "occurredAt", "yesterday"),
    code: "invalid_format",
    path: "occurredAt",
    words: ["occurredAt", "ISO-8601", "offset"],
  },
  {
    rule: "occurredAt must be a real calendar date",
    input: () => withField(S, "occurredAt", "2025-02-30T10:00:00Z"),
    code: "invalid_format",
    path: "occurredAt",
    words: ["occurredAt", "ISO-8601"],
  },
  {
    rule: "occurredAt date only",
    input: () => withField(S, "occurredAt", "2025-03-14"),
    code: "invalid_format",
    path: "occurredAt",
    words: ["occurredAt", "date-time"],
  },
  {
    rule: "occurredAt at most 24 h in the future",
    input: () => withField(S, "occurredAt", "2025-03-16T00:00:01Z"),
    code: "future_timestamp",
    path: "occurredAt",
    words: ["occurredAt", "24 h", "future"],
  },
  {
    rule: "occurredAt honours a custom skew",
    input: () => withField(S, "occurredAt", "2025-03-15T00:06:00Z"),
    opts: { now: NOW, maxFutureSkewMs: 5 * 60_000 },
    code: "future_timestamp",
    path: "occurredAt",
    words: ["occurredAt", "5 min", "future"],
  },
  // source, touchpoint, channel
  {
    rule: "source is required",
    input: () => withField(S, "source", undefined),
    code: "missing_field",
    path: "source",
    words: ["source", "required"],
  },
  {
    rule: "source has no control characters",
    input: () => withField(S, "source", "crm\n"),
    code: "invalid_format",
    path: "source",
    words: ["source", "control characters"],
  },
  {
    rule: "source is not empty",
    input: () => withField(S, "source", ""),
    code: "invalid_format",
    path: "source",
    words: ["source", "1–128"],
  },
  {
    rule: "touchpoint is a lower-case slug",
    input: () => withField(S, "touchpoint", "Billing Desk"),
    code: "invalid_format",
    path: "touchpoint",
    words: ["touchpoint", "a–z"],
  },
  {
    rule: "channel is one of CHANNELS",
    input: () => withField(S, "channel", "fax"),
    code: "invalid_enum",
    path: "channel",
    words: ["channel", "one of", "phone", "other"],
  },
  {
    rule: "call.completed comes from phone or ivr",
    input: () => withField(CALL, "channel", "chat"),
    code: "invalid_enum",
    path: "channel",
    words: ["channel", "phone", "ivr", "call.completed"],
  },
  {
    rule: "contact.completed is a non-voice channel",
    input: () => withField(CONTACT, "channel", "phone"),
    code: "invalid_enum",
    path: "channel",
    words: ["channel", "chat", "email", "contact.completed"],
  },
  // journey, customer, agent
  {
    rule: "journey.stage is required",
    input: () => withField(S, "journey.stage", undefined),
    code: "missing_field",
    path: "journey.stage",
    words: ["journey.stage", "required"],
  },
  {
    rule: "journey must be an object",
    input: () => withField(S, "journey", "delivery"),
    code: "invalid_type",
    path: "journey",
    words: ["journey", "object"],
  },
  {
    rule: "customer is required",
    input: () => withField(S, "customer", undefined),
    code: "missing_field",
    path: "customer",
    words: ["customer", "required"],
  },
  {
    rule: "customer.id is pseudonymous (no e-mail)",
    input: () => withField(S, "customer.id", "ann@example.com"),
    code: "invalid_format",
    path: "customer.id",
    words: ["customer.id", "1–128"],
  },
  {
    rule: "customer.segment is a slug",
    input: () => withField(S, "customer.segment", "VIP!"),
    code: "invalid_format",
    path: "customer.segment",
    words: ["customer.segment", "a–z"],
  },
  {
    rule: "agent.id is required when agent is given",
    input: () => withField(CALL, "agent.id", undefined),
    code: "missing_field",
    path: "agent.id",
    words: ["agent.id", "required"],
  },
  // schemaVersion
  {
    rule: "schemaVersion is required",
    input: () => withField(S, "schemaVersion", undefined),
    code: "missing_field",
    path: "schemaVersion",
    words: ["schemaVersion", "required", "1"],
  },
  {
    rule: "schemaVersion must be supported",
    input: () => withField(S, "schemaVersion", 2),
    code: "unsupported_schema_version",
    path: "schemaVersion",
    words: ["schemaVersion", "must be 1"],
  },
  {
    rule: "schemaVersion is a number",
    input: () => withField(S, "schemaVersion", "1"),
    code: "unsupported_schema_version",
    path: "schemaVersion",
    words: ["schemaVersion", "must be 1"],
  },
  // attributes
  {
    rule: "attributes must be an object",
    input: () => withField(S, "attributes", ["a"]),
    code: "invalid_type",
    path: "attributes",
    words: ["attributes", "object"],
  },
  {
    rule: "attributes values are scalars",
    input: () => withField(S, "attributes", { nested: { a: 1 } }),
    code: "invalid_type",
    path: "attributes.nested",
    words: ["attributes.nested", "string", "number", "boolean", "null"],
  },
  {
    rule: "attributes strings are bounded",
    input: () => withField(S, "attributes", { long: "x".repeat(1025) }),
    code: "too_big",
    path: "attributes.long",
    words: ["attributes.long", "1024"],
  },
  {
    rule: "attributes hold at most 50 entries",
    input: () =>
      withField(
        S,
        "attributes",
        Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
      ),
    code: "too_big",
    path: "attributes",
    words: ["attributes", "at most 50"],
  },
  {
    rule: "attributes keys have a restricted charset",
    input: () => withField(S, "attributes", { "order id": "1" }),
    code: "invalid_format",
    path: 'attributes["order id"]',
    words: ['"order id"', "attributes", "1–64"],
  },
  {
    rule: "attributes key 'constructor' is forbidden",
    input: () => withField(S, "attributes", { constructor: "x" }),
    code: "forbidden_key",
    path: "attributes.constructor",
    words: ["constructor", "forbidden"],
  },
  {
    rule: "attributes key 'prototype' is forbidden",
    input: () => withField(S, "attributes", { prototype: 1 }),
    code: "forbidden_key",
    path: "attributes.prototype",
    words: ["prototype", "forbidden"],
  },
  {
    rule: "attributes key '__proto__' is forbidden (own key, as JSON.parse makes it)",
    input: () => withField(S, "attributes", JSON.parse('{"__proto__": {"isAdmin": true}}')),
    code: "forbidden_key",
    path: "attributes.__proto__",
    words: ["__proto__", "forbidden"],
  },
  // unknown fields
  {
    rule: "unknown top-level field",
    input: () => withField(S, "tenant", "acme"),
    code: "unknown_field",
    path: "tenant",
    words: ["tenant", "not a field", "event", "attributes"],
  },
  {
    rule: "unknown body field",
    input: () => withField(S, "body.nsp", 9),
    code: "unknown_field",
    path: "body.nsp",
    words: ["body.nsp", "not a field", "survey.response body", "attributes"],
  },
  {
    rule: "unknown customer field",
    input: () => withField(S, "customer.email", "a@b.c"),
    code: "unknown_field",
    path: "customer.email",
    words: ["customer.email", "not a field"],
  },
  {
    rule: "unknown top-level '__proto__'",
    input: () => ({ ...json(S), ...(JSON.parse('{"__proto__": {"x": 1}}') as object) }),
    code: "unknown_field",
    path: "__proto__",
    words: ["__proto__", "not a field"],
  },
  {
    rule: "unknown body 'constructor'",
    input: () => withField(S, "body.constructor", { prototype: {} }),
    code: "unknown_field",
    path: "body.constructor",
    words: ["body.constructor", "not a field"],
  },
  // body (common)
  {
    rule: "body is required",
    input: () => withField(S, "body", undefined),
    code: "missing_field",
    path: "body",
    words: ["body", "required"],
  },
  {
    rule: "body must be an object",
    input: () => withField(S, "body", [9]),
    code: "invalid_type",
    path: "body",
    words: ["body", "object"],
  },
  // survey.response
  {
    rule: "survey needs a score",
    input: () => withField(S, "body", { surveyId: "s", comment: "hi" }),
    code: "no_score",
    path: "body",
    words: ["body", "nps", "csat", "ces"],
  },
  {
    rule: "surveyId is required",
    input: () => withField(S, "body.surveyId", undefined),
    code: "missing_field",
    path: "body.surveyId",
    words: ["body.surveyId", "required"],
  },
  {
    rule: "nps at most 10",
    input: () => withField(S, "body.nps", 11),
    code: "too_big",
    path: "body.nps",
    words: ["body.nps", "integer between 0 and 10"],
  },
  {
    rule: "nps at least 0",
    input: () => withField(S, "body.nps", -1),
    code: "too_small",
    path: "body.nps",
    words: ["body.nps", "integer between 0 and 10"],
  },
  {
    rule: "nps is an integer",
    input: () => withField(S, "body.nps", 8.5),
    code: "not_integer",
    path: "body.nps",
    words: ["body.nps", "integer between 0 and 10"],
  },
  {
    rule: "nps is a number",
    input: () => withField(S, "body.nps", "9"),
    code: "invalid_type",
    path: "body.nps",
    words: ["body.nps", "integer between 0 and 10"],
  },
  {
    rule: "csat between 1 and 5",
    input: () => withField(S, "body.csat", 0),
    code: "too_small",
    path: "body.csat",
    words: ["body.csat", "integer between 1 and 5"],
  },
  {
    rule: "ces between 1 and 7",
    input: () => withField(S, "body.ces", 8),
    code: "too_big",
    path: "body.ces",
    words: ["body.ces", "integer between 1 and 7"],
  },
  {
    rule: "expectation between 1 and 5",
    input: () => withField(S, "body.expectation", 6),
    code: "too_big",
    path: "body.expectation",
    words: ["body.expectation", "integer between 1 and 5"],
  },
  {
    rule: "experience between 1 and 5",
    input: () => withField(S, "body.experience", 0),
    code: "too_small",
    path: "body.experience",
    words: ["body.experience", "integer between 1 and 5"],
  },
  {
    rule: "comment at most 5000 characters",
    input: () => withField(S, "body.comment", "x".repeat(5001)),
    code: "too_big",
    path: "body.comment",
    words: ["body.comment", "5000 characters"],
  },
  // call.completed
  {
    rule: "queue is required",
    input: () => withField(CALL, "body.queue", undefined),
    code: "missing_field",
    path: "body.queue",
    words: ["body.queue", "required"],
  },
  {
    rule: "waitSeconds not negative",
    input: () => withField(CALL, "body.waitSeconds", -1),
    code: "too_small",
    path: "body.waitSeconds",
    words: ["body.waitSeconds", "between 0 and 86400"],
  },
  {
    rule: "handleSeconds at most a day",
    input: () => withField(CALL, "body.handleSeconds", 86_401),
    code: "too_big",
    path: "body.handleSeconds",
    words: ["body.handleSeconds", "between 0 and 86400"],
  },
  {
    rule: "holdSeconds is a number",
    input: () => withField(CALL, "body.holdSeconds", null),
    code: "invalid_type",
    path: "body.holdSeconds",
    words: ["body.holdSeconds", "seconds"],
  },
  {
    rule: "transfers is an integer",
    input: () => withField(CALL, "body.transfers", 1.5),
    code: "not_integer",
    path: "body.transfers",
    words: ["body.transfers", "integer between 0 and 100"],
  },
  {
    rule: "abandoned is a boolean",
    input: () => withField(CALL, "body.abandoned", "no"),
    code: "invalid_type",
    path: "body.abandoned",
    words: ["body.abandoned", "true or false"],
  },
  {
    rule: "resolved is a boolean",
    input: () => withField(CALL, "body.resolved", 1),
    code: "invalid_type",
    path: "body.resolved",
    words: ["body.resolved", "true or false"],
  },
  // contact.completed
  {
    rule: "contact handleSeconds is required",
    input: () => withField(CONTACT, "body.handleSeconds", undefined),
    code: "missing_field",
    path: "body.handleSeconds",
    words: ["body.handleSeconds", "required"],
  },
  {
    rule: "contact waitSeconds at most 30 days",
    input: () => withField(CONTACT, "body.waitSeconds", 30 * 86_400 + 1),
    code: "too_big",
    path: "body.waitSeconds",
    words: ["body.waitSeconds", "2592000"],
  },
  // complaint.opened
  {
    rule: "severity is an enum",
    input: () => withField(OPENED, "body.severity", "urgent"),
    code: "invalid_enum",
    path: "body.severity",
    words: ["body.severity", "low", "critical"],
  },
  {
    rule: "complaint text at most 20000",
    input: () => withField(OPENED, "body.text", "x".repeat(20_001)),
    code: "too_big",
    path: "body.text",
    words: ["body.text", "20000"],
  },
  {
    rule: "complaint text not empty",
    input: () => withField(OPENED, "body.text", ""),
    code: "too_small",
    path: "body.text",
    words: ["body.text", "1–20000"],
  },
  {
    rule: "category is a slug",
    input: () => withField(OPENED, "body.category", "Damaged Goods"),
    code: "invalid_format",
    path: "body.category",
    words: ["body.category", "a–z"],
  },
  // complaint.resolved
  {
    rule: "resolution is an enum",
    input: () => withField(RESOLVED, "body.resolution", "fixed"),
    code: "invalid_enum",
    path: "body.resolution",
    words: ["body.resolution", "upheld", "withdrawn"],
  },
  {
    rule: "resolvedAt needs an offset",
    input: () => withField(RESOLVED, "body.resolvedAt", "2025-03-14T10:00:00.5"),
    code: "missing_offset",
    path: "body.resolvedAt",
    words: ["body.resolvedAt", "offset"],
  },
  {
    rule: "resolvedAt not in the future",
    input: () => withField(RESOLVED, "body.resolvedAt", "2026-01-01T00:00:00+01:00"),
    code: "future_timestamp",
    path: "body.resolvedAt",
    words: ["body.resolvedAt", "future"],
  },
  {
    rule: "complaintId is required",
    input: () => withField(RESOLVED, "body.complaintId", undefined),
    code: "missing_field",
    path: "body.complaintId",
    words: ["body.complaintId", "required"],
  },
];

describe("every rejection rule maps to a stable code, a path and a message", () => {
  it.each(cases)("$rule → $code at '$path'", ({ input, code, path, words, opts }) => {
    const issues = issuesOf(input(), opts);
    expect(issues).toHaveLength(1);
    const [only] = issues;
    expect(only).toMatchObject({ code, path });
    for (const w of words) expect(only?.message).toContain(w);
  });

  it("only uses documented codes", () => {
    for (const c of cases) expect(VALIDATION_ISSUE_CODES).toContain(c.code);
  });
});

describe("reports all issues of an event at once", () => {
  it("lists envelope and body issues together, in one answer", () => {
    const e = json(S);
    e.id = "";
    e.occurredAt = "2025-03-14T10:00:00";
    e.channel = "pigeon";
    e.extra = true;
    e.body = { surveyId: "s", nps: 12, csat: 3.5, comment: 7, nsp: 9 };
    const issues = issuesOf(e);
    const got = issues.map((i) => `${i.code}@${i.path}`).sort();
    expect(got).toEqual(
      [
        "invalid_format@id",
        "missing_offset@occurredAt",
        "invalid_enum@channel",
        "unknown_field@extra",
        "too_big@body.nps",
        "not_integer@body.csat",
        "invalid_type@body.comment",
        "unknown_field@body.nsp",
      ].sort(),
    );
  });

  it("still checks the envelope when the type is unknown, and the version is unsupported", () => {
    const e = {
      ...json(CALL),
      type: "call.ended",
      schemaVersion: 3,
      touchpoint: "IVR",
      occurredAt: "2030-01-01T00:00:00Z",
    };
    const got = issuesOf(e)
      .map((i) => `${i.code}@${i.path}`)
      .sort();
    expect(got).toEqual(
      [
        "unknown_event_type@type",
        "unsupported_schema_version@schemaVersion",
        "invalid_format@touchpoint",
        "future_timestamp@occurredAt",
      ].sort(),
    );
  });

  it("reports a missing score beside another body issue", () => {
    const got = issuesOf(withField(S, "body", { surveyId: "s", comment: "x".repeat(6000) })).map(
      (i) => i.code,
    );
    expect(got.sort()).toEqual(["no_score", "too_big"]);
  });

  it("reports every forbidden attribute key", () => {
    const attrs = JSON.parse(
      '{"__proto__": 1, "constructor": 2, "prototype": 3, "fine": 4}',
    ) as unknown;
    const issues = issuesOf(withField(S, "attributes", attrs));
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["attributes.__proto__", "attributes.constructor", "attributes.prototype"].sort(),
    );
    expect(issues.every((i) => i.code === "forbidden_key")).toBe(true);
  });
});

describe("an answer never grows with what is sent", () => {
  it("lists at most DEFAULT_MAX_ISSUES issues and counts the rest in one too_many_issues", () => {
    const e = json(S);
    for (let i = 0; i < 250; i++) e[`extra_${i}`] = i;
    const issues = issuesOf(e);
    expect(issues).toHaveLength(DEFAULT_MAX_ISSUES + 1);
    expect(issues.slice(0, DEFAULT_MAX_ISSUES).every((x) => x.code === "unknown_field")).toBe(true);
    expect(issues[DEFAULT_MAX_ISSUES]).toEqual({
      code: "too_many_issues",
      path: "",
      message: `event has 150 more issues, not listed (an answer lists at most ${DEFAULT_MAX_ISSUES} per event); fix these first`,
    });
  });

  it("takes a smaller cap, never below one listed issue", () => {
    const e = json(S);
    e.channel = "fax";
    e.id = "";
    expect(issuesOf(e, { now: NOW, maxIssues: 0 }).map((x) => x.code)).toEqual(["invalid_format", "too_many_issues"]);
  });

  it("shows a key longer than 64 characters by its first 32 and its length, in the path and the message", () => {
    const e = json(S);
    const key = "x".repeat(100_000);
    e[key] = 1;
    e.attributes = { ["a".repeat(70)]: "v" };
    const issues = issuesOf(e);
    const unknown = issues.find((x) => x.code === "unknown_field");
    expect(unknown?.path).toBe(`["${"x".repeat(32)}…(100000 characters)"]`);
    expect(unknown?.message.length).toBeLessThan(200);
    const attr = issues.find((x) => x.path.startsWith("attributes"));
    expect(attr?.path).toBe(`attributes["${"a".repeat(32)}…(70 characters)"]`);
    expect(JSON.stringify(issues).length).toBeLessThan(1000);
  });
});
