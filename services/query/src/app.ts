/**
 * createQueryApp: the query service as a Fastify app, built from exactly the dependencies it uses
 * (tests pass a real chDB reader, a real Redis or none, and their own clock).
 */
import type { FastifyInstance } from "fastify";
import type { Reader } from "@pulse/clickhouse";
import { createHttpServer } from "@pulse/http";
import { UnauthorizedError, type Logger, type Registry } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import { createQueryCache } from "./cache";
import { noTargets, type TargetsProvider } from "./catalogue";
import { registerCompareRoutes } from "./compare.routes";
import { registerDashboardRoutes } from "./dashboard.routes";
import { registerInsightsRoutes } from "./insights.routes";
import { registerJourneyRoutes } from "./journey.routes";
import { createQueryMetrics, type QueryMetrics } from "./metrics";
import { GRAINS, windowRange } from "./params-fns";
import { createQueryService, type QueryService } from "./query.service";
import { registerScoresRoutes } from "./scores.routes";
import { createStreamHub, type StreamHub } from "./stream-hub";
import { registerStreamRoutes, type StreamSpec } from "./stream.routes";
import { bearer, createTokenVerifier, type TokenEntry } from "./tokens";

declare module "fastify" {
  interface FastifyRequest {
    /** The tenant of the read token; set for every /v1 route before its handler runs. */
    tenant: string;
  }
}

export interface QueryAppDeps {
  reader: Reader;
  /** Absent: no cache. Present but failing: requests are served uncached. */
  redis?: Redis | undefined;
  logger: Logger;
  metrics: Registry;
  tokens: readonly TokenEntry[];
  targets?: TargetsProvider;
  now?: () => Date;
  cacheTtlSeconds?: number;
  retentionDays?: number;
  streamIntervalMs?: number;
  /** Extra readiness check for /readyz. */
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
}

export type QueryApp = FastifyInstance & { queryMetrics: QueryMetrics; streamHub: StreamHub; queryService: QueryService };

export async function createQueryApp(deps: QueryAppDeps): Promise<QueryApp> {
  const now = deps.now ?? (() => new Date());
  const metrics = createQueryMetrics(deps.metrics);
  const verify = createTokenVerifier(deps.tokens);
  const retentionDays = deps.retentionDays ?? 400;
  const service = createQueryService({ reader: deps.reader, metrics, targets: deps.targets ?? noTargets });
  const cache = createQueryCache({ redis: deps.redis, ttlSeconds: deps.cacheTtlSeconds ?? 5, metrics, logger: deps.logger });
  const hub = createStreamHub({
    intervalMs: deps.streamIntervalMs ?? 1000,
    metrics,
    logger: deps.logger,
    load: async (spec) => {
      const s = spec as StreamSpec;
      const range = windowRange(s.window, now().getTime(), GRAINS.minute);
      const payload = await service.scores(s.tenant, { range, window: s.window, groupBy: s.groupBy, filters: s.filters }, "stream");
      return { payload, changeKey: JSON.stringify(payload.groups) };
    },
  });

  const app = await createHttpServer({
    name: "pulse-query",
    description: "Pulse read API: CX scores over the ClickHouse rollups, live stream and dashboard. Authenticate with a tenant read token (Bearer).",
    logger: deps.logger,
    metrics: deps.metrics,
    ...(deps.ready ? { ready: deps.ready } : {}),
  });

  app.decorateRequest("tenant", "");
  app.addHook("onRequest", (request, _reply, done) => {
    if (!request.url.startsWith("/v1/")) return done();
    let token = bearer(request.headers.authorization);
    // EventSource cannot set headers, so the stream alone also takes ?token=.
    if (token === undefined && request.url.startsWith("/v1/stream")) {
      const t = (request.query as Record<string, unknown> | undefined)?.token;
      if (typeof t === "string" && t.length > 0) token = t;
    }
    if (token === undefined) return done(new UnauthorizedError("missing read token: send Authorization: Bearer <token>"));
    const tenant = verify(token);
    if (tenant === undefined) return done(new UnauthorizedError("unknown read token"));
    request.tenant = tenant;
    done();
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.requestDuration.observe(
      { route: request.routeOptions.url ?? "unmatched", method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook("onClose", (_instance, done) => {
    hub.close();
    done();
  });

  const ctx = {
    service,
    cache,
    hub,
    rangeOptions: (unit: number, defaultWindow: "15m" | "1h" | "24h" | "7d" = "1h") => ({ now: now().getTime(), retentionDays, unit, defaultWindow }),
  };
  registerScoresRoutes(app, ctx);
  registerCompareRoutes(app, ctx);
  registerInsightsRoutes(app, ctx, deps.reader);
  registerJourneyRoutes(app, ctx, deps.targets ?? noTargets);
  registerStreamRoutes(app, ctx);
  registerDashboardRoutes(app);

  return Object.assign(app, { queryMetrics: metrics, streamHub: hub, queryService: service });
}
export { loadQueryConfig, type QueryConfig } from "./config";
export { parseCatalogue, noTargets, targetsFromFile, fromCatalogue, type TargetsProvider } from "./catalogue";
