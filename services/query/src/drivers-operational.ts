/**
 * Drivers on operational data (`GET /v1/drivers?kind=operational`): how much what happened to a
 * customer before they answered a survey moves their NPS (or CSAT top-2), from @pulse/scoring's
 * `operationalDrivers` (OLS with HC3 intervals, LMG shares of R²).
 *
 * Unit of analysis: one survey answer (the respondent) with an NPS (or CSAT) answer in the range,
 * joined to the SAME customer's contacts in the look-back window before the answer
 * (`[answered − lookBackDays, answered)`, default 7 days). Only answers whose customer had at least
 * one call or contact in that window are analysed (a customer who never contacted us has no
 * operational experience to attribute). Drivers, each 0/1 for the respondent:
 *   waitedOver5Min   an answered call or contact with a wait > 300 s
 *   abandoned        a call abandoned before an agent answered
 *   transferred      a call with ≥ 1 transfer
 *   repeatContact    two or more calls/contacts in the window (they had to come back)
 *   openComplaint    a complaint opened in the window and not resolved before the answer
 * The answer's touchpoint is the one filtered by `touchpoint=` (drivers per surveyed touchpoint);
 * the contacts may be at any touchpoint. Limits: association, not causation (see @pulse/scoring);
 * customers are matched by customer_id only, so a source without stable customer ids contributes
 * nothing; repeatContact here is any second contact in the window, not the topic-matched FCR.
 */
import type { Reader } from "@pulse/clickhouse";
import { BadRequestError, PulseError } from "@pulse/kit";
import { csatTop2Outcome, npsOutcome, operationalDrivers, type OperationalDriversAnalysis } from "@pulse/scoring";
import { DIMENSIONS, iso, type Dimension, type Filters, type TimeRange } from "./params-fns";

export const OPERATIONAL_DRIVERS = ["waitedOver5Min", "abandoned", "transferred", "repeatContact", "openComplaint"] as const;
export const DEFAULT_LOOK_BACK_DAYS = 7;
export const MAX_LOOK_BACK_DAYS = 90;
export const LONG_WAIT_SECONDS = 300;

export type OperationalOutcome = "nps" | "csat";

export type OperationalDriversBody = {
  kind: "operational";
  outcome: OperationalOutcome;
  from: string;
  to: string;
  lookBackDays: number;
  filters: Filters;
  /** Answers in the range with the outcome and a customer id. */
  respondents: number;
  /** Of them, with at least one call or contact in the look-back window. */
  withContacts: number;
  /** The regression (n, r2, drivers with effect, interval, p, importance, dropped, …). */
  analysis: OperationalDriversAnalysis;
  unitOfAnalysis: string;
};

type Row = {
  outcome: number;
  contacts: number;
  long_wait: number;
  abandoned: number;
  transferred: number;
  opened: string[];
  resolved: string[];
};

