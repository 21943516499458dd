import type { Reader } from "@pulse/clickhouse";

export interface Candidate {
  tenant: string;
  id: string;
  partition: number;
  offset: string;
}

/**
 * The same event id from the same tenant counts once, however often a source sends it.
 * A candidate is a duplicate when the registry (or an earlier message of the same chunk) holds the
 * id at a DIFFERENT Kafka position. A re-delivery of the very same message after a crash finds its
 * own position and is processed again, producing the identical chunk, which the insert token
 * then deduplicates. This keeps the decision deterministic across retries.
 * Ids are remembered for `windowDays` (the registry's daily partitions older than that are not read).
 */
export async function findDuplicates(reader: Pick<Reader, "query">, candidates: Candidate[], windowDays = 7): Promise<Set<Candidate>> {
  const dups = new Set<Candidate>();
  const firstInChunk = new Map<string, Candidate>();
  for (const c of candidates) {
    const k = `${c.tenant}\u0000${c.id}`;
    const prior = firstInChunk.get(k);
    if (prior) dups.add(c);
    else firstInChunk.set(k, c);
  }
  const byTenant = new Map<string, string[]>();
  for (const c of firstInChunk.values()) {
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
      if (positions.some((p) => p.partition !== c.partition || p.offset !== c.offset)) dups.add(c);
    }
  }
  return dups;
}
