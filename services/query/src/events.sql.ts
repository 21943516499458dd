/**
 * SQL over feedback_events (the raw table) for what the rollups cannot answer: complaint topics
 * and per-respondent survey answers. Same rule as rollup.sql.ts: constant text, whitelisted
 * columns, every value a bound parameter.
 */
import { DIMENSIONS, type Dimension, type Filters, type TimeRange } from "./params-fns";
import type { BuiltQuery } from "./rollup.sql";

function baseWhere(tenant: string, range: TimeRange, filters: Filters, params: Record<string, unknown>): string {
  params.tenant = tenant;
  params.from = range.from;
  params.to = range.to;
  let sql = `tenant = {tenant:String}
  AND occurred_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
  for (const [dim, values] of Object.entries(filters) as [Dimension, string[]][]) {
    if (values.length === 0) continue;
    params[`f_${dim}`] = values;
    sql += ` AND ${DIMENSIONS[dim]} IN {f_${dim}:Array(String)}`;
  }
  return sql;
}

/** The `limit` most frequent topics of complaints opened per touchpoint. */
export function buildComplaintTopicsQuery(args: { tenant: string; range: TimeRange; filters: Filters; limit: number }): BuiltQuery {
  const params: Record<string, unknown> = { limit: args.limit };
  const sql = `SELECT touchpoint, topic, count() AS count
FROM feedback_events
ARRAY JOIN topics AS topic
WHERE ${baseWhere(args.tenant, args.range, args.filters, params)} AND type = 'complaint.opened'
GROUP BY touchpoint, topic
ORDER BY touchpoint, count DESC, topic
LIMIT {limit:UInt32} BY touchpoint`;
  return { sql, params };
}

/**
 * One row per respondent (survey_id, customer_id) who gave an overall NPS answer: the earliest NPS
 * answer of that survey, and the CSAT answers of the survey's other rows with their touchpoints.
 */
export function buildRespondentsQuery(args: { tenant: string; range: TimeRange; filters: Filters }): BuiltQuery {
  const params: Record<string, unknown> = {};
  const sql = `SELECT
  survey_id,
  customer_id,
  argMinIf(assumeNotNull(nps), occurred_at, nps IS NOT NULL) AS overall,
  groupArrayIf(toString(touchpoint), csat IS NOT NULL AND nps IS NULL) AS touchpoints,
  groupArrayIf(assumeNotNull(csat), csat IS NOT NULL AND nps IS NULL) AS scores
FROM feedback_events
WHERE ${baseWhere(args.tenant, args.range, args.filters, params)}
  AND type = 'survey.response' AND survey_id != '' AND customer_id != ''
GROUP BY survey_id, customer_id
HAVING countIf(nps IS NOT NULL) > 0`;
  return { sql, params };
}
