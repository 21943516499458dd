import type { FastifyInstance } from "fastify";
import { CASE_STATES, followedUpCustomers, LOOP_GROUP_BY, loopMetrics, recoveryByGroup, type CaseFilters, type CasePatch, type CaseRepository, type CaseState, type SlaTimers } from "@pulse/cases";
import { CASE_SEVERITIES, CASE_TRIGGERS, type CasePolicy } from "@pulse/catalogue";
import type { Reader } from "@pulse/clickhouse";
import { BadRequestError, Counter, type Logger, type Registry } from "@pulse/kit";
import { caseMetricsSchema, getCaseSchema, listCasesSchema, patchCaseSchema } from "./cases.openapi";
import { routeOptions } from "./openapi";
import { assertKnownParams, iso, list, param, parseEnum, parseInstant, parsePositiveInt, type RawQuery } from "./params-fns";
import { query } from "./route-context";

/** What the case routes need: the store's repository, the tenant's policy, the SLA timers. */
export interface CasesDeps {
  repo: CaseRepository;
  policyOf: (tenant: string) => CasePolicy;
  /** Re-times the SLA jobs after a change (absent: no timers, e.g. a query service without the queue). */
  timers?: SlaTimers | undefined;
}

function enumList<T extends string>(q: RawQuery, name: string, allowed: readonly T[]): T[] {
  const values = list(q, name);
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) throw new BadRequestError("invalid_parameter", `${name} '${bad}' is unknown; use one of ${allowed.join(", ")}`, { parameter: name, value: bad });
  return values as T[];
}

function parseOffset(q: RawQuery): number {
  const v = param(q, "offset");
  if (v === undefined) return 0;
  if (!/^\d{1,9}$/.test(v)) throw new BadRequestError("invalid_parameter", `offset '${v}' must be a whole number ≥ 0`, { parameter: "offset", value: v });
  return Number(v);
}

/** The PATCH body as a CasePatch, or a 400 naming the field and the rule. */
function parsePatch(body: unknown, ifMatch: string | undefined): CasePatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("invalid_case_update", "body: must be a JSON object", { field: "body" });
  const b = body as Record<string, unknown>;
  const allowed = ["version", "actor", "state", "owner", "team", "note", "rootCause", "outcome"];
  const unknown = Object.keys(b).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new BadRequestError("invalid_case_update", `${unknown}: unknown field; an update may set ${allowed.join(", ")}`, { field: unknown });
  const fromHeader = ifMatch === undefined ? undefined : /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim())?.[1];
  if (ifMatch !== undefined && fromHeader === undefined) throw new BadRequestError("invalid_case_update", `If-Match: must be the case version, e.g. "3"`, { field: "If-Match" });
  const version = b.version ?? (fromHeader === undefined ? undefined : Number(fromHeader));
  if (version === undefined) throw new BadRequestError("invalid_case_update", "version: required (the version you read; or send If-Match)", { field: "version" });
  const str = (k: string) => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new BadRequestError("invalid_case_update", `${k}: must be a string`, { field: k });
    return v;
  };
  const owner = b.owner === null ? null : str("owner");
  return {
    version: version as number,
    actor: str("actor") ?? "",
    ...(b.state !== undefined ? { state: str("state") as CaseState } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(b.team !== undefined ? { team: str("team") } : {}),
    ...(b.note !== undefined ? { note: str("note") } : {}),
    ...(b.rootCause !== undefined ? { rootCause: str("rootCause") } : {}),
    ...(b.outcome !== undefined ? { outcome: str("outcome") as CasePatch["outcome"] } : {}),
  };
}

type RecentRow = { event_id: string; type: string; occurred_at: string; touchpoint: string; channel: string; topic: string; nps: number | null; csat: number | null; text: string };

/**
 * /v1/cases: the follow-up queue (read token), one case with its customer's context (read token),
 * and the one way to change a case (write token). Every statement is scoped to the token's
 * tenant; another tenant's case is "not found".
 */
