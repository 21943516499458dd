/**
 * Corrective actions: POST/PATCH with a write token, GET with a read token (token kinds are exact,
 * see @pulse/http auth). The tenant always comes from the token. Each answer carries the action's
 * effect as of now (actions.service.ts), cached per action version and minute like other reads.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { BadRequestError, NotFoundError, PulseError, UnavailableError } from "@pulse/kit";
import { createActionSchema, DEFAULT_WINDOW_DAYS, parseBody, parseListQuery, patchActionSchema, type Action, type ActionEffectBody } from "./actions-fns";
import { createActionRouteSchema, getActionRouteSchema, listActionsRouteSchema, patchActionRouteSchema } from "./actions.openapi";
import type { ActionEffects } from "./actions.service";
import type { ActionStore } from "./actions.store";
import type { QueryMetrics } from "./metrics";
import { routeOptions } from "./openapi";
import { iso } from "./params-fns";
import { query, wantsFresh, type RouteContext } from "./route-context";

export interface ActionsRouteDeps {
  /** Absent: the routes answer 503 (no store configured). */
  store: ActionStore | undefined;
  effects: ActionEffects;
  metrics: QueryMetrics;
  now: () => Date;
}

const options = (schema: Record<string, unknown>, auth: "read" | "write") => ({ ...routeOptions(schema), config: { auth } });

export function registerActionsRoutes(app: FastifyInstance, ctx: RouteContext, deps: ActionsRouteDeps): void {
  const storeOf = (): ActionStore => {
    if (!deps.store) throw new UnavailableError("actions_unavailable", "corrective actions need the relational store; it is not configured for this query service");
    return deps.store;
  };

  async function withEffect(request: FastifyRequest, action: Action, all: readonly Action[]): Promise<Action & { effect: ActionEffectBody }> {
    const now = deps.now().getTime();
    const minute = iso(Math.floor(now / 60_000) * 60_000);
    // Another action's start can change the control, so the key holds every action's id, start and touchpoints.
    const others = all.filter((a) => a.id !== action.id).map((a) => [a.id, a.startAt, a.touchpoints]);
    const { value } = await ctx.cache.getOrCompute(
      request.tenant,
      "action-effect",
      { id: action.id, version: action.version, minute, others },
      async () => {
        const effect = await deps.effects.measure(request.tenant, action, all, now);
        deps.metrics.actionEffects.inc({ verdict: effect.verdict });
        return effect;
      },
      { revalidate: wantsFresh(request.headers) },
    );
    return { ...action, effect: value };
  }

  /** Counts a write's outcome by the error it ended with. */
  async function counted<T>(op: "create" | "update", run: () => Promise<T>): Promise<T> {
    try {
      const out = await run();
      deps.metrics.actionWrites.inc({ op, result: "ok" });
      return out;
    } catch (e) {
      const status = e instanceof PulseError ? e.status : 500;
      const result = status === 400 ? "invalid" : status === 404 ? "not_found" : status === 409 ? "conflict" : "error";
      deps.metrics.actionWrites.inc({ op, result });
      throw e;
    }
  }

  app.post("/v1/actions", options(createActionRouteSchema, "write"), async (request, reply) => {
    const action = await counted("create", async () => {
      const input = parseBody(createActionSchema, request.body);
      return storeOf().create(request.tenant, { ...input, windowDays: input.windowDays ?? DEFAULT_WINDOW_DAYS }, deps.now());
    });
    request.log.info({ tenant: request.tenant, actionId: action.id, touchpoints: action.touchpoints, metric: action.metric, startAt: action.startAt }, "action created");
    const all = await storeOf().list(request.tenant);
    return reply.status(201).header("location", `/v1/actions/${action.id}`).send(await withEffect(request, action, all));
  });

  app.get("/v1/actions", options(listActionsRouteSchema, "read"), async (request, reply) => {
    const filter = parseListQuery(query(request.query));
    const all = await storeOf().list(request.tenant);
    const chosen = all.filter((a) => (filter.status ? a.status === filter.status : true) && (filter.touchpoint ? a.touchpoints.includes(filter.touchpoint) : true));
    const actions = [];
    // One at a time: each effect is a handful of rollup queries, and the embedded engine runs one query at a time anyway.
    for (const a of chosen) actions.push(await withEffect(request, a, all));
    return reply.header("cache-control", "private, no-cache").send({ asOf: iso(deps.now().getTime()), actions });
  });

  app.get("/v1/actions/:id", options(getActionRouteSchema, "read"), async (request, reply) => {
    const { id } = request.params as { id: string };
    const all = await storeOf().list(request.tenant);
    const action = all.find((a) => a.id === id) ?? (await storeOf().get(request.tenant, id));
    if (!action) throw new NotFoundError(`no action ${id}`);
    const history = await storeOf().history(request.tenant, id);
    return reply.header("cache-control", "private, no-cache").send({ ...(await withEffect(request, action, all)), history });
  });

  app.patch("/v1/actions/:id", options(patchActionRouteSchema, "write"), async (request, reply) => {
    const { id } = request.params as { id: string };
    const action = await counted("update", async () => {
      const patch = parseBody(patchActionSchema, request.body);
      const store = storeOf();
      const current = await store.get(request.tenant, id);
      if (!current) throw new NotFoundError(`no action ${id}`);
      if (patch.status === "closed" && current.status !== "closed" && (patch.outcome ?? current.outcome) === null) {
        throw new BadRequestError("invalid_body", "outcome: required to close an action (say what came of it)", { parameter: "outcome" });
      }
      return store.update(request.tenant, id, patch, deps.now());
    });
    request.log.info({ tenant: request.tenant, actionId: action.id, status: action.status, version: action.version, actor: (request.body as { actor?: unknown }).actor }, "action updated");
    const all = await storeOf().list(request.tenant);
    return reply.send(await withEffect(request, action, all));
  });
}
