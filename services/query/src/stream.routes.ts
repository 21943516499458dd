import type { FastifyInstance } from "fastify";
import { routeOptions, streamSchema } from "./openapi";
import { DIMENSION_NAMES, assertKnownParams, parseFilters, parseGroupBy, parseWindow, type Dimension, type Filters, type WindowName } from "./params-fns";
import { query, type RouteContext } from "./route-context";
import type { Subscriber } from "./stream-hub";

export type StreamSpec = { tenant: string; window: WindowName; groupBy: Dimension[]; filters: Filters };

const HEARTBEAT_MS = 15_000;

/**
 * GET /v1/stream: Server-Sent Events. The connection joins the hub channel of its (tenant,
 * window, grouping, filters); the hub polls the rollups once per tick for the whole channel.
 */
export function registerStreamRoutes(app: FastifyInstance, ctx: RouteContext): void {
  // Open streams never end by themselves: close them first so the server can shut down.
  const open = new Set<() => void>();
  app.addHook("preClose", (done) => {
    for (const end of open) end();
    done();
  });
  // EventSource cannot set headers, so the stream alone also takes ?token=.
  app.get("/v1/stream", { ...routeOptions(streamSchema), config: { authQueryToken: true } }, (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, ["window", "groupBy", "token", ...DIMENSION_NAMES]);
    const spec: StreamSpec = { tenant: request.tenant, window: parseWindow(q) ?? "15m", groupBy: parseGroupBy(q), filters: sortFilters(parseFilters(q)) };
    const channelKey = JSON.stringify([spec.tenant, spec.window, [...spec.groupBy].sort(), spec.filters]);
    const raw = reply.raw;
    const who: Subscriber = { tenant: spec.tenant, client: request.ip, buffered: () => raw.writableLength, drop: () => end() };
    // Over a limit this throws StreamLimitError: a 429 problem before any byte of the stream.
    ctx.hub.admit(channelKey, who);

    reply.hijack();
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    raw.write("retry: 3000\n\n");
    let ended = false;
    const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
    heartbeat.unref();
    // The first delivery may already drop a client (end() runs before subscribe returns).
    let unsubscribe: () => void = () => undefined;
    unsubscribe = ctx.hub.subscribe(
      channelKey,
      spec,
      (m) => {
        if (!ended) raw.write(`event: ${m.event}\ndata: ${m.data}\n\n`);
      },
      who,
    );
    if (ended) {
      unsubscribe();
      return;
    }
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      // A client that does not read would never take the rest: destroy rather than end.
      if (raw.writableLength > 0) raw.destroy();
      else raw.end();
    }
    open.add(end);
    request.raw.on("close", end);
  });
}

/** Filter lists in a canonical order, so equal subscriptions share one channel. */
function sortFilters(f: Filters): Filters {
  const out: Filters = {};
  for (const d of DIMENSION_NAMES) if (f[d]) out[d] = [...f[d]].sort();
  return out;
}
