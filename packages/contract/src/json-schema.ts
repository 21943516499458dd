/**
 * JSON Schema (draft 2020-12) and OpenAPI 3.1 components, generated from the zod schemas with
 * `z.toJSONSchema`: there is no hand-written copy to drift. Rules that JSON Schema cannot say
 * (the future-timestamp skew, which needs a clock) live only in validateEvent and are described
 * in the field descriptions.
 */
import { z } from "zod";
import { FeedbackEvent } from "./event";
import type { EventType } from "./event";
import { contractRegistry } from "./registry";
// Registers ValidationIssue (the 4xx answer's items) so it is among the OpenAPI components.
import "./issues";

export type JsonSchema = { [key: string]: unknown };

const COMPONENT_PREFIX = "#/components/schemas/";

/** Component name of each event type's schema (the ids registered in event.ts). */
export const EVENT_COMPONENT_NAMES = {
  "survey.response": "SurveyResponseEvent",
  "call.completed": "CallCompletedEvent",
  "contact.completed": "ContactCompletedEvent",
  "complaint.opened": "ComplaintOpenedEvent",
  "complaint.resolved": "ComplaintResolvedEvent",
} as const satisfies Record<EventType, string>;

const BASE_PARAMS = {
  target: "draft-2020-12",
  io: "input",
  unrepresentable: "throw",
  metadata: contractRegistry,
} as const;

/**
 * A standalone JSON Schema document for one event: the union at the root, every named part in
 * `$defs`. Returns a fresh object on every call (callers may mutate it).
 */
export function buildFeedbackEventJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(FeedbackEvent, BASE_PARAMS) as JsonSchema;
  const { $schema, $ref, $defs, ...rest } = generated;
  const defs = { ...($defs as Record<string, JsonSchema> | undefined) };
  // zod emits a root that has an id as `{ $ref: "#/$defs/<id>" }`; inline it so the root *is* the union.
  let root: JsonSchema = rest;
  if (typeof $ref === "string" && $ref.startsWith("#/$defs/")) {
    const name = $ref.slice("#/$defs/".length);
    root = { ...defs[name], ...rest };
    delete defs[name];
  }
  return {
    $schema,
    $id: "https://pulse.dev/schemas/feedback-event.v1.json",
    title: "FeedbackEvent",
    ...root,
    $defs: defs,
  };
}

/**
 * OpenAPI 3.1 `components` for the contract: every named schema, `$ref`s pointing at
 * `#/components/schemas/...`, and an OpenAPI `discriminator` on the event union. Returns a
 * fresh object on every call.
 */
export function buildOpenApiComponents(): { schemas: Record<string, JsonSchema> } {
  const { schemas } = z.toJSONSchema(contractRegistry, {
    ...BASE_PARAMS,
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    // OpenAPI components are not standalone documents.
    delete schema.$schema;
    delete schema.$id;
  }
  const union = schemas.FeedbackEventV1;
  if (union) {
    union.discriminator = {
      propertyName: "type",
      mapping: Object.fromEntries(
        Object.entries(EVENT_COMPONENT_NAMES).map(([type, name]) => [
          type,
          `${COMPONENT_PREFIX}${name}`,
        ]),
      ),
    };
    // The version-independent name clients should reference.
    schemas.FeedbackEvent = { $ref: `${COMPONENT_PREFIX}FeedbackEventV1` };
  }
  return { schemas };
}

/** Built once at import; treat as read-only (use the build functions for a mutable copy). */
export const feedbackEventJsonSchema: JsonSchema = buildFeedbackEventJsonSchema();
/** Built once at import; treat as read-only (use the build functions for a mutable copy). */
export const openApiComponents: { schemas: Record<string, JsonSchema> } = buildOpenApiComponents();
