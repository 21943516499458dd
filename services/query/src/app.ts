/**
 * createQueryApp: the query service as a Fastify app, built from exactly the dependencies it uses
 * (tests pass a real chDB reader, a real Redis or none, and their own clock).
 */
import type { FastifyInstance } from "fastify";
import { clickhouseConfigFromEnv, createReader, createWriter, migrate, openClickHouse, type ClickHouse, type Reader } from "@pulse/clickhouse";
import { createHttpServer, type OpsAddress } from "@pulse/http";
import { createMetricsRegistry, type Logger, type Registry, type Shutdown } from "@pulse/kit";
import { createRedis, type Redis } from "@pulse/redis";
import { createQueryCache } from "./cache";
import { catalogueFromFile, createCatalogueSource } from "@pulse/catalogue";
import { noTargets, type TargetsProvider } from "./catalogue";
import { streamLimitsOf, type QueryConfig } from "./config";
import { registerCompareRoutes } from "./compare.routes";
import { registerDashboardRoutes } from "./dashboard.routes";
import { registerInsightsRoutes } from "./insights.routes";
import { registerJourneyRoutes } from "./journey.routes";
import { createQueryMetrics, type QueryMetrics } from "./metrics";
import { GRAINS, windowRange } from "./params-fns";
import { createQueryService, type QueryService } from "./query.service";
import { registerScoresRoutes } from "./scores.routes";
import { createStreamHub, type StreamHub, type StreamLimits } from "./stream-hub";
import { registerStreamRoutes, type StreamSpec } from "./stream.routes";
import { queryAuthenticator } from "./query-auth";
import { registerActionsRoutes } from "./actions.routes";
import { createActionEffects } from "./actions.service";
import { createSqlActionStore, type ActionStore } from "./actions.store";
import { registerAlertRoutes, type AlertRouteDeps } from "./alerts/alerts.routes";
import { createAlertMetrics } from "./alerts/alert-metrics";
import type { AlertStore } from "./alerts/alert-store";
import { startAlerting } from "./alerts/start";
import type { TokenEntry } from "./tokens";
import { registerCasesRoutes, type CasesDeps } from "./cases.routes";
import { createCaseRepository, createSlaTimers, type SlaJobData } from "@pulse/cases";
import { casePolicyOf } from "@pulse/catalogue";
import { createQueueFactory, QUEUE_NAMES } from "@pulse/redis";
import { roleStore, type Store } from "@pulse/store";

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
  /** Hears the tenants of every reloaded token file (the alert scheduler schedules new ones). */
  onTokenTenants?: ((tenants: readonly string[]) => void) | undefined;
  /** Where /metrics, /healthz and /readyz listen (default host 127.0.0.1); absent: inject() only. */
  ops?: OpsAddress | undefined;
  targets?: TargetsProvider;
  now?: () => Date;
  /** FCR: the worker's allowed lateness L and the window W (defaults: 60 minutes, 7 days). */
  fcr?: { allowedLatenessMs: number; windowMs: number };
  cacheTtlSeconds?: number;
  /** Reuse kept scores statistics while the rollups are unchanged (query.service `liveTier`, default true). */
  liveTier?: boolean;
  retentionDays?: number;
  streamIntervalMs?: number;
  /** Channels in total / per tenant, streams per client address, unsent bytes per stream. */
  streamLimits?: Partial<StreamLimits>;
  /** Corrective actions (@pulse/store); absent: /v1/actions answers 503. */
  actions?: ActionStore | undefined;
  /** The alert state (Redis) and history writer; absent: no alert routes. */
  alerts?: { store: AlertStore; writer?: AlertRouteDeps["writer"]; metrics?: AlertRouteDeps["metrics"] };
  /** Extra readiness check for /readyz. */
  ready?: () => Promise<{ ok: boolean; detail?: Record<string, unknown> }>;
  /** Follow-up cases (/v1/cases): absent, the routes are not served. */
  cases?: CasesDeps | undefined;
}

export type QueryApp = FastifyInstance & { queryMetrics: QueryMetrics; streamHub: StreamHub; queryService: QueryService };

