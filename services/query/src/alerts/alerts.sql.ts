/**
 * What the alert evaluator reads from the rollups: per-minute tallies per touchpoint, and each
 * touchpoint's baseline over whole days before a day. Values only ever reach SQL as bound parameters.
 */
import type { Reader } from "@pulse/clickhouse";
import { METRICS, addTally, tallyOf, type Alert, type AlertContext, type Baseline, type Tally } from "@pulse/alerting";
import type { AlertMetric } from "@pulse/catalogue";

export const DAY_MS = 86_400_000;

const SUMS = `sum(events) AS events, sum(nps_n) AS npsN, sum(nps_promoters) AS promoters, sum(nps_detractors) AS detractors,
  sum(csat_n) AS csatN, sum(csat_top2) AS csatTop2, sum(ces_n) AS cesN, sum(ces_sum) AS cesSum, sum(ces_sum_sq) AS cesSumSq,
  sum(calls_offered) AS calls, sum(calls_abandoned) AS abandoned, sum(wait_n) AS waitN, sum(wait_ms_sum) / 1000 AS waitSum,
  sum(wait_sq_sum) AS waitSumSq, sum(contacts) AS contacts, sum(complaints_opened) AS complaints`;

type TallyRow = Record<keyof Tally, number> & { touchpoint: string };

const secs = (ms: number): number => Math.floor(ms / 1000);

function toTally(r: TallyRow): Tally {
  const { touchpoint: _tp, ...rest } = r;
  const t: Partial<Record<keyof Tally, number>> = {};
  for (const [k, v] of Object.entries(rest)) t[k as keyof Tally] = Number(v);
  return tallyOf(t);
}

/** touchpoint → minute (epoch ms) → tally, over [from, to). */
export async function readMinuteTallies(reader: Reader, tenant: string, from: number, to: number): Promise<Map<string, Map<number, Tally>>> {
  const rows = await reader.query<TallyRow & { t: number }>(
    `SELECT touchpoint, toUnixTimestamp(bucket) AS t, ${SUMS}
     FROM rollup_minute
     WHERE tenant = {tenant:String} AND bucket >= toDateTime({from:UInt32}, 'UTC') AND bucket < toDateTime({to:UInt32}, 'UTC')
     GROUP BY touchpoint, t`,
    { tenant, from: secs(from), to: secs(to) },
  );
  const out = new Map<string, Map<number, Tally>>();
  for (const r of rows) {
    let m = out.get(r.touchpoint);
    if (!m) out.set(r.touchpoint, (m = new Map<number, Tally>()));
    const { t, ...rest } = r;
    m.set(Number(t) * 1000, toTally(rest));
  }
  return out;
}

/**
 * Baselines of every touchpoint with history in the `days` whole days before `dayStart`: the tally,
 * the days since its first data in that span, and events per minute per hour of the week (Monday
 * 00:00 UTC first), averaged over the hours of that kind in the span.
 */
export async function readBaselines(reader: Reader, tenant: string, dayStart: number, days: number): Promise<Map<string, Baseline>> {
  const from = dayStart - days * DAY_MS;
  const rows = await reader.query<TallyRow & { how: number; first: number }>(
    `SELECT touchpoint, (toDayOfWeek(bucket) - 1) * 24 + toHour(bucket) AS how, min(toUnixTimestamp(bucket)) AS first, ${SUMS}
     FROM rollup_hour
     WHERE tenant = {tenant:String} AND bucket >= toDateTime({from:UInt32}, 'UTC') AND bucket < toDateTime({to:UInt32}, 'UTC')
     GROUP BY touchpoint, how`,
    { tenant, from: secs(from), to: secs(dayStart) },
  );
  const byTp = new Map<string, Array<TallyRow & { how: number; first: number }>>();
  for (const r of rows) {
    const list = byTp.get(r.touchpoint) ?? [];
    list.push(r);
    byTp.set(r.touchpoint, list);
  }
  const out = new Map<string, Baseline>();
  for (const [tp, list] of byTp) {
    const firstDay = Math.floor((Math.min(...list.map((r) => Number(r.first))) * 1000) / DAY_MS) * DAY_MS;
    const span = Math.max(1, Math.round((dayStart - firstDay) / DAY_MS));
    // how many times each hour of the week occurs in [firstDay, dayStart)
    const occurrences = new Array<number>(168).fill(0);
    for (let d = firstDay; d < dayStart; d += DAY_MS) {
      const dow = (new Date(d).getUTCDay() + 6) % 7;
      for (let h = 0; h < 24; h++) occurrences[dow * 24 + h]! += 1;
    }
    const rates = new Array<number>(168).fill(0);
    let tally = tallyOf({});
    for (const r of list) {
      const { how, first: _f, ...rest } = r;
      const t = toTally(rest);
      tally = addTally(tally, t);
      const occ = occurrences[Number(how)] ?? 0;
      if (occ > 0) rates[Number(how)] = t.events / (occ * 60);
    }
    out.set(tp, { days: span, tally, eventsPerMinute: rates });
  }
  return out;
}

