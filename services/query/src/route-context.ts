import type { FastifyReply, FastifyRequest } from "fastify";
import type { QueryCache } from "./cache";
import type { RangeOptions, RawQuery, WindowName } from "./params-fns";
import type { QueryService } from "./query.service";
import type { StreamHub } from "./stream-hub";

/** What the route modules share; built once in app.ts. */
export interface RouteContext {
  service: QueryService;
  cache: QueryCache;
  hub: StreamHub;
  /** Range options at this instant (the clock is read per request). */
  rangeOptions(unit: number, defaultWindow?: WindowName): RangeOptions;
}

export function query(q: unknown): RawQuery {
  return (q ?? {}) as RawQuery;
}

/**
 * True when the client asks for an answer no older than its own request: `Cache-Control:
 * no-cache` / `no-store` / `max-age=0`, or `Pragma: no-cache` (RFC 9111 §5.2.1, §5.4).
 */
export function wantsFresh(headers: Record<string, string | string[] | undefined>): boolean {
  const list = (h: string | string[] | undefined) => (Array.isArray(h) ? h.join(",") : (h ?? "")).toLowerCase().split(",").map((d) => d.trim());
  const cc = list(headers["cache-control"]);
  if (cc.some((d) => d === "no-cache" || d === "no-store" || /^max-age\s*=\s*"?0+"?$/.test(d))) return true;
  return headers["cache-control"] === undefined && list(headers.pragma).includes("no-cache");
}

/** Answers from the query cache (honouring the client's `Cache-Control`), with `x-cache`. */
export async function sendCached<T>(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
  parts: unknown,
  compute: () => Promise<T>,
): Promise<FastifyReply> {
  const { value, cache } = await ctx.cache.getOrCompute(request.tenant, route, parts, compute, { revalidate: wantsFresh(request.headers) });
  // Answers are per tenant and per token: no shared cache (proxy, CDN) may keep them.
  return reply.header("x-cache", cache).header("cache-control", "private, no-cache").send(value);
}
