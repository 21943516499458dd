/**
 * Where corrective actions are kept: the durable relational store (@pulse/store: Postgres, or
 * embedded PGlite), table `actions` (packages/store/migrations/0002_actions.sql). An action is a
 * small mutable record edited by people (closed, re-owned), so it lives in a transactional store
 * with optimistic concurrency (a version; a stale update gets 409), not in ClickHouse.
 * Every statement is parameterised and filtered by tenant: a tenant never sees another's action.
 * Every change writes its `action_history` row (migration 0004) in the same statement (a
 * data-modifying CTE), so a change is never recorded without its history, nor the reverse.
 */
import { randomUUID } from "node:crypto";
import { NotFoundError, PulseError } from "@pulse/kit";
import { DEFAULT_ACTOR, type Action, type ActionHistoryEntry, type ActionMetricName, type CreateActionInput, type PatchActionInput } from "./actions-fns";

/** The part of @pulse/store's Store this module uses (Postgres dialect, `$n` parameters). */
export interface SqlQueryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export interface ActionStore {
  create(tenant: string, input: CreateActionInput, now: Date): Promise<Action>;
  list(tenant: string, opts?: { status?: Action["status"] | undefined; limit?: number }): Promise<Action[]>;
  get(tenant: string, id: string): Promise<Action | undefined>;
  /** Applies a patch when `version` is current; 409 `version_conflict` when it is stale, 404 when absent. */
  update(tenant: string, id: string, patch: PatchActionInput, now: Date): Promise<Action>;
  /** The action's audit history, oldest first (empty for an unknown action or another tenant's). */
  history(tenant: string, id: string): Promise<ActionHistoryEntry[]>;
}

export class VersionConflictError extends PulseError {
  constructor(id: string, current: number, sent: number) {
    super("version_conflict", `action ${id} is at version ${current}, the update was made against version ${sent}; reload it and apply the change again`, {
      status: 409,
      details: { parameter: "version", current, sent },
    });
  }
}

type Row = {
  tenant: string;
  id: string;
  name: string;
  what: string;
  owner: string;
  touchpoints: string[] | string;
  control_touchpoints: string[] | string | null;
  start_at: Date | string;
  metric: string;
  expected_direction: string;
  window_days: number;
  status: string;
  closed_at: Date | string | null;
  outcome: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
};

const COLUMNS =
  "tenant, id::text AS id, name, what, owner, touchpoints, control_touchpoints, start_at, metric, expected_direction, window_days, status, closed_at, outcome, created_at, updated_at, version";

const isoOf = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const jsonOf = (v: string[] | string): string[] => (typeof v === "string" ? (JSON.parse(v) as string[]) : v);

