import type { FastifyInstance } from "fastify";
import { compareSchema, routeOptions } from "./openapi";
import { DIMENSION_NAMES, GRAINS, assertKnownParams, parseBaseline, parseFilters, parseGroupBy, parseRange } from "./params-fns";
import { query, sendCached, type RouteContext } from "./route-context";

export function registerCompareRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get("/v1/compare", routeOptions(compareSchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, ["window", "from", "to", "baselineFrom", "baselineTo", "groupBy", ...DIMENSION_NAMES]);
    const opts = ctx.rangeOptions(GRAINS.minute);
    const range = parseRange(q, opts);
    const current = { from: range.from, to: range.to };
    const baseline = parseBaseline(q, current, opts);
    const spec = { range: current, window: range.window, groupBy: parseGroupBy(q), filters: parseFilters(q) };
    return sendCached(ctx, request, reply, "compare", { spec, baseline }, () => ctx.service.compare(request.tenant, spec, baseline));
  });
}
