import type { CasePolicy } from "@pulse/catalogue";
import { BadRequestError, NotFoundError, PulseError } from "@pulse/kit";
import type { Queryable, Store } from "@pulse/store";
import {
  ACTIVE_STATES,
  CASE_OUTCOMES,
  CASE_STATES,
  isReopen,
  TRANSITIONS,
  type CaseHistoryEntry,
  type CaseOutcome,
  type CaseRecord,
  type CaseState,
  type SlaKind,
} from "./model";
import { routeTeam, slaDeadlines, type CaseDraft } from "./triggers";

/** A stale update: the case changed since the caller read it (HTTP 409). */
export class CaseConflictError extends PulseError {
  constructor(id: string, expected: number, current: number) {
    super("case_version_conflict", `case ${id} is at version ${current}, not ${expected}: it was changed since you read it; reload it and apply your change again`, {
      status: 409,
      details: { field: "version", expected, current },
    });
  }
}

/** What a PATCH may change. `version` is the version the caller read. */
export interface CasePatch {
  version: number;
  actor: string;
  state?: CaseState;
  owner?: string | null;
  team?: string;
  note?: string;
  rootCause?: string;
  outcome?: CaseOutcome;
}

export interface CaseFilters {
  state?: readonly CaseState[];
  team?: readonly string[];
  owner?: readonly string[];
  trigger?: readonly string[];
  touchpoint?: readonly string[];
  severity?: readonly string[];
  customerId?: string;
  /** overdue: an active case past its next deadline; soon: due within `dueWithinSeconds`. */
  due?: "overdue" | "soon";
  dueWithinSeconds?: number;
}

export interface CasePage {
  cases: CaseRecord[];
  total: number;
  limit: number;
  offset: number;
}

export interface OpenResult {
  case: CaseRecord;
  /** false: the case already existed (a resend, replay or redelivery of its event). */
  created: boolean;
}

export interface UpdateResult {
  before: CaseRecord;
  case: CaseRecord;
}

const CODE = /^[a-z0-9][a-z0-9_]{0,63}$/;

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === "string" ? v : null);

export function caseOfRow(r: Row): CaseRecord {
  return {
    id: r.id as string,
    tenant: r.tenant_id as string,
    eventId: r.event_id as string,
    trigger: r.trigger as CaseRecord["trigger"],
    severity: r.severity as CaseRecord["severity"],
    customerId: (r.customer_id as string | null) ?? null,
    touchpoint: (r.touchpoint as string | null) ?? null,
    channel: (r.channel as string | null) ?? null,
    segment: (r.segment as string | null) ?? null,
    evidence: r.evidence as CaseRecord["evidence"],
    eventAt: iso(r.event_at) ?? "",
    state: r.state as CaseState,
    team: (r.team as string | null) ?? null,
    owner: (r.owner as string | null) ?? null,
    rootCause: (r.root_cause as string | null) ?? null,
    outcome: (r.outcome as CaseOutcome | null) ?? null,
    firstResponseDue: iso(r.first_response_due) ?? "",
    resolutionDue: iso(r.resolution_due) ?? "",
    firstResponseAt: iso(r.first_response_at),
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    firstResponseBreachedAt: iso(r.first_response_breached_at),
    resolutionBreachedAt: iso(r.resolution_breached_at),
    reopenCount: Number(r.reopen_count),
    createdAt: iso(r.created_at) ?? "",
    updatedAt: iso(r.updated_at) ?? "",
    version: Number(r.version),
  };
}

/** SQL of an active case's next deadline (first response while it is pending, else resolution). */
const NEXT_DUE = `CASE WHEN first_response_at IS NULL THEN least(first_response_due, resolution_due) ELSE resolution_due END`;

export interface CaseRepository {
  /** The store the repository works on (loop metrics read it directly). */
  readonly store: Store;
  /** Opens the cases of stored events; an event seen before names an existing case and opens nothing. */
  open(drafts: readonly CaseDraft[], policyOf: (tenant: string) => CasePolicy, now: Date): Promise<OpenResult[]>;
  get(tenant: string, id: string): Promise<CaseRecord>;
  list(tenant: string, filters: CaseFilters, page: { limit: number; offset: number }, now: Date): Promise<CasePage>;
  update(tenant: string, id: string, patch: CasePatch, policy: CasePolicy, now: Date): Promise<UpdateResult>;
  /**
   * Records an SLA breach once: true only for the one call that set it (the case was still active,
   * the deadline passed, the SLA unmet and not yet breached). Escalation follows from that true.
   */
  recordBreach(tenant: string, id: string, kind: SlaKind, escalateTo: string | null, now: Date): Promise<CaseRecord | null>;
  history(tenant: string, id: string): Promise<CaseHistoryEntry[]>;
  /** A customer's other cases, newest first. */
  ofCustomer(tenant: string, customerId: string, limit: number): Promise<CaseRecord[]>;
}