/**
 * What explains an alert, over [from, to) at its touchpoint: the metric per channel and segment
 * with its contribution to the gap from the reference, the top topics of complaints and unhappy
 * answers, and the latest comments (the worker stores text already redacted).
 */
export async function readAlertContext(reader: Reader, tenant: string, alert: Alert, from: number, to: number): Promise<AlertContext> {
  const p = { tenant, tp: alert.touchpoint, from: secs(from), to: secs(to) };
  const [groups, topics, comments] = await Promise.all([
    reader.query<TallyRow & { channel: string; segment: string }>(
      `SELECT touchpoint, channel, segment, ${SUMS} FROM rollup_minute
       WHERE tenant = {tenant:String} AND touchpoint = {tp:String} AND bucket >= toDateTime({from:UInt32}, 'UTC') AND bucket < toDateTime({to:UInt32}, 'UTC')
       GROUP BY touchpoint, channel, segment`,
      p,
    ),
    reader.query<{ topic: string; count: number }>(
      `SELECT topic, count() AS count FROM feedback_events ARRAY JOIN topics AS topic
       WHERE tenant = {tenant:String} AND touchpoint = {tp:String} AND occurred_at >= toDateTime64({from:UInt32}, 3, 'UTC') AND occurred_at < toDateTime64({to:UInt32}, 3, 'UTC')
         AND (type = 'complaint.opened' OR ifNull(nps, 10) <= 6 OR ifNull(csat, 5) <= 2)
       GROUP BY topic ORDER BY count DESC, topic LIMIT 5`,
      p,
    ),
    reader.query<{ at: string; text: string }>(
      `SELECT toString(occurred_at) AS at, substring(text, 1, 280) AS text FROM feedback_events
       WHERE tenant = {tenant:String} AND touchpoint = {tp:String} AND occurred_at >= toDateTime64({from:UInt32}, 3, 'UTC') AND occurred_at < toDateTime64({to:UInt32}, 3, 'UTC') AND text != ''
       ORDER BY occurred_at DESC, event_id LIMIT 3`,
      p,
    ),
  ]);
  const m = alert.metric === "fcr" ? null : METRICS[alert.metric as Exclude<AlertMetric, "fcr">];
  const rows = groups.map((g) => ({ channel: g.channel, segment: g.segment, t: toTally(g) }));
  const total = m ? rows.reduce((a, r) => a + m.n(r.t), 0) : 0;
  const ref = alert.evidence.reference.value;
  const breakdown = rows
    .map((r) => {
      const s = m ? m.score(r.t) : null;
      const n = m ? m.n(r.t) : 0;
      const value = s?.value ?? null;
      return { channel: r.channel, segment: r.segment, n, value, contribution: value === null || total === 0 ? null : (n / total) * (value - ref) };
    })
    .sort((a, b) => (a.contribution ?? 0) * -alertBad(alert) - (b.contribution ?? 0) * -alertBad(alert) || b.n - a.n);
  return { window: { from, to }, breakdown, topics: topics.map((t) => ({ topic: t.topic, count: Number(t.count) })), comments };
}

/** +1 when higher values are worse for the alert's metric. */
function alertBad(alert: Alert): number {
  return alert.metric === "fcr" ? -1 : METRICS[alert.metric as Exclude<AlertMetric, "fcr">].bad;
}
