import type { FastifyInstance } from "fastify";
import type { TargetsProvider } from "./catalogue";
import { buildJourney } from "./journey-fns";
import { journeySchema, routeOptions } from "./openapi";
import { DIMENSION_NAMES, GRAINS, assertKnownParams, parseFilters, parseRange } from "./params-fns";
import { query, sendCached, type RouteContext } from "./route-context";

/**
 * GET /v1/journey: the scopes of /v1/scores (window or from/to, filters) with touchpoints grouped
 * by journey stage in the catalogue's order (journey-fns.ts). Three reads: scores per stage ×
 * touchpoint, per stage, and the pain-point ranking per touchpoint.
 */
export function registerJourneyRoutes(app: FastifyInstance, ctx: RouteContext, targets: TargetsProvider): void {
  app.get("/v1/journey", routeOptions(journeySchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, ["window", "from", "to", ...DIMENSION_NAMES]);
    const range = parseRange(q, ctx.rangeOptions(GRAINS.minute));
    const scope = { range: { from: range.from, to: range.to }, window: range.window, filters: parseFilters(q) };
    const tenant = request.tenant;
    return sendCached(ctx, request, reply, "journey", scope, async () => {
      const [byTouchpoint, byStage, pain] = await Promise.all([
        ctx.service.scores(tenant, { ...scope, groupBy: ["journeyStage", "touchpoint"] }, "journey"),
        ctx.service.scores(tenant, { ...scope, groupBy: ["journeyStage"] }, "journey"),
        ctx.service.painPoints(tenant, scope, 100),
      ]);
      return buildJourney({
        catalogue: targets.forTenant?.(tenant),
        byTouchpoint,
        byStage,
        painPoints: pain.painPoints,
        targets: (tp) => targets.targets(tenant, tp),
        empty: ctx.service.emptyScores(),
      });
    });
  });
}
