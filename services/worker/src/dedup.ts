import type { Reader } from "@pulse/clickhouse";
import type { IdClaims } from "./id-claims";

export interface Candidate {
  tenant: string;
  id: string;
  partition: number;
  offset: string;
}

/**
 * What is known about a candidate's id:
 * - `elsewhere`: another Kafka position holds it (an earlier message of the chunk, another
 *   partition's claim, or the id registry): a resent copy, dropped;
 * - `here`: the registry already holds this very position: the message was stored before (a
 *   re-delivery after a crash, a rewound or new consumer group);
 * - absent: new.
 */
export interface IdCheck {
  elsewhere: Set<Candidate>;
  here: Set<Candidate>;
}

/**
 * The same event id from the same tenant counts once, however often a source sends it, on
 * whatever partitions. First the chunk itself (the earliest offset wins), then id claims (atomic
 * across partitions that process copies at the same time), then the id registry (ids stored in
 * the last `windowDays`; its daily partitions older than that are not read).
 * Decisions are deterministic across retries: a claim and a registry row both name a position,
 * and a message always finds its own.
 */
export async function checkIds(reader: Pick<Reader, "query">, claims: IdClaims | null, candidates: Candidate[], windowDays = 7): Promise<IdCheck> {
  const out: IdCheck = { elsewhere: new Set(), here: new Set() };
  const firstInChunk = new Map<string, Candidate>();
  for (const c of candidates) {
    const k = `${c.tenant}\u0000${c.id}`;
    if (firstInChunk.has(k)) out.elsewhere.add(c);
    else firstInChunk.set(k, c);
  }
  const firsts = [...firstInChunk.values()];
  if (claims) {
    const holders = await claims.claim(firsts);
    firsts.forEach((c, i) => {
      const h = holders[i];
      if (h && (h.partition !== c.partition || h.offset !== c.offset)) out.elsewhere.add(c);
    });
  }
  const byTenant = new Map<string, string[]>();
  for (const c of firsts) {
    if (out.elsewhere.has(c)) continue;
    const ids = byTenant.get(c.tenant);
    if (ids) ids.push(c.id);
    else byTenant.set(c.tenant, [c.id]);
  }
  for (const [tenant, ids] of byTenant) {
    const rows = await reader.query<{ event_id: string; kafka_partition: number; kafka_offset: string | number }>(
      `SELECT event_id, kafka_partition, kafka_offset FROM event_ids
       WHERE stored_on >= today() - {days:UInt16} AND tenant = {tenant:String} AND event_id IN {ids:Array(String)}`,
      { tenant, ids, days: windowDays },
    );
    const seen = new Map<string, { partition: number; offset: string }[]>();
    for (const r of rows) {
      const at = { partition: r.kafka_partition, offset: String(r.kafka_offset) };
      const known = seen.get(r.event_id);
      if (known) known.push(at);
      else seen.set(r.event_id, [at]);
    }
    for (const id of ids) {
      const c = firstInChunk.get(`${tenant}\u0000${id}`);
      const positions = seen.get(id);
      if (!c || !positions) continue;
      if (positions.some((p) => p.partition !== c.partition || p.offset !== c.offset)) out.elsewhere.add(c);
      else out.here.add(c);
    }
  }
  return out;
}
