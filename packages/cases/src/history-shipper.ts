import type { Writer } from "@pulse/clickhouse";
import type { Logger } from "@pulse/kit";
import type { Store } from "@pulse/store";

/** ClickHouse `case_history` columns (migrations 0013 and 0014), in insert order. */
export const CASE_HISTORY_COLUMNS = [
  "tenant",
  "case_id",
  "seq",
  "version",
  "at",
  "actor",
  "action",
  "changes",
  "note",
  "event_id",
  "trigger",
  "severity",
  "customer_id",
  "touchpoint",
  "channel",
  "segment",
  "team",
  "owner",
  "state",
  "root_cause",
  "outcome",
  "case_created_at",
  "case_version",
  "opened_team",
  "before_nps",
  "first_response_due",
  "resolution_due",
  "first_response_at",
  "resolved_at",
  "first_response_breached_at",
  "resolution_breached_at",
] as const;

type Row = {
  seq: number;
  case_id: string;
  tenant_id: string;
  version: number;
  at: Date;
  actor: string;
  action: string;
  changes: unknown;
  note: string | null;
  event_id: string;
  trigger: string;
  severity: string;
  customer_id: string | null;
  touchpoint: string | null;
  channel: string | null;
  segment: string | null;
  team: string | null;
  owner: string | null;
  state: string;
  root_cause: string | null;
  outcome: string | null;
  created_at: Date;
  case_version: number;
  opened_team: string | null;
  before_nps: number | null;
  first_response_due: Date;
  resolution_due: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  first_response_breached_at: Date | null;
  resolution_breached_at: Date | null;
};

/** A time as ClickHouse's DateTime64(3) text, UTC. */
export function chTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
const chTimeOrNull = (d: Date | null): string | null => (d === null ? null : chTime(d));

/**
 * Copies committed case history from the store to ClickHouse (migrations 0013, 0014): the rows
 * not yet marked shipped, oldest first, in batches; insert (token = the batch's seq range), then
 * mark. Each row carries a snapshot of its case as read now (`case_version` and the SLA fields,
 * the team it was opened for: the `created` row's team), which feeds the loop-metrics rollup
 * `case_loop_hour`. A crash between insert and mark ships the batch again: the token and the
 * ReplacingMergeTree on seq keep one history row, and the rollup's snapshot set holds each
 * snapshot once. Several workers may run it: `FOR UPDATE SKIP LOCKED` gives each its own rows.
 */
export function createCaseHistoryShipper(deps: { store: Store; writer: Pick<Writer, "insert">; logger: Logger; batch?: number }) {
  const batch = deps.batch ?? 1000;
  async function shipOnce(): Promise<number> {
    return deps.store.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(
        `SELECT h.seq, h.case_id, h.tenant_id, h.version, h.at, h.actor, h.action, h.changes, h.note,
                c.event_id, c.trigger, c.severity, c.customer_id, c.touchpoint, c.channel, c.segment, c.team, c.owner, c.state,
                c.root_cause, c.outcome, c.created_at, c.version AS case_version,
                coalesce((SELECT o.changes->'team'->>1 FROM case_history o WHERE o.case_id = h.case_id AND o.action = 'created' ORDER BY o.seq LIMIT 1), c.team) AS opened_team,
                CASE WHEN c.evidence->'score'->>'kind' = 'nps' THEN (c.evidence->'score'->>'value')::int END AS before_nps,
                c.first_response_due, c.resolution_due, c.first_response_at, c.resolved_at, c.first_response_breached_at, c.resolution_breached_at
         FROM case_history h JOIN cases c ON c.id = h.case_id
         WHERE h.shipped_at IS NULL ORDER BY h.seq LIMIT ${batch} FOR UPDATE OF h SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      const values = rows.map((r) => [
        r.tenant_id,
        r.case_id,
        r.seq,
        r.version,
        chTime(r.at),
        r.actor,
        r.action,
        JSON.stringify(r.changes),
        r.note ?? "",
        r.event_id,
        r.trigger,
        r.severity,
        r.customer_id ?? "",
        r.touchpoint ?? "",
        r.channel ?? "",
        r.segment ?? "",
        r.team ?? "",
        r.owner ?? "",
        r.state,
        r.root_cause ?? "",
        r.outcome ?? "",
        chTime(r.created_at),
        r.case_version,
        r.opened_team ?? "",
        r.before_nps,
        chTime(r.first_response_due),
        chTime(r.resolution_due),
        chTimeOrNull(r.first_response_at),
        chTimeOrNull(r.resolved_at),
        chTimeOrNull(r.first_response_breached_at),
        chTimeOrNull(r.resolution_breached_at),
      ]);
      const first = rows[0]?.seq ?? 0;
      const last = rows[rows.length - 1]?.seq ?? 0;
      await deps.writer.insert("case_history", CASE_HISTORY_COLUMNS, values, { dedupToken: `case-history:${first}-${last}:${rows.length}` });
      await tx.query("UPDATE case_history SET shipped_at = now() WHERE seq = ANY($1::bigint[])", [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return {
    /** Ships until nothing is left; returns the rows shipped. */
    async shipAll(): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await shipOnce();
        total += n;
        if (n < batch) return total;
      }
    },
    start(intervalMs = 5000): void {
      timer = setInterval(() => {
        running = running.then(() => this.shipAll()).catch((err: unknown) => deps.logger.warn({ err }, "case history shipping failed; retrying"));
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type CaseHistoryShipper = ReturnType<typeof createCaseHistoryShipper>;
