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

export interface PartitionStatus {
  committed(partition: number, s: { committed: string; watermark?: number }): Promise<void>;
  failing(partition: number, s: { since: number; attempts: number; error: string }): Promise<void>;
  read(): Promise<PartitionState[]>;
}

/** The key of a group's status hash; `pulse status` reads it with the same Redis key prefix as the worker. */
export const statusKey = (group: string, topic: string) => `status:${group}:${topic}`;

/**
 * Per-partition status in one Redis hash per group and topic. Best effort: a status write that
 * fails is logged by the caller and never fails a chunk (status is for people, not for exactly-once).
 */
export function createPartitionStatus(redis: Redis, group: string, topic: string, worker: string, now: () => number = Date.now): PartitionStatus {
  const key = statusKey(group, topic);
  const last = new Map<number, PartitionState>();
  const write = async (s: PartitionState) => {
    last.set(s.partition, s);
    await redis.hset(key, String(s.partition), JSON.stringify(s));
  };
  return {
    committed: (partition, s) => {
      const prior = last.get(partition);
      const watermark = Math.max(s.watermark ?? 0, prior?.watermark ?? 0) || undefined;
      return write({ partition, committed: s.committed, committedAt: now(), ...(watermark ? { watermark } : {}), worker });
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
