import type { Redis } from "@pulse/redis";

/** A message's place in the log: what an id claim holds. */
export interface Position {
  partition: number;
  offset: string;
}

export interface ClaimRequest extends Position {
  tenant: string;
  id: string;
}

export interface IdClaims {
  /**
   * Claims each (tenant, id) for its position, atomically per id: the first position to claim an id
   * keeps it. Returns, per request (same order), the position that holds the claim now — the
   * request's own one, or another partition's that claimed it first.
   */
  claim(requests: readonly ClaimRequest[]): Promise<Position[]>;
}

/**
 * How long a claim lives. It only has to cover the time two copies of an id can both be in flight
 * (read by two partitions, neither stored yet); after that the id registry in ClickHouse knows the
 * stored copy. An hour covers a stuck partition's retries; longer would only cost memory.
 */
export const CLAIM_SECONDS = 3600;

/**
 * Id claims in Redis. Copies of one id on two partitions (the sender changed the customer id on a
 * retry, or the partition count changed) are processed by different consumers at the same time;
 * without a claim both could look the id up before either stored it, and both would count.
 * Tenants and ids never contain '/', so `claim:<tenant>/<id>` cannot collide.
 */
export function createRedisIdClaims(redis: Redis): IdClaims {
  return {
    async claim(requests) {
      if (requests.length === 0) return [];
      // One command per id: SET … NX GET (Redis 7.0+) sets the claim when there is none and
      // answers nil, or leaves the existing claim and answers it. Atomic per id, like the claim.
      const p = redis.pipeline();
      for (const r of requests) p.set(`claim:${r.tenant}/${r.id}`, `${r.partition}@${r.offset}`, "EX", CLAIM_SECONDS, "NX", "GET");
      const res = (await p.exec()) ?? [];
      return requests.map((r, i) => {
        const [err, held] = res[i] ?? [new Error("no reply"), null];
        if (err) throw err;
        // nil: this request set the claim (there was none, or the old one had expired).
        if (typeof held !== "string") return { partition: r.partition, offset: r.offset };
        const at = held.indexOf("@");
        return { partition: Number(held.slice(0, at)), offset: held.slice(at + 1) };
      });
    },
  };
}
