import type { Redis } from "@pulse/redis";

/** What a worker last did on one partition: read by `pulse status`. */
export interface PartitionState {
  partition: number;
  /** The next offset to read (the last committed one). */
  committed?: string;
  /** When it last committed (ms). */
  committedAt?: number;
  /** The newest Kafka timestamp among the events stored by that commit (ms): the freshness watermark. */
  watermark?: number;
  /** Set while chunks fail: since when, how often, and the last error. */
  failingSince?: number;
  attempts?: number;
  error?: string;
  /** Which worker process wrote this. */
  worker?: string;
}

/** When a tenant's events were last stored, and the newest Kafka timestamp among them. */
export interface TenantState {
  tenant: string;
  storedAt: number;
  watermark: number;
}

export interface PartitionStatus {
  committed(partition: number, s: { committed: string; watermark?: number; tenants?: ReadonlyMap<string, number> }): Promise<void>;
  failing(partition: number, s: { since: number; attempts: number; error: string }): Promise<void>;
  read(): Promise<PartitionState[]>;
}

/** The keys of a group's status hashes; `pulse status` reads them with the worker's Redis key prefix. */
export const statusKey = (group: string, topic: string) => `status:${group}:${topic}`;
export const tenantsKey = (group: string, topic: string) => `status:${group}:${topic}:tenants`;

/**
 * Per-partition status in one Redis hash per group and topic. Best effort: a status write that
 * fails is logged by the caller and never fails a chunk (status is for people, not for exactly-once).
 */
export function createPartitionStatus(redis: Redis, group: string, topic: string, worker: string, now: () => number = Date.now): PartitionStatus {
  const key = statusKey(group, topic);
  const last = new Map<number, PartitionState>();
  const write = async (s: PartitionState, tenants?: ReadonlyMap<string, number>) => {
    last.set(s.partition, s);
    const p = redis.pipeline().hset(key, String(s.partition), JSON.stringify(s));
    const at = now();
    for (const [tenant, watermark] of tenants ?? []) {
      p.hset(tenantsKey(group, topic), tenant, JSON.stringify({ tenant, storedAt: at, watermark } satisfies TenantState));
    }
    const res = await p.exec();
    const failed = res?.find(([e]) => e);
    if (failed?.[0]) throw failed[0];
  };
  return {
    committed: (partition, s) => {
      const prior = last.get(partition);
      const watermark = Math.max(s.watermark ?? 0, prior?.watermark ?? 0) || undefined;
      return write({ partition, committed: s.committed, committedAt: now(), ...(watermark ? { watermark } : {}), worker }, s.tenants);
    },
    failing: (partition, s) => {
      const prior = last.get(partition) ?? { partition };
      return write({ ...prior, partition, failingSince: s.since, attempts: s.attempts, error: s.error.slice(0, 500), worker });
    },
    read: () => readPartitionStatus(redis, group, topic),
  };
}

export async function readPartitionStatus(redis: Redis, group: string, topic: string): Promise<PartitionState[]> {
  const all = await redis.hgetall(statusKey(group, topic));
  return Object.values(all)
    .map((v) => JSON.parse(v) as PartitionState)
    .sort((a, b) => a.partition - b.partition);
}

export async function readTenantStatus(redis: Redis, group: string, topic: string): Promise<TenantState[]> {
  const all = await redis.hgetall(tenantsKey(group, topic));
  return Object.values(all)
    .map((v) => JSON.parse(v) as TenantState)
    .sort((a, b) => a.tenant.localeCompare(b.tenant));
}