export async function createQueryApp(deps: QueryAppDeps): Promise<QueryApp> {
  const now = deps.now ?? (() => new Date());
  const metrics = createQueryMetrics(deps.metrics);
  const auth = queryAuthenticator(deps.tokens, deps.tokensFile, deps.logger, deps.onTokenTenants);
  const retentionDays = deps.retentionDays ?? 400;
  const service = createQueryService({
    reader: deps.reader,
    metrics,
    targets: deps.targets ?? noTargets,
    fcr: deps.fcr ?? { allowedLatenessMs: 3_600_000, windowMs: 7 * 86_400_000 },
    now: () => now().getTime(),
    ...(deps.liveTier !== undefined ? { liveTier: deps.liveTier } : {}),
  });
  const cache = createQueryCache({ redis: deps.redis, ttlSeconds: deps.cacheTtlSeconds ?? 5, metrics, logger: deps.logger });
  const hub = createStreamHub({
    intervalMs: deps.streamIntervalMs ?? 1000,
    ...(deps.streamLimits ? { limits: deps.streamLimits } : {}),
    metrics,
    logger: deps.logger,
    load: async (spec) => {
      const s = spec as StreamSpec;
      const range = windowRange(s.window, now().getTime(), GRAINS.minute);
      const [scores, alertsVersion] = await Promise.all([
        service.scores(s.tenant, { range, window: s.window, groupBy: s.groupBy, filters: s.filters }, "stream"),
        // One GET per channel tick: a client sees its alerts change (an evaluation, an
        // acknowledgement) on the stream it already holds, and reloads /v1/alerts only then.
        deps.alerts ? deps.alerts.store.version(s.tenant) : undefined,
      ]);
      const payload = alertsVersion === undefined ? scores : { ...scores, alertsVersion };
      return { payload, changeKey: JSON.stringify([scores.groups, alertsVersion]) };
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
  registerInsightsRoutes(app, ctx, deps.reader);
  registerJourneyRoutes(app, ctx, deps.targets ?? noTargets);
  registerStreamRoutes(app, ctx);
  registerActionsRoutes(app, ctx, { store: deps.actions, effects: createActionEffects(service), metrics, now });
  registerDashboardRoutes(app);
  if (deps.cases) registerCasesRoutes(app, deps.cases, deps.reader, { registry: deps.metrics, logger: deps.logger, now });
  if (deps.alerts)
    registerAlertRoutes(app, { store: deps.alerts.store, reader: deps.reader, writer: deps.alerts.writer, metrics: deps.alerts.metrics ?? createAlertMetrics(deps.metrics), logger: deps.logger, now: () => now().getTime() });

  return Object.assign(app, { queryMetrics: metrics, streamHub: hub, queryService: service });
}
/** Ready once the rollups exist: a store without the schema cannot answer any route. */
export function schemaReady(reader: Reader): () => Promise<{ ok: boolean; detail?: Record<string, unknown> }> {
  return async () => {
    try {
      const [t] = await reader.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'rollup_minute'");
      return (t?.n ?? 0) > 0 ? { ok: true } : { ok: false, detail: { clickhouse: "schema not migrated (rollup_minute missing)" } };
    } catch (e) {
      return { ok: false, detail: { clickhouse: (e as Error).message } };
    }
  };
}

export interface StartQueryDeps {
  logger: Logger;
  shutdown: Shutdown;
  metrics?: Registry;
  /** A ClickHouse the caller owns and closes (standalone shares its one embedded engine). */
  ch?: ClickHouse;
  /** The durable store (cases, corrective actions) the caller owns and closes (standalone shares its one embedded PGlite). */
  caseStore?: Store;
}

/**
 * Starts the query service: the one way, used by main.ts and by standalone `pulse start`. Every
 * resource is registered with `deps.shutdown` as soon as it is open, so a failed start stops
 * what it had opened.
 */
export async function startQuery(config: QueryConfig, deps: StartQueryDeps): Promise<{ app: QueryApp; url: string }> {
  const { logger, shutdown } = deps;
  let ch = deps.ch;
  if (!ch) {
    const own = await openClickHouse(clickhouseConfigFromEnv(config));
    shutdown.add({ name: "query clickhouse", run: () => own.close(), deadlineMs: 5_000 });
    ch = own;
  }
  if (config.QUERY_MIGRATIONS_DIR) await migrate(ch, config.QUERY_MIGRATIONS_DIR, { cluster: config.CLICKHOUSE_CLUSTER });
  // Redis holds the per-tenant catalogues (read always) and the cache (when QUERY_CACHE).
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (e: Error) => logger.warn({ err: e.message }, "redis error (cache degrades to uncached; catalogues keep the last ones)"));
  shutdown.add({ name: "query redis", run: () => redis.disconnect(), deadlineMs: 2_000 });
  const targets = createCatalogueSource({ redis, fallback: catalogueFromFile(config.QUERY_CATALOGUE_FILE ?? config.CATALOGUE_FILE), logger });
  await targets.start();
  shutdown.add({ name: "query catalogues", run: () => targets.stop(), deadlineMs: 1_000 });
  const reader = createReader(ch);
  // /v1/cases and /v1/actions need the durable store: standalone's shared one, or a Postgres server (DATABASE_URL).
  const caseStore = await roleStore(config, { role: "query", shared: deps.caseStore, shutdown });
  let cases: CasesDeps | undefined;
  if (caseStore) {
    const slaQueue = createQueueFactory({ redis: { url: config.REDIS_URL } }).queue<SlaJobData>(QUEUE_NAMES.followUps);
    shutdown.add({ name: "query follow-up queue", run: () => slaQueue.close(), deadlineMs: 5_000 });
    cases = { repo: createCaseRepository(caseStore), policyOf: (tenant) => casePolicyOf(targets.forTenant(tenant)), timers: createSlaTimers(slaQueue) };
  } else logger.info("/v1/cases and /v1/actions are off: set DATABASE_URL (a Postgres server) for a query service that runs on its own");
  const registry = deps.metrics ?? createMetricsRegistry("query");
  const alerting = config.ALERTS_ENABLED
    ? await startAlerting({
        reader,
        writer: createWriter(ch),
        redis,
        redisUrl: config.REDIS_URL,
        queuePrefix: config.QUEUE_PREFIX,
        catalogues: targets,
        tenants: [...new Set(config.tokens.map((t) => t.tenant))],
        lagMinutes: config.ALERTS_LAG_MINUTES,
        webhooks: config.ALERT_WEBHOOKS,
        webhookAttempts: config.ALERT_WEBHOOK_ATTEMPTS,
        webhookBackoffMs: config.ALERT_WEBHOOK_BACKOFF_MS,
        logger,
        registry,
        shutdown,
      })
    : undefined;
  const app = await createQueryApp({
    actions: caseStore ? createSqlActionStore(caseStore) : undefined,
    reader,
    redis: config.QUERY_CACHE ? redis : undefined,
    logger,
    metrics: registry,
    tokens: config.tokens,
    ...(alerting ? { alerts: { store: alerting.store, writer: createWriter(ch), metrics: alerting.metrics } } : {}),
    tokensFile: config.tokensFile,
    // A tenant added to the token file gets its alert evaluation schedule without a restart.
    onTokenTenants: alerting ? (tenants) => void alerting.addTenants(tenants) : undefined,
    ops: { host: config.METRICS_HOST, port: config.METRICS_PORT },
    streamLimits: streamLimitsOf(config),
    targets,
    cacheTtlSeconds: config.QUERY_CACHE_TTL_SECONDS,
    retentionDays: config.QUERY_RETENTION_DAYS,
    streamIntervalMs: config.QUERY_STREAM_INTERVAL_MS,
    fcr: { allowedLatenessMs: config.FCR_ALLOWED_LATENESS_MINUTES * 60_000, windowMs: config.FCR_WINDOW_DAYS * 86_400_000 },
    ready: schemaReady(reader),
    cases,
  });
  shutdown.add({ name: "query http", run: () => app.close(), deadlineMs: 5_000 });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, "query service listening");
  return { app, url };
}

export { loadQueryConfig, type QueryConfig } from "./config";
export { parseCatalogue, noTargets, targetsFromFile, fromCatalogue, type TargetsProvider } from "./catalogue";
export { parseTokenSpec, type TokenEntry } from "./tokens";
export { runBacktest, formatBacktest, parseRulesFile } from "./alerts/backtest";