export function buildOperationalQuery(args: { tenant: string; range: TimeRange; filters: Filters; lookBackDays: number; outcome: OperationalOutcome }): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {
    tenant: args.tenant,
    from: args.range.from,
    to: args.range.to,
    lookBackFrom: args.range.from - args.lookBackDays * 86_400_000,
    lookBackMs: args.lookBackDays * 86_400_000,
    longWait: LONG_WAIT_SECONDS,
  };
  const col = args.outcome === "nps" ? "nps" : "csat";
  let answerFilter = "";
  for (const [dim, values] of Object.entries(args.filters) as [Dimension, string[]][]) {
    if (values.length === 0) continue;
    params[`f_${dim}`] = values;
    answerFilter += ` AND ${DIMENSIONS[dim]} IN {f_${dim}:Array(String)}`;
  }
  const sql = `SELECT
  any(a.outcome) AS outcome,
  countIf(c.type IN ('call.completed', 'contact.completed')) AS contacts,
  countIf(c.type IN ('call.completed', 'contact.completed') AND ifNull(c.abandoned, 0) = 0 AND ifNull(c.wait_seconds, 0) > {longWait:Float64}) AS long_wait,
  countIf(c.type = 'call.completed' AND c.abandoned = 1) AS abandoned,
  countIf(c.type = 'call.completed' AND ifNull(c.transfers, 0) > 0) AS transferred,
  groupUniqArrayIf(c.complaint_id, c.type = 'complaint.opened') AS opened,
  groupUniqArrayIf(c.complaint_id, c.type = 'complaint.resolved') AS resolved
FROM (
  SELECT event_id, customer_id, occurred_at AS answered_at, assumeNotNull(${col}) AS outcome
  FROM feedback_events
  WHERE tenant = {tenant:String} AND type = 'survey.response' AND ${col} IS NOT NULL AND customer_id != ''
    AND occurred_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')${answerFilter}
) AS a
LEFT JOIN (
  SELECT customer_id, occurred_at, type, wait_seconds, abandoned, transfers, complaint_id
  FROM feedback_events
  WHERE tenant = {tenant:String} AND type IN ('call.completed', 'contact.completed', 'complaint.opened', 'complaint.resolved') AND customer_id != ''
    AND occurred_at >= fromUnixTimestamp64Milli({lookBackFrom:Int64}, 'UTC') AND occurred_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
) AS c ON c.customer_id = a.customer_id
  AND c.occurred_at < a.answered_at AND c.occurred_at >= a.answered_at - toIntervalSecond(intDiv({lookBackMs:Int64}, 1000))
GROUP BY a.event_id`;
  return { sql, params };
}

/** One respondent's drivers (0/1) and coded outcome. */
export function toOperationalRow(r: Row, outcome: OperationalOutcome) {
  const resolved = new Set(r.resolved);
  const contacts = Number(r.contacts);
  return {
    score: outcome === "nps" ? npsOutcome(Number(r.outcome)) : csatTop2Outcome(Number(r.outcome)),
    contacts,
    drivers: {
      waitedOver5Min: Number(r.long_wait) > 0,
      abandoned: Number(r.abandoned) > 0,
      transferred: Number(r.transferred) > 0,
      repeatContact: contacts >= 2,
      openComplaint: r.opened.some((id) => id !== "" && !resolved.has(id)),
    },
  };
}

export async function operationalDriversOf(
  reader: Reader,
  args: { tenant: string; range: TimeRange; filters: Filters; lookBackDays: number; outcome: OperationalOutcome },
): Promise<OperationalDriversBody> {
  const q = buildOperationalQuery(args);
  const raw = await reader.query<Row>(q.sql, q.params);
  const rows = raw.map((r) => toOperationalRow(r, args.outcome));
  const withContacts = rows.filter((r) => r.contacts > 0);
  const result = operationalDrivers(withContacts, { drivers: OPERATIONAL_DRIVERS });
  if (!result.ok) {
    throw new PulseError("insufficient_data", `operational drivers cannot be estimated: ${result.error.message} (${withContacts.length} respondents with contacts)`, {
      status: 422,
      details: { reason: result.error.code, respondents: rows.length, withContacts: withContacts.length },
    });
  }
  return {
    kind: "operational",
    outcome: args.outcome,
    from: iso(args.range.from),
    to: iso(args.range.to),
    lookBackDays: args.lookBackDays,
    filters: args.filters,
    respondents: rows.length,
    withContacts: withContacts.length,
    analysis: result.value,
    unitOfAnalysis: `one survey answer with ${args.outcome === "nps" ? "NPS" : "CSAT"} in the range, joined to the same customer's calls, contacts and complaints in the ${args.lookBackDays} days before it; answers without any contact in that window are left out`,
  };
}

export function parseLookBack(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOOK_BACK_DAYS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LOOK_BACK_DAYS)
    throw new BadRequestError("invalid_parameter", `lookBackDays must be a whole number of days 1–${MAX_LOOK_BACK_DAYS}`, { parameter: "lookBackDays", value });
  return n;
}

export function parseOutcome(value: string | undefined): OperationalOutcome {
  if (value === undefined || value === "nps") return "nps";
  if (value === "csat") return "csat";
  throw new BadRequestError("invalid_parameter", `outcome must be nps or csat`, { parameter: "outcome", value });
}
