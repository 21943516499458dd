/**
 * OpenAPI for the ingest routes. Response schemas double as Fastify serializers; the request
 * bodies are documented by patching the generated document with the contract's own components
 * (after ready), so Fastify never validates a body with them: the contract does, in ingest.ts.
 */
import { openApiComponents } from "@pulse/contract";
import { integer, listOf, objectOf, string } from "@pulse/http";
import type { WebhookAdapter } from "./webhooks";

const issue = objectOf({ code: string, path: string, message: string }, { required: ["code", "path", "message"] });

export const answerSchema = {
  type: "object",
  description: "One result per event of the request, by index.",
  required: ["accepted", "duplicates", "rejected", "results"],
  properties: {
    accepted: integer,
    duplicates: integer,
    rejected: integer,
    results: listOf(
      {
        index: integer,
        status: { type: "string", enum: ["accepted", "duplicate", "rejected"] },
        id: string,
        errors: { type: "array", items: issue },
      },
      { required: ["index", "status"] },
    ),
  },
} as const;

export const ingestResponses = {
  200: { ...answerSchema, description: "Every event accepted or a duplicate." },
  207: { ...answerSchema, description: "Some events rejected (see results[].errors); the others were accepted." },
};

const REF = "#/components/schemas/";

const problemRef = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/problem+json": { schema: { $ref: `${REF}Problem` } } },
});

const retryAfter = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } };

const problemResponses = {
  400: problemRef("The body cannot be parsed, or every event was rejected (then `results` lists why)."),
  401: problemRef("Missing or unknown API key."),
  413: problemRef("Body larger than the limit, or more events than allowed."),
  415: problemRef("Content type is neither application/json nor application/x-ndjson."),
  429: problemRef("The tenant is over its events/s budget.", retryAfter),
  503: problemRef("Kafka did not acknowledge the events: nothing of the request was accepted; retry.", retryAfter),
};

type Doc = { components?: { schemas?: Record<string, unknown> }; paths?: Record<string, Record<string, Record<string, unknown>>> };

/** Adds the contract's schemas to components and describes the ingest request bodies. */
export function documentIngestRoutes(doc: Doc, webhooks: readonly WebhookAdapter[]): void {
  doc.components ??= {};
  doc.components.schemas = {
    ...doc.components.schemas,
    ...structuredClone(openApiComponents.schemas),
    Problem: {
      type: "object",
      description: "RFC 9457 problem details (plus `code`; an all-rejected 400 also carries the per-event `results`).",
      required: ["type", "title", "status", "detail", "code"],
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        code: { type: "string" },
        results: answerSchema.properties.results,
      },
    },
  };
  const ndjson = { type: "string", description: "One FeedbackEvent JSON object per line (UTF-8)." };
  const events = doc.paths?.["/v1/events"]?.post;
  if (events) {
    events.requestBody = {
      required: true,
      content: {
        "application/json": {
          schema: { oneOf: [{ $ref: `${REF}FeedbackEvent` }, { type: "array", items: { $ref: `${REF}FeedbackEvent` } }] },
        },
        "application/x-ndjson": { schema: ndjson },
      },
    };
    events.responses = { ...(events.responses as object), ...problemResponses };
  }
  for (const a of webhooks) {
    const op = doc.paths?.[`/v1/webhooks/${a.name}`]?.post;
    if (!op) continue;
    op.requestBody = {
      required: true,
      content: {
        "application/json": { schema: { description: `A ${a.name} payload, or an array of them.`, type: ["object", "array"] } },
        "application/x-ndjson": { schema: { type: "string", description: `One ${a.name} payload per line.` } },
      },
    };
    op.responses = { ...(op.responses as object), ...problemResponses };
  }
}