export function registerCasesRoutes(app: FastifyInstance, deps: CasesDeps, reader: Reader, opts: { registry: Registry; logger: Logger; now: () => Date }): void {
  const updates =
    (opts.registry.getSingleMetric("pulse_query_case_updates_total") as Counter<"result"> | undefined) ??
    new Counter({ name: "pulse_query_case_updates_total", help: "PATCH /v1/cases/{id} by result (ok, conflict, invalid, not_found)", labelNames: ["result"], registers: [opts.registry] });

  app.get("/v1/cases", routeOptions(listCasesSchema), async (request) => {
    const q = query(request.query);
    assertKnownParams(q, ["state", "team", "owner", "trigger", "touchpoint", "severity", "customer", "due", "dueWithinMinutes", "limit", "offset"]);
    const due = param(q, "due");
    if (due !== undefined && due !== "overdue" && due !== "soon") throw new BadRequestError("invalid_parameter", `due '${due}' is unknown; use overdue or soon`, { parameter: "due", value: due });
    const customer = param(q, "customer");
    const filters: CaseFilters = {
      state: enumList(q, "state", CASE_STATES),
      team: list(q, "team"),
      owner: list(q, "owner"),
      trigger: enumList(q, "trigger", CASE_TRIGGERS),
      touchpoint: list(q, "touchpoint"),
      severity: enumList(q, "severity", CASE_SEVERITIES),
      ...(customer ? { customerId: customer } : {}),
      ...(due ? { due, dueWithinSeconds: parsePositiveInt(q, "dueWithinMinutes", 240, 10_080) * 60 } : {}),
    };
    return deps.repo.list(request.tenant, filters, { limit: parsePositiveInt(q, "limit", 50, 200), offset: parseOffset(q) }, opts.now());
  });

  // Loop metrics and the recovery rate of the cases opened in [from, to), per touchpoint or team.
  app.get("/v1/cases/metrics", routeOptions(caseMetricsSchema), async (request) => {
    const q = query(request.query);
    assertKnownParams(q, ["from", "to", "groupBy"]);
    const now = opts.now();
    const to = parseInstant(q, "to") ?? now.getTime();
    const from = parseInstant(q, "from") ?? to - 30 * 86_400_000;
    if (from >= to) throw new BadRequestError("invalid_range", `from (${iso(from)}) must be before to (${iso(to)})`, { parameter: "from" });
    const groupBy = parseEnum(q, "groupBy", LOOP_GROUP_BY, "touchpoint", "invalid_parameter");
    const tenant = request.tenant;
    const range = { from: new Date(from), to: new Date(to), groupBy };
    // Both from ClickHouse's rollup case_loop_hour (the shipped case history; see @pulse/cases).
    const [groups, followed] = await Promise.all([loopMetrics(reader, tenant, { ...range, now }), followedUpCustomers(reader, tenant, range)]);
    // The followed-up customers' NPS answers after their follow-up (feedback_events, stored per event id once).
    const answers = new Map<string, { at: Date; nps: number }[]>();
    if (followed.length > 0) {
      const since = Math.min(...followed.map((f) => f.followedUpAt.getTime()));
      const rows = await reader.query<{ customer_id: string; t: number | string; nps: number }>(
        `SELECT customer_id, toUnixTimestamp64Milli(occurred_at) AS t, nps FROM feedback_events
         WHERE tenant = {t:String} AND customer_id IN {c:Array(String)} AND nps IS NOT NULL AND occurred_at > fromUnixTimestamp64Milli({since:Int64})
         LIMIT 1 BY event_id`,
        { t: tenant, c: [...new Set(followed.map((f) => f.customerId))], since },
      );
      for (const r of rows) {
        const list = answers.get(r.customer_id) ?? [];
        list.push({ at: new Date(Number(r.t)), nps: Number(r.nps) });
        answers.set(r.customer_id, list);
      }
    }
    const recovery = recoveryByGroup(followed, answers);
    return { from: iso(from), to: iso(to), groupBy, groups: groups.map((g) => ({ ...g, recovery: recovery.get(g.key) ?? null })) };
  });

  app.get("/v1/cases/:id", routeOptions(getCaseSchema), async (request) => {
    const { id } = request.params as { id: string };
    const tenant = request.tenant;
    const c = await deps.repo.get(tenant, id);
    const [history, cases, recent] = await Promise.all([
      deps.repo.history(tenant, id),
      c.customerId ? deps.repo.ofCustomer(tenant, c.customerId, 20) : Promise.resolve([]),
      c.customerId
        ? reader.query<RecentRow>(
            `SELECT event_id, toString(type) AS type, toString(occurred_at) AS occurred_at, toString(touchpoint) AS touchpoint, toString(channel) AS channel,
                    toString(topic) AS topic, nps, csat, text
             FROM feedback_events WHERE tenant = {t:String} AND customer_id = {c:String}
             ORDER BY occurred_at DESC LIMIT 1 BY event_id LIMIT 20`,
            { t: tenant, c: c.customerId },
          )
        : Promise.resolve([]),
    ]);
    return {
      case: c,
      history,
      customer: {
        cases: cases.filter((x) => x.id !== c.id),
        recent: recent.map((r) => ({ eventId: r.event_id, type: r.type, occurredAt: r.occurred_at, touchpoint: r.touchpoint, channel: r.channel, topic: r.topic, nps: r.nps, csat: r.csat, text: r.text })),
      },
    };
  });

  app.patch("/v1/cases/:id", { ...routeOptions(patchCaseSchema), config: { auth: "write" } }, async (request) => {
    const { id } = request.params as { id: string };
    const tenant = request.tenant;
    try {
      const patch = parsePatch(request.body, request.headers["if-match"]);
      const { before, case: after } = await deps.repo.update(tenant, id, patch, deps.policyOf(tenant), opts.now());
      updates.inc({ result: "ok" });
      request.log.info({ tenant, caseId: id, actor: patch.actor, from: before.version, to: after.version, state: after.state }, "case updated");
      // The change is committed; a timer that cannot be moved now (Redis down) is logged, and the
      // SLA runner still decides from the case itself when the old timer fires.
      if (deps.timers) await deps.timers.sync(after).catch((err: unknown) => request.log.warn({ err, tenant, caseId: id }, "case SLA timers not updated"));
      return after;
    } catch (err) {
      const status = (err as { status?: number }).status;
      updates.inc({ result: status === 409 ? "conflict" : status === 404 ? "not_found" : status === 400 ? "invalid" : "error" });
      throw err;
    }
  });
}
