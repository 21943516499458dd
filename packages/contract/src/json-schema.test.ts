import { Ajv2020 } from "ajv/dist/2020";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "./fixtures";
import { EVENT_TYPES } from "./event";
import {
  EVENT_COMPONENT_NAMES,
  buildFeedbackEventJsonSchema,
  buildOpenApiComponents,
} from "./json-schema";
import type { JsonSchema } from "./json-schema";

// ajv-formats is CommonJS: its default export is the plugin function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Ajv in strict mode, counting string lengths in Unicode code points as JSON Schema's maxLength
 * and zod 4's string lengths do (an emoji is one character, not two).
 * strictRequired is off: it is a lint that wants `required` names declared beside them, which
 * the survey body's `anyOf: [{ required: ["nps"] }, ...]` deliberately does not repeat.
 */
const AJV_OPTIONS = {
  strict: true,
  strictRequired: false,
  allErrors: true,
} as const;

function compile(schema: JsonSchema) {
  const ajv = new Ajv2020(AJV_OPTIONS);
  addFormats(ajv);
  return ajv.compile(schema);
}

const defsOf = (s: JsonSchema) => s.$defs as Record<string, JsonSchema>;

describe("JSON Schema generated from the zod contract", () => {
  const schema = buildFeedbackEventJsonSchema();

  it("is a draft 2020-12 document whose root is a oneOf over every event type", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("FeedbackEvent");
    const oneOf = schema.oneOf as JsonSchema[];
    expect(oneOf.map((s) => s.$ref)).toEqual(
      EVENT_TYPES.map((t) => `#/$defs/${EVENT_COMPONENT_NAMES[t]}`),
    );
  });

  it.each(EVENT_TYPES)("describes %s with its type constant, strict envelope and body", (type) => {
    const def = defsOf(schema)[EVENT_COMPONENT_NAMES[type]] as JsonSchema;
    const props = def.properties as Record<string, JsonSchema>;
    expect(props.type).toMatchObject({ const: type });
    expect(def.additionalProperties).toBe(false);
    expect(def.required).toEqual(
      expect.arrayContaining([
        "id",
        "type",
        "occurredAt",
        "source",
        "touchpoint",
        "channel",
        "customer",
        "schemaVersion",
        "body",
      ]),
    );
    expect(def.required).not.toContain("journey");
    expect(def.required).not.toContain("attributes");
    expect(props.schemaVersion).toMatchObject({ const: 1 });
    expect(props.occurredAt).toMatchObject({ type: "string", format: "date-time" });
    const bodyRef = props.body?.$ref as string;
    const body = defsOf(schema)[bodyRef.replace("#/$defs/", "")] as JsonSchema;
    expect(body.additionalProperties).toBe(false);
  });

  it("states the survey score rule (anyOf required) and the numeric bounds", () => {
    const body = defsOf(schema).SurveyResponseBody as JsonSchema;
    expect(body.anyOf).toEqual([
      { required: ["nps"] },
      { required: ["csat"] },
      { required: ["ces"] },
    ]);
    expect((body.properties as Record<string, JsonSchema>).nps).toEqual({
      type: "integer",
      minimum: 0,
      maximum: 10,
    });
    expect(body.required).toEqual(["surveyId"]);
  });

  it("bounds attributes and keeps prototype keys out", () => {
    const ev = defsOf(schema).SurveyResponseEvent as JsonSchema;
    const attrs = (ev.properties as Record<string, JsonSchema>).attributes as JsonSchema;
    expect(attrs.maxProperties).toBe(50);
    const pattern = new RegExp((attrs.propertyNames as JsonSchema).pattern as string);
    for (const k of ["__proto__", "constructor", "prototype"]) expect(pattern.test(k)).toBe(false);
    expect(pattern.test("orderId")).toBe(true);
  });

  it("compiles under Ajv strict mode and accepts every sample event", () => {
    const validate = compile(schema);
    for (const type of EVENT_TYPES) {
      expect(validate(makeSampleEvent(type)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("rejects what the contract rejects: unknown fields, no score, missing offset, wrong channel", () => {
    const validate = compile(schema);
    const bad: unknown[] = [
      { ...makeSampleEvent("survey.response"), extra: 1 },
      makeSampleEvent("survey.response", {
        body: { nps: undefined, csat: undefined, ces: undefined },
      }),
      makeSampleEvent("call.completed", { occurredAt: "2025-03-14T10:00:00" }),
      { ...makeSampleEvent("call.completed"), channel: "chat" },
      { ...makeSampleEvent("survey.response"), type: "survey.answer" },
    ];
    for (const b of bad) expect(validate(b)).toBe(false);
  });

  it("returns a fresh document on every call", () => {
    const a = buildFeedbackEventJsonSchema();
    a.title = "changed";
    expect(buildFeedbackEventJsonSchema().title).toBe("FeedbackEvent");
  });
});

describe("OpenAPI components", () => {
  const { schemas } = buildOpenApiComponents();

  it("holds every event, body and the ValidationIssue schema", () => {
    for (const name of Object.values(EVENT_COMPONENT_NAMES)) expect(schemas[name]).toBeDefined();
    for (const name of [
      "SurveyResponseBody",
      "CallCompletedBody",
      "ContactCompletedBody",
      "ComplaintOpenedBody",
      "ComplaintResolvedBody",
      "ValidationIssue",
      "FeedbackEvent",
      "FeedbackEventV1",
    ]) {
      expect(schemas[name], name).toBeDefined();
    }
  });

  it("has an OpenAPI discriminator on type mapping to each event component", () => {
    const union = schemas.FeedbackEventV1 as JsonSchema;
    expect(union.discriminator).toEqual({
      propertyName: "type",
      mapping: Object.fromEntries(
        EVENT_TYPES.map((t) => [t, `#/components/schemas/${EVENT_COMPONENT_NAMES[t]}`]),
      ),
    });
    expect(schemas.FeedbackEvent).toEqual({ $ref: "#/components/schemas/FeedbackEventV1" });
  });

  it("only references components that exist, and carries no standalone-document keys", () => {
    const text = JSON.stringify(schemas);
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref.startsWith("#/components/schemas/")).toBe(true);
      expect(schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
    for (const s of Object.values(schemas)) {
      expect(s.$schema).toBeUndefined();
      expect(s.$id).toBeUndefined();
    }
  });

  it("validates the samples when mounted in an OpenAPI-like document", () => {
    const ajv = new Ajv2020({ ...AJV_OPTIONS, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: "https://pulse.test/openapi", components: { schemas } });
    const validate = ajv.getSchema("https://pulse.test/openapi#/components/schemas/FeedbackEvent");
    if (!validate) throw new Error("FeedbackEvent component not found");
    for (const type of EVENT_TYPES) expect(validate(makeSampleEvent(type))).toBe(true);
    expect(validate({ ...makeSampleEvent("complaint.opened"), body: {} })).toBe(false);
  });
});
