import type { FastifyInstance } from "fastify";
import { BadRequestError } from "@pulse/kit";
import { METRIC_NAMES, type MetricName } from "./metric-fns";
import { routeOptions, scoresSchema, timeseriesSchema } from "./openapi";
import { DIMENSION_NAMES, GRAINS, assertKnownParams, param, parseFilters, parseGrain, parseGroupBy, parseRange } from "./params-fns";
import { query, sendCached, type RouteContext } from "./route-context";

const SCOPE_PARAMS = ["window", "from", "to", "groupBy", ...DIMENSION_NAMES];

export function registerScoresRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get("/v1/scores", routeOptions(scoresSchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, SCOPE_PARAMS);
    const range = parseRange(q, ctx.rangeOptions(GRAINS.minute));
    const spec = { range: { from: range.from, to: range.to }, window: range.window, groupBy: parseGroupBy(q), filters: parseFilters(q) };
    return sendCached(ctx, request, reply, "scores", spec, () => ctx.service.scores(request.tenant, spec));
  });

  app.get("/v1/scores/timeseries", routeOptions(timeseriesSchema, { cached: true }), async (request, reply) => {
    const q = query(request.query);
    assertKnownParams(q, ["metric", "grain", ...SCOPE_PARAMS]);
    const metric = param(q, "metric");
    if (metric === undefined) {
      throw new BadRequestError("missing_parameter", `metric is required; use one of ${METRIC_NAMES.join(", ")}`, { parameter: "metric" });
    }
    if (!(METRIC_NAMES as string[]).includes(metric)) {
      throw new BadRequestError("unknown_metric", `metric '${metric}' is unknown; use one of ${METRIC_NAMES.join(", ")}`, { parameter: "metric", value: metric });
    }
    const base = ctx.rangeOptions(GRAINS.minute);
    const { grain, range } = parseGrain(q, base);
    const spec = {
      metric: metric as MetricName,
      grain,
      range: { from: range.from, to: range.to },
      window: range.window,
      groupBy: parseGroupBy(q),
      filters: parseFilters(q),
    };
    return sendCached(ctx, request, reply, "timeseries", spec, () => ctx.service.timeseries(request.tenant, spec));
  });
}