export function createCaseRepository(store: Store): CaseRepository {
  async function history(q: Queryable, c: CaseRecord, actor: string, action: string, changes: Record<string, [unknown, unknown]>, note: string | null, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO case_history (case_id, tenant_id, version, at, actor, action, changes, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [c.id, c.tenant, c.version, at, actor, action, JSON.stringify(changes), note],
    );
  }

  async function nextMember(q: Queryable, tenant: string, team: string, members: readonly string[]): Promise<string | null> {
    if (members.length === 0) return null;
    const { rows } = await q.query<{ i: number }>(
      `INSERT INTO case_rotation (tenant_id, team, next_index) VALUES ($1, $2, 1)
       ON CONFLICT (tenant_id, team) DO UPDATE SET next_index = case_rotation.next_index + 1
       RETURNING next_index - 1 AS i`,
      [tenant, team],
    );
    return members[(rows[0]?.i ?? 0) % members.length] ?? null;
  }

  async function load(q: Queryable, tenant: string, id: string, lock: boolean): Promise<CaseRecord> {
    const { rows } = await q.query(`SELECT * FROM cases WHERE tenant_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`, [tenant, id]);
    const row = rows[0];
    // Another tenant's case is indistinguishable from a missing one.
    if (!row) throw new NotFoundError(`case ${id} not found`);
    return caseOfRow(row);
  }

  return {
    store,
    async open(drafts, policyOf, now) {
      const out: OpenResult[] = [];
      for (const d of drafts) {
        const policy = policyOf(d.tenant);
        const team = routeTeam(policy, d);
        const due = slaDeadlines(policy, d.trigger, d.severity, now);
        const result = await store.transaction(async (tx) => {
          const ins = await tx.query(
            `INSERT INTO cases (id, tenant_id, event_id, trigger, severity, customer_id, touchpoint, channel, segment, evidence, event_at,
                                team, first_response_due, resolution_due, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
             ON CONFLICT (tenant_id, event_id, trigger) DO NOTHING RETURNING *`,
            [d.id, d.tenant, d.eventId, d.trigger, d.severity, d.customerId, d.touchpoint, d.channel, d.segment, JSON.stringify(d.evidence), d.eventAt, team, due.firstResponseDue, due.resolutionDue, now],
          );
          const row = ins.rows[0];
          if (!row) return { case: await load(tx, d.tenant, d.id, false), created: false };
          let c = caseOfRow(row);
          const owner = await nextMember(tx, d.tenant, team, policy.teams[team]?.members ?? []);
          if (owner !== null) {
            const upd = await tx.query("UPDATE cases SET owner = $2 WHERE id = $1 RETURNING *", [c.id, owner]);
            c = caseOfRow(upd.rows[0] as Row);
          }
          await history(tx, c, "system:worker", "created", { state: [null, "open"], team: [null, team], owner: [null, owner] }, null, now);
          return { case: c, created: true };
        });
        out.push(result);
      }
      return out;
    },

    get: (tenant, id) => load(store, tenant, id, false),

    async list(tenant, f, page, now) {
      const where: string[] = ["tenant_id = $1"];
      const params: unknown[] = [tenant];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (f.state?.length) add((p) => `state = ANY(${p}::text[])`, f.state);
      if (f.team?.length) add((p) => `team = ANY(${p}::text[])`, f.team);
      if (f.owner?.length) add((p) => `owner = ANY(${p}::text[])`, f.owner);
      if (f.trigger?.length) add((p) => `trigger = ANY(${p}::text[])`, f.trigger);
      if (f.touchpoint?.length) add((p) => `touchpoint = ANY(${p}::text[])`, f.touchpoint);
      if (f.severity?.length) add((p) => `severity = ANY(${p}::text[])`, f.severity);
      if (f.customerId) add((p) => `customer_id = ${p}`, f.customerId);
      if (f.due) {
        add((p) => `state = ANY(${p}::text[])`, ACTIVE_STATES);
        if (f.due === "overdue") add((p) => `${NEXT_DUE} < ${p}`, now);
        else {
          add((p) => `${NEXT_DUE} >= ${p}`, now);
          add((p) => `${NEXT_DUE} < ${p}`, new Date(now.getTime() + (f.dueWithinSeconds ?? 4 * 3600) * 1000));
        }
      }
      const cond = where.join(" AND ");
      // The queue's order: active cases by their next deadline, then the rest, newest first.
      const order = `(state = ANY('{open,in_progress,waiting_customer}'::text[])) DESC, ${NEXT_DUE} ASC, created_at DESC, id`;
      const [rows, total] = await Promise.all([
        store.query(`SELECT * FROM cases WHERE ${cond} ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset}`, params),
        store.query<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE ${cond}`, params),
      ]);
      return { cases: rows.rows.map(caseOfRow), total: total.rows[0]?.n ?? 0, limit: page.limit, offset: page.offset };
    },

    async update(tenant, id, patch, policy, now) {
      validatePatch(patch);
      return store.transaction(async (tx) => {
        const before = await load(tx, tenant, id, true);
        if (before.version !== patch.version) throw new CaseConflictError(id, patch.version, before.version);
        const set: Record<string, unknown> = {};
        const changes: Record<string, [unknown, unknown]> = {};
        const change = (field: keyof CaseRecord, column: string, value: unknown) => {
          if (before[field] === value) return;
          set[column] = value;
          changes[field] = [before[field], value];
        };
        if (patch.owner !== undefined) change("owner", "owner", patch.owner);
        if (patch.team !== undefined) change("team", "team", patch.team);
        if (patch.rootCause !== undefined) change("rootCause", "root_cause", patch.rootCause);
        if (patch.outcome !== undefined) change("outcome", "outcome", patch.outcome);
        let action = "updated";
        if (patch.state !== undefined && patch.state !== before.state) {
          const to = patch.state;
          if (!TRANSITIONS[before.state].includes(to))
            throw new BadRequestError("invalid_transition", `state: a case cannot move from ${before.state} to ${to}; from ${before.state} it may move to ${TRANSITIONS[before.state].join(", ")}`, {
              field: "state",
              from: before.state,
              to,
            });
          change("state", "state", to);
          if (to === "resolved") change("resolvedAt", "resolved_at", now.toISOString());
          if (to === "closed") {
            const rootCause = patch.rootCause ?? before.rootCause;
            const outcome = patch.outcome ?? before.outcome;
            const missing = [rootCause ? null : "rootCause", outcome ? null : "outcome"].filter((x) => x !== null);
            if (missing.length > 0)
              throw new BadRequestError("close_requires_root_cause_and_outcome", `${missing.join(" and ")}: required to close a case (set them in this update or an earlier one)`, {
                field: missing[0],
              });
            change("closedAt", "closed_at", now.toISOString());
          }
          if (isReopen(before.state, to)) {
            action = "reopened";
            const due = slaDeadlines(policy, before.trigger, before.severity, now);
            set.reopen_count = before.reopenCount + 1;
            changes.reopenCount = [before.reopenCount, before.reopenCount + 1];
            change("resolvedAt", "resolved_at", null);
            change("closedAt", "closed_at", null);
            change("resolutionBreachedAt", "resolution_breached_at", null);
            change("resolutionDue", "resolution_due", due.resolutionDue.toISOString());
          }
        }
        // The first response: the first human step on the case (leaving `open`, or a note).
        const responded = (patch.state !== undefined && before.state === "open" && patch.state !== "open") || patch.note !== undefined;
        if (responded && before.firstResponseAt === null) change("firstResponseAt", "first_response_at", now.toISOString());
        if (Object.keys(changes).length === 0 && patch.note === undefined)
          throw new BadRequestError("nothing_to_change", "the update changes nothing: give at least one of state, owner, team, note, rootCause, outcome with a new value");
        const onlyNote = patch.state === undefined && patch.owner === undefined && patch.team === undefined && patch.rootCause === undefined && patch.outcome === undefined;
        if (onlyNote) action = "note";
        const columns = Object.keys(set);
        const values = columns.map((c) => set[c]);
        const assignments = columns.map((c, i) => `${c} = $${i + 4}`);
        const upd = await tx.query(
          `UPDATE cases SET ${[...assignments, "version = version + 1", "updated_at = $3"].join(", ")} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenant, id, now, ...values],
        );
        const after = caseOfRow(upd.rows[0] as Row);
        await history(tx, after, patch.actor, action, changes, patch.note ?? null, now);
        return { before, case: after };
      });
    },

    async recordBreach(tenant, id, kind, escalateTo, now) {
      return store.transaction(async (tx) => {
        const guard =
          kind === "first_response"
            ? "first_response_breached_at IS NULL AND first_response_at IS NULL AND first_response_due <= $3"
            : "resolution_breached_at IS NULL AND resolved_at IS NULL AND resolution_due <= $3";
        const column = kind === "first_response" ? "first_response_breached_at" : "resolution_breached_at";
        const before = await tx.query(`SELECT * FROM cases WHERE tenant_id = $1 AND id = $2 AND state = ANY($4::text[]) AND ${guard} FOR UPDATE`, [tenant, id, now, ACTIVE_STATES]);
        const row = before.rows[0];
        if (!row) return null;
        const prior = caseOfRow(row);
        const reassign = escalateTo !== null && escalateTo !== prior.team;
        const upd = await tx.query(
          `UPDATE cases SET ${column} = $3, version = version + 1, updated_at = $3${reassign ? ", team = $4, owner = NULL" : ""} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          reassign ? [tenant, id, now, escalateTo] : [tenant, id, now],
        );
        const after = caseOfRow(upd.rows[0] as Row);
        const changes: Record<string, [unknown, unknown]> = { [kind === "first_response" ? "firstResponseBreachedAt" : "resolutionBreachedAt"]: [null, now.toISOString()] };
        if (reassign) {
          changes.team = [prior.team, escalateTo];
          changes.owner = [prior.owner, null];
        }
        await history(tx, after, "system:sla", "escalated", changes, `${kind.replace("_", " ")} SLA breached (due ${kind === "first_response" ? prior.firstResponseDue : prior.resolutionDue})`, now);
        return after;
      });
    },

    async history(tenant, id) {
      await load(store, tenant, id, false);
      const { rows } = await store.query(`SELECT * FROM case_history WHERE tenant_id = $1 AND case_id = $2 ORDER BY seq`, [tenant, id]);
      return rows.map((r) => ({
        seq: Number(r.seq),
        caseId: r.case_id as string,
        version: Number(r.version),
        at: iso(r.at) ?? "",
        actor: r.actor as string,
        action: r.action as string,
        changes: r.changes as Record<string, [unknown, unknown]>,
        note: (r.note as string | null) ?? null,
      }));
    },

    async ofCustomer(tenant, customerId, limit) {
      const { rows } = await store.query(`SELECT * FROM cases WHERE tenant_id = $1 AND customer_id = $2 ORDER BY created_at DESC, id LIMIT ${Math.max(1, Math.floor(limit))}`, [tenant, customerId]);
      return rows.map(caseOfRow);
    },
  };
}

/** Field rules of a patch, each failure naming the field and the rule. */
export function validatePatch(p: CasePatch): void {
  const bad = (field: string, rule: string) => new BadRequestError("invalid_case_update", `${field}: ${rule}`, { field });
  if (!Number.isInteger(p.version) || p.version < 1) throw bad("version", "must be the case's current version (a whole number ≥ 1), as read");
  if (typeof p.actor !== "string" || p.actor.trim().length === 0 || p.actor.length > 200) throw bad("actor", "must name who makes the change (1–200 characters)");
  if (p.state !== undefined && !(CASE_STATES as readonly string[]).includes(p.state)) throw bad("state", `must be one of ${CASE_STATES.join(", ")}`);
  if (p.owner !== undefined && p.owner !== null && (typeof p.owner !== "string" || p.owner.length === 0 || p.owner.length > 200)) throw bad("owner", "must be 1–200 characters, or null to unassign");
  if (p.team !== undefined && (typeof p.team !== "string" || !CODE.test(p.team))) throw bad("team", "must be a canonical name (lowercase letters, digits and _)");
  if (p.rootCause !== undefined && (typeof p.rootCause !== "string" || !CODE.test(p.rootCause))) throw bad("rootCause", "must be a root-cause code (lowercase letters, digits and _, e.g. billing_error)");
  if (p.outcome !== undefined && !(CASE_OUTCOMES as readonly string[]).includes(p.outcome)) throw bad("outcome", `must be one of ${CASE_OUTCOMES.join(", ")}`);
  if (p.note !== undefined && (typeof p.note !== "string" || p.note.trim().length === 0 || p.note.length > 5000)) throw bad("note", "must be 1–5000 characters");
}
