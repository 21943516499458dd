import type { Reader } from "@pulse/clickhouse";
import { recoveryRate, recoveryStatsOf, wilsonInterval, type Interval, type RecoveryRate } from "@pulse/scoring";

/**
 * Loop metrics of the follow-up cases opened in [from, to), per touchpoint or team, served from
 * ClickHouse's rollup `case_loop_hour` (migration 0014): per tenant, touchpoint, team and hour of
 * opening, the set of case snapshots shipped with the case history. The hours that overlap the
 * window are merged (a set union: exact, and a snapshot shipped twice is in the set once), each
 * case keeps its snapshot of highest version (the case as last shipped), and the cases opened
 * inside [from, to) to the millisecond count, so any window is exact, aligned to hours or not.
 * Durations are seconds from the case's opening; percentiles interpolate linearly between the
 * two nearest values (ClickHouse quantileExactInclusive, the same rule as Postgres
 * percentile_cont), over every value: exact, not a sketch.
 *
 * - opened: cases opened in the window;
 * - firstResponse / resolution: p50, p90 and n over the cases that got one (resolution: the
 *   current one; a reopen clears it until the case is resolved again);
 * - slaHit (first response and resolution): met / decided, with a Wilson interval. Met: done by
 *   the deadline and never escalated; missed: done late, escalated, or still not done past the
 *   deadline at `now`; decided: met or missed (the rest are still running). A reopen starts a new
 *   resolution deadline, and the resolution counts against it;
 * - closureRate: closed (now) / opened.
 *
 * The team is the one the case was opened for (the routing rules' choice): escalation and
 * reassignment move the work, not the case's place in the metrics. The figures are as of the last
 * shipped history row (the worker ships every few seconds).
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

/**
 * SQL of the latest snapshot of every case opened in [{from}, {to}) (epoch ms) of tenant {t}, one
 * row per case: key, case_id, created, customer_id, before_nps, state, and the SLA fields.
 */
function latestCases(groupBy: LoopGroupBy): string {
  const key = groupBy === "team" ? "team" : "touchpoint";
  return `SELECT key, c.1 AS case_id, c.3 AS created, c.4 AS customer_id, c.5 AS before_nps, c.6 AS state,
                 c.7 AS fr_due, c.8 AS rs_due, c.9 AS fr_at, c.10 AS rs_at, c.11 AS fr_breached, c.12 AS rs_breached
          FROM (
            SELECT key, argMax(s, s.2) AS c
            FROM (
              SELECT ${key} AS key, arrayJoin(groupUniqArrayMerge(snapshots)) AS s
              FROM case_loop_hour
              WHERE tenant = {t:String}
                AND bucket >= toStartOfHour(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))
                AND bucket < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
              GROUP BY touchpoint, team
            )
            GROUP BY key, s.1
          )
          WHERE c.3 >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND c.3 < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
}

const ms = (col: string) => `toUnixTimestamp64Milli(${col})`;
const seconds = (at: string) => `(${ms(at)} - ${ms("created")}) / 1000`;

export async function loopMetrics(reader: Reader, tenant: string, o: { from: Date; to: Date; groupBy: LoopGroupBy; now: Date }): Promise<LoopMetrics[]> {
  const now = "fromUnixTimestamp64Milli({now:Int64}, 'UTC')";
  const rows = await reader.query<{
    key: string;
    opened: number;
    fr_n: number;
    fr_q: (number | null)[] | null;
    rs_n: number;
    rs_q: (number | null)[] | null;
    fr_met_n: number;
    fr_decided: number;
    rs_met_n: number;
    rs_decided: number;
    closed: number;
  }>(
    `SELECT key, count() AS opened,
            countIf(fr_at IS NOT NULL) AS fr_n, quantilesExactInclusive(0.5, 0.9)(${seconds("fr_at")}) AS fr_q,
            countIf(rs_at IS NOT NULL) AS rs_n, quantilesExactInclusive(0.5, 0.9)(${seconds("rs_at")}) AS rs_q,
            countIf(fr_met) AS fr_met_n, countIf(fr_met OR fr_missed) AS fr_decided,
            countIf(rs_met) AS rs_met_n, countIf(rs_met OR rs_missed) AS rs_decided,
            countIf(state = 'closed') AS closed
     FROM (
       SELECT *,
              fr_at IS NOT NULL AND fr_at <= fr_due AND fr_breached IS NULL AS fr_met,
              (fr_at IS NOT NULL AND fr_at > fr_due) OR fr_breached IS NOT NULL OR (fr_at IS NULL AND fr_due <= ${now}) AS fr_missed,
              rs_at IS NOT NULL AND rs_at <= rs_due AND rs_breached IS NULL AS rs_met,
              (rs_at IS NOT NULL AND rs_at > rs_due) OR rs_breached IS NOT NULL OR (rs_at IS NULL AND rs_due <= ${now}) AS rs_missed
       FROM (${latestCases(o.groupBy)})
     )
     GROUP BY key ORDER BY key`,
    { t: tenant, from: o.from.getTime(), to: o.to.getTime(), now: o.now.getTime() },
  );
  const q = (n: number, qs: (number | null)[] | null, i: number): number | null => (n === 0 ? null : Number(qs?.[i]));
  return rows.map((r) => {
    const frN = Number(r.fr_n);
    const rsN = Number(r.rs_n);
    return {
      key: r.key,
      opened: Number(r.opened),
      firstResponse: { n: frN, p50Seconds: q(frN, r.fr_q, 0), p90Seconds: q(frN, r.fr_q, 1) },
      resolution: { n: rsN, p50Seconds: q(rsN, r.rs_q, 0), p90Seconds: q(rsN, r.rs_q, 1) },
      slaHit: { firstResponse: rate(Number(r.fr_met_n), Number(r.fr_decided)), resolution: rate(Number(r.rs_met_n), Number(r.rs_decided)) },
      closureRate: rate(Number(r.closed), Number(r.opened)),
    };
  });
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

/**
 * The cases opened in [from, to) that were followed up (got a first response), one per customer
 * and group (the earliest, ties by case id), from the same rollup as loopMetrics.
 */
export async function followedUpCustomers(reader: Reader, tenant: string, o: { from: Date; to: Date; groupBy: LoopGroupBy }): Promise<FollowedUp[]> {
  const rows = await reader.query<{ key: string; customer_id: string; fr: number | string; before_nps: number | null }>(
    `SELECT key, customer_id, toUnixTimestamp64Milli(fr_at) AS fr, before_nps
     FROM (${latestCases(o.groupBy)})
     WHERE fr_at IS NOT NULL AND customer_id != ''
     ORDER BY key, customer_id, created, case_id
     LIMIT 1 BY key, customer_id`,
    { t: tenant, from: o.from.getTime(), to: o.to.getTime() },
  );
  return rows.map((r) => ({
    key: r.key,
    customerId: r.customer_id,
    followedUpAt: new Date(Number(r.fr)),
    before: r.before_nps === null ? null : Number(r.before_nps),
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
