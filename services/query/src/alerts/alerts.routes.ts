/**
 * The alert API: GET /v1/alerts (active from the live state in Redis, history from ClickHouse),
 * POST /v1/alerts/{id}/ack, and silences (GET/POST /v1/silences, DELETE /v1/silences/{id}).
 * Reads need a read token, writes a write token (config.auth), both of the alert's tenant.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Alert, Silence } from "@pulse/alerting";
import type { Reader, Writer } from "@pulse/clickhouse";
import { BadRequestError, NotFoundError, type Logger } from "@pulse/kit";
import { routeOptions } from "../openapi";
import { assertKnownParams, parseInstant, parsePositiveInt } from "../params-fns";
import { query } from "../route-context";
import type { AlertMetrics } from "./alert-metrics";
import type { AlertStore } from "./alert-store";
import { ackSchema, createSilenceSchema, deadLettersSchema, deleteSilenceSchema, listAlertsSchema, listSilencesSchema } from "./alerts.openapi";
import { HISTORY_COLUMNS, historyRow } from "./history";

export interface AlertRouteDeps {
  readonly store: AlertStore;
  readonly reader: Reader;
  /** where acknowledgements are recorded in the history table */
  readonly writer?: Writer | undefined;
  readonly metrics: AlertMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const NAME = /^[a-z0-9_]{1,64}$/;

export function alertView(a: Alert): Record<string, unknown> {
  return {
    id: a.id,
    ruleId: a.ruleId,
    touchpoint: a.touchpoint,
    metric: a.metric,
    kind: a.kind,
    severity: a.severity,
    status: a.status,
    pendingSince: iso(a.pendingSince),
    firedAt: iso(a.firedAt),
    resolvedAt: iso(a.resolvedAt),
    ackedAt: iso(a.ackedAt),
    ackedBy: a.ackedBy,
    evidence: a.evidence,
    dashboard: `/?touchpoint=${encodeURIComponent(a.touchpoint)}`,
  };
}

function bodyError(issues: readonly z.core.$ZodIssue[]): BadRequestError {
  const i = issues[0]!;
  const where = i.path.length ? i.path.map(String).join(".") : "(body)";
  return new BadRequestError("invalid_body", `${where}: ${i.message}`, { parameter: where });
}

const Ack = z.strictObject({ by: z.string().min(1).max(128).optional() }).default({});

const Instant = z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time with an offset, e.g. 2025-03-01T12:00:00Z" });
const SilenceBody = z
  .strictObject({
    ruleId: z.string().regex(NAME, "must be a rule id (a–z, 0–9, _)").optional(),
    touchpoint: z.string().regex(NAME, "must be a canonical touchpoint name (a–z, 0–9, _)").optional(),
    metric: z.string().regex(NAME, "must be a metric name").optional(),
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    durationMinutes: z.number().int("must be a whole number").min(1, "must be ≥ 1").max(43_200, "must be at most 30 days").optional(),
    comment: z.string().max(500).optional(),
    createdBy: z.string().min(1).max(128).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.ruleId === undefined && b.touchpoint === undefined && b.metric === undefined)
      ctx.addIssue({ code: "custom", path: ["touchpoint"], message: "give at least one of ruleId, touchpoint, metric (a silence of everything is not allowed)" });
    if ((b.endsAt === undefined) === (b.durationMinutes === undefined))
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "give exactly one of endsAt or durationMinutes" });
  });

type HistoryRow = { alert_id: string; event_name: string; at: string; rule_id: string; touchpoint: string; metric: string; kind: string; severity: string; silenced: number; acked_by: string; evidence: string };

