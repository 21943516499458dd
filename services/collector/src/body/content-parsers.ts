import type { FastifyInstance } from "fastify";
import { parseBody, type BodyFormat, type BodyLimits } from "./parse-body";

export const JSON_TYPES = ["application/json"];
export const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson"];

/**
 * Replaces Fastify's body parsers in `scope` (an encapsulated plugin: other routes keep theirs)
 * with the hostile-input-safe ones: raw bytes up to `maxBodyBytes` (Fastify answers 413 past
 * it), then `parseBody`. Any other content type gets Fastify's 415. `request.body` is a ParsedBody.
 */
export function registerBodyParsers(scope: FastifyInstance, limits: BodyLimits & { maxBodyBytes: number }): void {
  scope.removeAllContentTypeParsers();
  const parser = (format: BodyFormat) => (_req: unknown, body: Buffer, done: (e: Error | null, body?: unknown) => void) => {
    const r = parseBody(body, format, limits);
    if (r.ok) done(null, r.value);
    else done(r.error);
  };
  const opts = { parseAs: "buffer" as const, bodyLimit: limits.maxBodyBytes };
  scope.addContentTypeParser(JSON_TYPES, opts, parser("json"));
  scope.addContentTypeParser(NDJSON_TYPES, opts, parser("ndjson"));
}
