/**
 * createQueryApp: the query service as a Fastify app, built from exactly the dependencies it uses
 * (tests pass a real chDB reader, a real Redis or none, and their own clock).
 */
import type { FastifyInstance } from "fastify";
import type { Reader } from "@pulse/clickhouse";
import { createHttpServer, type OpsAddress } from "@pulse/http";
import type { Logger, Registry } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import { createQueryCache } from "./cache";
import { noTargets, type TargetsProvider } from "./catalogue";
import { registerCompareRoutes } from "./compare.routes";
import { registerDashboardRoutes } from "./dashboard.routes";
import { registerInsightsRoutes } from "./insights.routes";
import { createQueryMetrics, type QueryMetrics } from "./metrics";
import { GRAINS, windowRange } from "./params-fns";
import { createQueryService, type QueryService } from "./query.service";
import { registerScoresRoutes } from "./scores.routes";
import { createStreamHub, type StreamHub, type StreamLimits } from "./stream-hub";
import { registerStreamRoutes, type StreamSpec } from "./stream.routes";
import { queryAuthenticator } from "./query-auth";
import type { TokenEntry } from "./tokens";

declare module "fastify" {
  interface FastifyRequest {
    /** The tenant of the token (request.principal); "" only on public routes. */
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
  /** The file the tokens came from: re-read on change and on SIGHUP (rotation without restart). */
  tokensFile?: string | undefined;
  /** Where /metrics, /healthz and /readyz listen (default host 127.0.0.1); absent: inject() only. */
  ops?: OpsAddress | undefined;
  targets?: TargetsProvider;
  now?: () => Date;
  cacheTtlSeconds?: number;
  retentionDays?: number;
  streamIntervalMs?: number;
  /** Channels in total / per tenant, streams per client address, unsent bytes per stream. */
  streamLimits?: Partial<StreamLimits>;
  /** Extra readiness check for /readyz. */
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
}

export type QueryApp = FastifyInstance & { queryMetrics: QueryMetrics; streamHub: StreamHub; queryService: QueryService };

export async function createQueryApp(deps: QueryAppDeps): Promise<QueryApp> {
  const now = deps.now ?? (() => new Date());
  const metrics = createQueryMetrics(deps.metrics);
  const auth = queryAuthenticator(deps.tokens, deps.tokensFile, deps.logger);
  const retentionDays = deps.retentionDays ?? 400;
  const service = createQueryService({ reader: deps.reader, metrics, targets: deps.targets ?? noTargets });
  const cache = createQueryCache({ redis: deps.redis, ttlSeconds: deps.cacheTtlSeconds ?? 5, metrics, logger: deps.logger });
  const hub = createStreamHub({
    intervalMs: deps.streamIntervalMs ?? 1000,
    ...(deps.streamLimits ? { limits: deps.streamLimits } : {}),
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
    // Every route needs a read token unless it says otherwise (the dashboard's static files, /docs, health).
    auth: { authenticator: auth, defaultKind: "read" },
    ...(deps.ops ? { ops: deps.ops } : {}),
  });

  app.decorateRequest("tenant", {
    getter(this: { principal: { tenant: string } | null }) {
      return this.principal?.tenant ?? "";
    },
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.requestDuration.observe(
      { route: request.routeOptions.url ?? "unmatched", method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook("onClose", (_instance, done) => {
    hub.close();
    auth.close();
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
  registerInsightsRoutes(app, ctx);
  registerStreamRoutes(app, ctx);
  registerDashboardRoutes(app);

  return Object.assign(app, { queryMetrics: metrics, streamHub: hub, queryService: service });
}
export { loadQueryConfig, type QueryConfig } from "./config";
export { parseCatalogue, noTargets, targetsFromFile, type TargetsProvider } from "./catalogue";
export { parseTokenSpec, type TokenEntry } from "./tokens";
