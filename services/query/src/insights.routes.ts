import { canonicalName } from "@pulse/contract";
import type { FastifyInstance } from "fastify";
import { BadRequestError } from "@pulse/kit";
import type { Reader } from "@pulse/clickhouse";
import { MAX_KEY_DRIVERS } from "@pulse/scoring";
import { operationalDriversOf, parseLookBack, parseOutcome } from "./drivers-operational";
import { driversSchema, painPointsSchema, routeOptions } from "./openapi";
import { DIMENSION_NAMES, GRAINS, assertKnownParams, list, param, parseFilters, parsePositiveInt, parseRange } from "./params-fns";
import { query, sendCached, type RouteContext } from "./route-context";

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function registerInsightsRoutes(app: FastifyInstance, ctx: RouteContext, reader?: Reader): void {
  app.get("/v1/pain-points", routeOptions(painPointsSchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, ["window", "from", "to", "limit", ...DIMENSION_NAMES]);
    const range = parseRange(q, ctx.rangeOptions(GRAINS.minute, "24h"));
    const limit = parsePositiveInt(q, "limit", 20, 100);
    const spec = { range: { from: range.from, to: range.to }, window: range.window, filters: parseFilters(q) };
    return sendCached(ctx, request, reply, "pain-points", { spec, limit }, () => ctx.service.painPoints(request.tenant, spec, limit));
  });

  app.get("/v1/drivers", routeOptions(driversSchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    const kind = param(q, "kind") ?? "survey";
    if (kind !== "survey" && kind !== "operational") {
      throw new BadRequestError("invalid_parameter", `kind must be survey (key drivers from survey answers) or operational (drivers from what happened before the answer)`, { parameter: "kind", value: kind });
    }
    if (kind === "operational" && reader) {
      // Drivers on operational data (drivers-operational.ts); filters apply to the survey answers.
      assertKnownParams(q, ["kind", "window", "from", "to", "outcome", "lookBackDays", ...DIMENSION_NAMES]);
      const range = parseRange(q, ctx.rangeOptions(GRAINS.minute, "7d"));
      const spec = { range: { from: range.from, to: range.to }, filters: parseFilters(q), lookBackDays: parseLookBack(param(q, "lookBackDays")), outcome: parseOutcome(param(q, "outcome")) };
      return sendCached(ctx, request, reply, "drivers-operational", spec, () => operationalDriversOf(reader, { tenant: request.tenant, ...spec }));
    }
    assertKnownParams(q, ["kind", "window", "from", "to", "touchpoints", "segment", "channel"]);
    const range = parseRange(q, ctx.rangeOptions(GRAINS.minute, "7d"));
    const raw = list(q, "touchpoints");
    const bad = raw.find((t) => !SLUG.test(t));
    if (bad !== undefined) {
      throw new BadRequestError("invalid_parameter", `touchpoints value '${bad}' must be 1–64 characters of a–z, 0–9, '.', '_' or '-'`, { parameter: "touchpoints" });
    }
    // Matched in the stored (canonical) form, like every dimension filter.
    const touchpoints = [...new Set(raw.map(canonicalName))];
    if (touchpoints.length > MAX_KEY_DRIVERS) {
      throw new BadRequestError("invalid_parameter", `touchpoints names ${touchpoints.length} drivers; at most ${MAX_KEY_DRIVERS}`, { parameter: "touchpoints" });
    }
    const filters = parseFilters(q);
    const r = { from: range.from, to: range.to };
    return sendCached(ctx, request, reply, "drivers", { r, filters, touchpoints }, () => ctx.service.drivers(request.tenant, r, filters, touchpoints));
  });
}