export function registerAlertRoutes(app: FastifyInstance, d: AlertRouteDeps): void {
  const count = (route: string, outcome: string): void => d.metrics.api.inc({ route, outcome });

  app.get("/v1/alerts", routeOptions(listAlertsSchema), async (request: FastifyRequest) => {
    const q = query(request.query);
    assertKnownParams(q, ["state", "touchpoint", "rule", "from", "to", "limit"]);
    const state = q.state ?? "active";
    if (typeof state !== "string" || !["active", "history", "all"].includes(state))
      throw new BadRequestError("invalid_parameter", `state '${typeof state === "string" ? state : JSON.stringify(state)}' is unknown; use active, history or all`, { parameter: "state" });
    for (const name of ["touchpoint", "rule"] as const) {
      const v = q[name];
      if (v !== undefined && (typeof v !== "string" || !NAME.test(v))) throw new BadRequestError("invalid_parameter", `${name} must be 1–64 characters of a–z, 0–9 or _`, { parameter: name });
    }
    const tp = q.touchpoint as string | undefined;
    const rule = q.rule as string | undefined;
    const tenant = request.tenant;
    const out: { active?: unknown[]; history?: unknown[] } = {};
    if (state !== "history") {
      const snap = await d.store.read(tenant);
      out.active = [...snap.states.values()]
        .flatMap((s) => (s.alert && s.alert.status !== "resolved" ? [s.alert] : []))
        .filter((a) => (tp === undefined || a.touchpoint === tp) && (rule === undefined || a.ruleId === rule))
        .sort((a, b) => b.pendingSince - a.pendingSince)
        .map(alertView);
    }
    if (state !== "active") {
      // default: through the end of the current minute (an acknowledgement now is in it)
      const to = parseInstant(q, "to") ?? Math.floor(d.now() / 60_000) * 60_000 + 60_000;
      const from = parseInstant(q, "from") ?? to - 7 * 86_400_000;
      if (from >= to) throw new BadRequestError("invalid_range", "from must be before to", { parameter: "from" });
      const limit = parsePositiveInt(q, "limit", 200, 1000);
      const rows = await d.reader.query<HistoryRow>(
        `SELECT alert_id, toString(event) AS event_name, toString(minute) AS at, rule_id, touchpoint, metric, kind, severity, silenced, acked_by, evidence
         FROM alerts FINAL
         WHERE tenant = {tenant:String} AND minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')
           AND ({tp:String} = '' OR touchpoint = {tp:String}) AND ({rule:String} = '' OR rule_id = {rule:String})
         ORDER BY minute DESC, alert_id, event DESC
         LIMIT {limit:UInt32}`,
        { tenant, from: Math.floor(from / 1000), to: Math.floor(to / 1000), tp: tp ?? "", rule: rule ?? "", limit },
      );
      out.history = rows.map((r) => ({
        alertId: r.alert_id,
        event: r.event_name,
        minute: `${r.at.replace(" ", "T")}Z`,
        ruleId: r.rule_id,
        touchpoint: r.touchpoint,
        metric: r.metric,
        kind: r.kind,
        severity: r.severity,
        silenced: Number(r.silenced) === 1,
        ackedBy: r.acked_by,
        evidence: JSON.parse(r.evidence) as unknown,
      }));
    }
    count("list", "ok");
    return out;
  });

  app.post<{ Params: { id: string } }>("/v1/alerts/:id/ack", { ...routeOptions(ackSchema), config: { auth: "write" } }, async (request) => {
    const body = Ack.safeParse(request.body ?? {});
    if (!body.success) {
      count("ack", "invalid");
      throw bodyError(body.error.issues);
    }
    const at = Math.floor(d.now() / 60_000) * 60_000;
    const alert = await d.store.ack(request.tenant, request.params.id, body.data.by ?? "api", at);
    if (!alert) {
      count("ack", "not_found");
      throw new NotFoundError(`no open alert ${request.params.id}`);
    }
    await d.writer?.insert("alerts", HISTORY_COLUMNS, [historyRow("acknowledged", at, alert, false)], { dedupToken: `ack:${request.tenant}:${alert.id}` });
    d.logger.info({ tenant: request.tenant, alert: alert.id, by: alert.ackedBy }, "alert acknowledged");
    count("ack", "ok");
    return alertView(alert);
  });

  app.get("/v1/alerts/dead-letters", routeOptions(deadLettersSchema), async (request: FastifyRequest) => {
    const q = query(request.query);
    assertKnownParams(q, ["limit"]);
    const limit = parsePositiveInt(q, "limit", 100, 1000);
    const dead = await d.store.deadLetters(request.tenant, limit);
    count("dead_letters", "ok");
    return { deadLetters: dead.map((x) => ({ key: x.key, url: x.url, attempts: x.attempts, error: x.error, at: iso(x.at), type: x.notification.type, alertId: x.notification.alert.id })) };
  });

  app.get("/v1/silences", routeOptions(listSilencesSchema), async (request: FastifyRequest) => {
    const now = d.now();
    const silences = (await d.store.silences(request.tenant)).filter((s) => s.endsAt > now).sort((a, b) => a.startsAt - b.startsAt);
    count("silences", "ok");
    return { silences: silences.map(silenceView) };
  });

  app.post("/v1/silences", { ...routeOptions(createSilenceSchema), config: { auth: "write" } }, async (request: FastifyRequest, reply) => {
    const body = SilenceBody.safeParse(request.body ?? {});
    if (!body.success) {
      count("create_silence", "invalid");
      throw bodyError(body.error.issues);
    }
    const b = body.data;
    const startsAt = b.startsAt ? Date.parse(b.startsAt) : d.now();
    const endsAt = b.endsAt ? Date.parse(b.endsAt) : startsAt + b.durationMinutes! * 60_000;
    if (endsAt <= startsAt) {
      count("create_silence", "invalid");
      throw new BadRequestError("invalid_body", "endsAt: must be after startsAt", { parameter: "endsAt" });
    }
    const s: Silence & { comment?: string; createdBy?: string } = {
      id: randomUUID(),
      ...(b.ruleId ? { ruleId: b.ruleId } : {}),
      ...(b.touchpoint ? { touchpoint: b.touchpoint } : {}),
      ...(b.metric ? { metric: b.metric } : {}),
      startsAt,
      endsAt,
      ...(b.comment ? { comment: b.comment } : {}),
      ...(b.createdBy ? { createdBy: b.createdBy } : {}),
    };
    await d.store.putSilence(request.tenant, s);
    d.logger.info({ tenant: request.tenant, silence: s.id, ruleId: s.ruleId, touchpoint: s.touchpoint, metric: s.metric, endsAt: iso(endsAt) }, "alert silence created");
    count("create_silence", "ok");
    return reply.code(201).send(silenceView(s));
  });

  app.delete<{ Params: { id: string } }>("/v1/silences/:id", { ...routeOptions(deleteSilenceSchema), config: { auth: "write" } }, async (request, reply) => {
    if (!(await d.store.deleteSilence(request.tenant, request.params.id))) {
      count("delete_silence", "not_found");
      throw new NotFoundError(`no silence ${request.params.id}`);
    }
    d.logger.info({ tenant: request.tenant, silence: request.params.id }, "alert silence deleted");
    count("delete_silence", "ok");
    return reply.code(204).send();
  });
}

function silenceView(s: Silence & { comment?: string; createdBy?: string }): Record<string, unknown> {
  return { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) };
}