function toAction(r: Row): Action {
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    what: r.what,
    owner: r.owner,
    touchpoints: jsonOf(r.touchpoints),
    controlTouchpoints: r.control_touchpoints === null ? null : jsonOf(r.control_touchpoints),
    startAt: isoOf(r.start_at),
    metric: r.metric as ActionMetricName,
    expectedDirection: r.expected_direction as Action["expectedDirection"],
    windowDays: Number(r.window_days),
    status: r.status as Action["status"],
    closedAt: r.closed_at === null ? null : isoOf(r.closed_at),
    outcome: r.outcome,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
    version: Number(r.version),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createSqlActionStore(db: SqlQueryable): ActionStore {
  async function get(tenant: string, id: string): Promise<Action | undefined> {
    if (!UUID.test(id)) return undefined;
    const r = await db.query<Row>(`SELECT ${COLUMNS} FROM actions WHERE tenant = $1 AND id = $2::uuid`, [tenant, id]);
    return r.rows[0] ? toAction(r.rows[0]) : undefined;
  }
  return {
    async create(tenant, input, now) {
      const id = randomUUID();
      const at = now.toISOString();
      const recorded: Record<string, [unknown, unknown]> = {
        name: [null, input.name],
        what: [null, input.what],
        owner: [null, input.owner],
        touchpoints: [null, input.touchpoints],
        controlTouchpoints: [null, input.controlTouchpoints ?? null],
        startAt: [null, new Date(input.startDate).toISOString()],
        metric: [null, input.metric],
        expectedDirection: [null, input.expectedDirection],
        windowDays: [null, input.windowDays],
        status: [null, "active"],
      };
      const r = await db.query<Row>(
        `WITH a AS (
           INSERT INTO actions (tenant, id, name, what, owner, touchpoints, control_touchpoints, start_at, metric, expected_direction, window_days, status, created_at, updated_at, version)
           VALUES ($1, $2::uuid, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, 'active', $12, $12, 1)
           RETURNING *
         ), h AS (
           INSERT INTO action_history (tenant, action_id, version, at, actor, kind, changes)
           SELECT tenant, id, version, $12::timestamptz, $13::text, 'created', $14::jsonb FROM a
         )
         SELECT ${COLUMNS} FROM a`,
        [
          tenant,
          id,
          input.name,
          input.what,
          input.owner,
          JSON.stringify(input.touchpoints),
          input.controlTouchpoints ? JSON.stringify(input.controlTouchpoints) : null,
          new Date(input.startDate).toISOString(),
          input.metric,
          input.expectedDirection,
          input.windowDays,
          at,
          input.actor ?? DEFAULT_ACTOR,
          JSON.stringify(recorded),
        ],
      );
      return toAction(r.rows[0]!);
    },
    async list(tenant, opts = {}) {
      const params: unknown[] = [tenant, opts.limit ?? 500];
      const status = opts.status ? ` AND status = $${params.push(opts.status)}` : "";
      const r = await db.query<Row>(`SELECT ${COLUMNS} FROM actions WHERE tenant = $1${status} ORDER BY start_at DESC, id LIMIT $2`, params);
      return r.rows.map(toAction);
    },
    get,
    async update(tenant, id, patch, now) {
      const current = await get(tenant, id);
      if (!current) throw new NotFoundError(`no action ${id}`);
      if (current.version !== patch.version) throw new VersionConflictError(id, current.version, patch.version);
      const status = patch.status ?? current.status;
      const closedAt = status === "closed" ? (current.status === "closed" ? current.closedAt : now.toISOString()) : null;
      const next = {
        name: patch.name ?? current.name,
        what: patch.what ?? current.what,
        owner: patch.owner ?? current.owner,
        status,
        closedAt,
        outcome: patch.outcome ?? current.outcome,
      };
      const changes: Record<string, [unknown, unknown]> = {};
      for (const [field, to] of Object.entries(next)) {
        const from = current[field as keyof typeof next];
        if (from !== to) changes[field] = [from, to];
      }
      const kind = current.status === "active" && status === "closed" ? "closed" : current.status === "closed" && status === "active" ? "reopened" : "updated";
      const r = await db.query<Row>(
        `WITH a AS (
           UPDATE actions SET name = $4, what = $5, owner = $6, status = $7, closed_at = $8, outcome = $9, updated_at = $10, version = version + 1
           WHERE tenant = $1 AND id = $2::uuid AND version = $3
           RETURNING *
         ), h AS (
           INSERT INTO action_history (tenant, action_id, version, at, actor, kind, changes)
           SELECT tenant, id, version, $10::timestamptz, $11::text, $12::text, $13::jsonb FROM a
         )
         SELECT ${COLUMNS} FROM a`,
        [tenant, id, patch.version, next.name, next.what, next.owner, status, closedAt, next.outcome, now.toISOString(), patch.actor ?? DEFAULT_ACTOR, kind, JSON.stringify(changes)],
      );
      // Another update won between the read and the write.
      if (!r.rows[0]) throw new VersionConflictError(id, current.version + 1, patch.version);
      return toAction(r.rows[0]);
    },
    async history(tenant, id) {
      if (!UUID.test(id)) return [];
      const r = await db.query<{ seq: number | string; version: number; at: Date | string; actor: string; kind: ActionHistoryEntry["kind"]; changes: unknown }>(
        `SELECT seq, version, at, actor, kind, changes FROM action_history WHERE tenant = $1 AND action_id = $2::uuid ORDER BY seq`,
        [tenant, id],
      );
      return r.rows.map((h) => ({
        seq: Number(h.seq),
        version: Number(h.version),
        at: isoOf(h.at),
        actor: h.actor,
        kind: h.kind,
        changes: (typeof h.changes === "string" ? JSON.parse(h.changes) : h.changes) as Record<string, [unknown, unknown]>,
      }));
    },
  };
}
