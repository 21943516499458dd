import type { Reader } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";

/**
 * Hours from complaint.opened to complaint.resolved, looked up once per chunk: first among the
 * chunk's own events, then in ClickHouse (complaints_opened, a primary-key lookup). Unknown when
 * the opening was never seen.
 */
export async function hoursToResolve(reader: Pick<Reader, "query">, items: { tenant: string; event: FeedbackEvent }[]): Promise<Map<FeedbackEvent, number>> {
  const out = new Map<FeedbackEvent, number>();
  const resolved = items.filter((i) => i.event.type === "complaint.resolved");
  if (resolved.length === 0) return out;
  const opened = new Map<string, number>();
  for (const i of items) {
    if (i.event.type === "complaint.opened") opened.set(`${i.tenant}\u0000${i.event.body.complaintId}`, Date.parse(i.event.occurredAt));
  }
  const missing = new Map<string, string[]>();
  for (const i of resolved) {
    if (i.event.type !== "complaint.resolved") continue;
    const k = `${i.tenant}\u0000${i.event.body.complaintId}`;
    if (opened.has(k)) continue;
    const ids = missing.get(i.tenant);
    if (ids) ids.push(i.event.body.complaintId);
    else missing.set(i.tenant, [i.event.body.complaintId]);
  }
  for (const [tenant, ids] of missing) {
    const rows = await reader.query<{ complaint_id: string; opened: string }>(
      `SELECT complaint_id, toString(min(opened_at)) AS opened FROM complaints_opened
       WHERE tenant = {tenant:String} AND complaint_id IN {ids:Array(String)}
       GROUP BY complaint_id`,
      { tenant, ids },
    );
    for (const r of rows) opened.set(`${tenant}\u0000${r.complaint_id}`, Date.parse(`${r.opened.replace(" ", "T")}Z`));
  }
  for (const i of resolved) {
    if (i.event.type !== "complaint.resolved") continue;
    const at = opened.get(`${i.tenant}\u0000${i.event.body.complaintId}`);
    if (at !== undefined) out.set(i.event, Math.max(0, (Date.parse(i.event.body.resolvedAt) - at) / 3_600_000));
  }
  return out;
}
