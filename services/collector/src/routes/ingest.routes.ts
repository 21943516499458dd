import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BadRequestError, UnauthorizedError } from "@pulse/kit";
import type { Keyring, Principal } from "../api-keys";
import { registerBodyParsers } from "../body/content-parsers";
import type { BodyLimits, ParsedBody } from "../body/parse-body";
import type { IngestPipeline, IngestResult } from "../ingest-pipeline";
import { RateLimitedError } from "../ingest-pipeline";
import type { CollectorMetrics } from "../metrics";
import { ingestResponses } from "../openapi";
import { issueTranslator, mapPayload, type MapContext, type WebhookAdapter } from "../webhooks";

export interface IngestRoutesDeps {
  keyring: Keyring;
  ingest: IngestPipeline;
  metrics: CollectorMetrics;
  limits: BodyLimits & { maxBodyBytes: number };
  webhooks: readonly WebhookAdapter[];
}

const principals = new WeakMap<FastifyRequest, Principal>();

function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new UnauthorizedError();
  return p;
}

async function answer(reply: FastifyReply, run: () => Promise<IngestResult>): Promise<FastifyReply> {
  let result: IngestResult;
  try {
    result = await run();
  } catch (e) {
    if (e instanceof RateLimitedError) void reply.header("retry-after", String(e.retryAfterSeconds));
    throw e;
  }
  if (result.status === 400) {
    // All rejected: a problem document that still lists every event's reasons.
    const n = result.answer.rejected;
    return reply
      .status(400)
      .header("content-type", "application/problem+json")
      .send(JSON.stringify({ type: "https://pulse.dev/problems/all_rejected", title: "Bad Request", status: 400, code: "all_rejected", detail: `all ${n} event${n === 1 ? " was" : "s were"} rejected`, ...result.answer }));
  }
  return reply.status(result.status).send(result.answer);
}

/** A body-less POST (no content type, no bytes) never reaches the parsers: it is an empty body. */
function parsedBody(request: FastifyRequest): ParsedBody {
  const body = request.body as ParsedBody | undefined;
  if (body === undefined || body === null || !Array.isArray(body.items)) throw new BadRequestError("empty_body", "the request has no body");
  return body;
}

function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const q = request.query;
  if (typeof q !== "object" || q === null) return out;
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * POST /v1/events and POST /v1/webhooks/<adapter>, in one encapsulated scope: the API key is
 * checked before the body is read (onRequest), and only here are bodies parsed by the
 * hostile-input-safe parsers.
 */
export function ingestRoutes(deps: IngestRoutesDeps) {
  return function plugin(scope: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    registerBodyParsers(scope, deps.limits);

    scope.addHook("onRequest", (request, _reply, next) => {
      const p = deps.keyring.authenticate(request.headers.authorization);
      if (!p) return next(new UnauthorizedError("missing or unknown API key (Authorization: Bearer <key>)"));
      principals.set(request, p);
      next();
    });
    scope.addHook("onResponse", (request, reply, next) => {
      deps.metrics.requests.inc({ route: request.routeOptions.url ?? "unknown", status: String(reply.statusCode) });
      next();
    });

    const observe = (body: ParsedBody) => {
      deps.metrics.requestBytes.observe(body.bytes);
      deps.metrics.requestEvents.observe(body.items.length);
    };

    scope.post(
      "/v1/events",
      {
        schema: {
          summary: "Ingest feedback events",
          description:
            "One FeedbackEvent, a JSON array of them, or NDJSON (application/x-ndjson). The tenant comes from the API key. " +
            "The answer reports every event by index: accepted, duplicate (same id already accepted for the tenant within the " +
            "idempotency window, or earlier in the same request) or rejected with all its issues.",
          tags: ["ingest"],
          security: [{ bearer: [] }],
          response: ingestResponses,
        },
      },
      async (request, reply) => {
        const body = parsedBody(request);
        observe(body);
        return answer(reply, () => deps.ingest(principalOf(request), body.items));
      },
    );

    for (const adapter of deps.webhooks) {
      scope.post(
        `/v1/webhooks/${adapter.name}`,
        {
          schema: {
            summary: adapter.summary,
            description: adapter.description,
            tags: ["webhooks"],
            security: [{ bearer: [] }],
            querystring: {
              type: "object",
              properties: Object.fromEntries(Object.entries(adapter.queryParameters).map(([k, d]) => [k, { type: "string", description: d, maxLength: 128 }])),
            },
            response: ingestResponses,
          },
        },
        async (request, reply) => {
          const body = parsedBody(request);
          observe(body);
          const principal = principalOf(request);
          const ctx: MapContext = { query: queryOf(request), source: principal.source };
          // A payload that failed parsing keeps only its own issues (the contract cannot judge a foreign shape).
          const items = body.items.map((item) => (item.ok ? mapPayload(adapter, item.value, ctx) : { ok: false as const, issues: item.issues }));
          return answer(reply, () => deps.ingest(principal, items, { translateIssue: issueTranslator(adapter, ctx) }));
        },
      );
    }
    done();
  };
}
