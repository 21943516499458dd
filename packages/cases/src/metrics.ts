import { recoveryRate, recoveryStatsOf, wilsonInterval, type Interval, type RecoveryRate } from "@pulse/scoring";
import type { Queryable } from "@pulse/store";

/**
 * Loop metrics of the follow-up cases opened in [from, to), per touchpoint or team, computed from
 * the case records themselves (exact for any window: nothing is pre-aggregated that could fail
 * to merge). Durations are seconds from the case's opening; percentiles interpolate linearly
 * (Postgres percentile_cont).
 *
 * - opened: cases opened in the window;
 * - firstResponse / resolution: p50, p90 and n over the cases that got one;
 * - slaHit (first response and resolution): met / decided, with a Wilson interval. Met: done by
 *   the deadline and never escalated; missed: done late, escalated, or still not done past the
 *   deadline at `now`; decided: met or missed (the rest are still running);
 * - closureRate: closed / opened.
 */
export type LoopGroupBy = "touchpoint" | "team";
export const LOOP_GROUP_BY: readonly LoopGroupBy[] = ["touchpoint", "team"];

export interface Rate {
  value: number | null;
  count: number;
  n: number;
  ci95: Interval | null;
}

export interface LoopMetrics {
  key: string;
  opened: number;
  firstResponse: { n: number; p50Seconds: number | null; p90Seconds: number | null };
  resolution: { n: number; p50Seconds: number | null; p90Seconds: number | null };
  slaHit: { firstResponse: Rate; resolution: Rate };
  closureRate: Rate;
}

const rate = (count: number, n: number): Rate => ({ value: n === 0 ? null : count / n, count, n, ci95: wilsonInterval(count, n) });

export async function loopMetrics(q: Queryable, tenant: string, o: { from: Date; to: Date; groupBy: LoopGroupBy; now: Date }): Promise<LoopMetrics[]> {
  const col = o.groupBy === "team" ? "team" : "touchpoint";
  const { rows } = await q.query<{
    key: string | null;
    opened: number;
    fr_n: number;
    fr_p50: number | null;
    fr_p90: number | null;
    rs_n: number;
    rs_p50: number | null;
    rs_p90: number | null;
    fr_met: number;
    fr_decided: number;
    rs_met: number;
    rs_decided: number;
    closed: number;
  }>(
    `WITH c AS (
       SELECT coalesce(${col}, '') AS key, state,
              extract(epoch FROM first_response_at - created_at)::float8 AS fr,
              extract(epoch FROM resolved_at - created_at)::float8 AS rs,
              first_response_at IS NOT NULL AND first_response_at <= first_response_due AND first_response_breached_at IS NULL AS fr_met,
              (first_response_at IS NOT NULL AND first_response_at > first_response_due) OR first_response_breached_at IS NOT NULL
                OR (first_response_at IS NULL AND first_response_due <= $4) AS fr_missed,
              resolved_at IS NOT NULL AND resolved_at <= resolution_due AND resolution_breached_at IS NULL AS rs_met,
              (resolved_at IS NOT NULL AND resolved_at > resolution_due) OR resolution_breached_at IS NOT NULL
                OR (resolved_at IS NULL AND resolution_due <= $4) AS rs_missed
       FROM cases WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
     )
     SELECT key, count(*) AS opened,
            count(fr) AS fr_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY fr) AS fr_p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY fr) AS fr_p90,
            count(rs) AS rs_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY rs) AS rs_p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY rs) AS rs_p90,
            count(*) FILTER (WHERE fr_met) AS fr_met, count(*) FILTER (WHERE fr_met OR fr_missed) AS fr_decided,
            count(*) FILTER (WHERE rs_met) AS rs_met, count(*) FILTER (WHERE rs_met OR rs_missed) AS rs_decided,
            count(*) FILTER (WHERE state = 'closed') AS closed
     FROM c GROUP BY key ORDER BY key`,
    [tenant, o.from, o.to, o.now],
  );
  return rows.map((r) => ({
    key: r.key ?? "",
    opened: r.opened,
    firstResponse: { n: r.fr_n, p50Seconds: r.fr_p50, p90Seconds: r.fr_p90 },
    resolution: { n: r.rs_n, p50Seconds: r.rs_p50, p90Seconds: r.rs_p90 },
    slaHit: { firstResponse: rate(r.fr_met, r.fr_decided), resolution: rate(r.rs_met, r.rs_decided) },
    closureRate: rate(r.closed, r.opened),
  }));
}

/** A followed-up customer: the earliest followed-up case of the window per customer and group. */
export interface FollowedUp {
  key: string;
  customerId: string;
  /** When the follow-up happened (the case's first response). */
  followedUpAt: Date;
  /** The NPS answer that opened the case, if it was one. */
  before: number | null;
}

/** The cases opened in [from, to) that were followed up (got a first response), one per customer and group. */
export async function followedUpCustomers(q: Queryable, tenant: string, o: { from: Date; to: Date; groupBy: LoopGroupBy }): Promise<FollowedUp[]> {
  const col = o.groupBy === "team" ? "team" : "touchpoint";
  const { rows } = await q.query<{ key: string | null; customer_id: string; first_response_at: Date; evidence: { score?: { kind: string; value: number } } }>(
    `SELECT DISTINCT ON (coalesce(${col}, ''), customer_id) coalesce(${col}, '') AS key, customer_id, first_response_at, evidence
     FROM cases
     WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND first_response_at IS NOT NULL AND customer_id IS NOT NULL
     ORDER BY coalesce(${col}, ''), customer_id, created_at, id`,
    [tenant, o.from, o.to],
  );
  return rows.map((r) => ({
    key: r.key ?? "",
    customerId: r.customer_id,
    followedUpAt: r.first_response_at,
    before: r.evidence.score?.kind === "nps" ? r.evidence.score.value : null,
  }));
}

/**
 * The recovery rate per group (@pulse/scoring's recoveryRate): for each followed-up customer, the
 * first NPS answer after the follow-up (`answers`: that customer's NPS answers, any order).
 */
export function recoveryByGroup(followed: readonly FollowedUp[], answers: ReadonlyMap<string, readonly { at: Date; nps: number }[]>): Map<string, RecoveryRate> {
  const groups = new Map<string, { before: number | null; after: number | null }[]>();
  for (const f of followed) {
    const later = (answers.get(f.customerId) ?? []).filter((a) => a.at.getTime() > f.followedUpAt.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
    const list = groups.get(f.key) ?? [];
    list.push({ before: f.before, after: later[0]?.nps ?? null });
    groups.set(f.key, list);
  }
  return new Map([...groups].map(([k, list]) => [k, recoveryRate(recoveryStatsOf(list))]));
}
