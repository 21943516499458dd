import { consumerLag, type Kafka, type Topics } from "@pulse/kafka";
import type { Redis } from "@pulse/redis";
import { listDeadLetters } from "./dlq";
import { readPartitionStatus, readTenantStatus, type PartitionState, type TenantState } from "./partition-status";

export interface PartitionReport extends PartitionState {
  /** The group's committed offset and the log end, from Kafka itself. */
  committedOffset: string;
  logEnd: string;
  lag: string;
  /** Its chunk has kept failing for longer than the stall threshold. */
  stalled: boolean;
}

export interface WorkerStatusReport {
  group: string;
  topic: string;
  at: number;
  partitions: PartitionReport[];
  tenants: TenantState[];
  /** Dead letters in the DLQ topic by reason (read to its end). */
  deadLetters: { reason: string; count: number }[];
}

/**
 * What `pulse status` shows: per partition the lag from Kafka and what the worker last did (from
 * Redis, so it works while the worker runs in another process and without opening ClickHouse),
 * the stalled partitions, the freshness watermark per partition and tenant, and DLQ counts by reason.
 */
export async function readWorkerStatus(deps: { kafka: Kafka; redis: Redis; topics: Topics; group: string; stallAfterMs: number; now?: number }): Promise<WorkerStatusReport> {
  const at = deps.now ?? Date.now();
  const [lag, states, tenants, letters] = await Promise.all([
    consumerLag(deps.kafka, deps.group, deps.topics.feedback),
    readPartitionStatus(deps.redis, deps.group, deps.topics.feedback),
    readTenantStatus(deps.redis, deps.group, deps.topics.feedback),
    listDeadLetters(deps.kafka, deps.topics, { timeoutMs: 20_000 }),
  ]);
  const byPartition = new Map(states.map((s) => [s.partition, s]));
  const partitions = lag.map((l): PartitionReport => {
    const s = byPartition.get(l.partition) ?? { partition: l.partition };
    return {
      ...s,
      committedOffset: String(l.committed),
      logEnd: String(l.high),
      lag: String(l.lag),
      stalled: s.failingSince !== undefined && at - s.failingSince >= deps.stallAfterMs,
    };
  });
  const reasons = new Map<string, number>();
  for (const l of letters) reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
  return {
    group: deps.group,
    topic: deps.topics.feedback,
    at,
    partitions: partitions.sort((a, b) => a.partition - b.partition),
    tenants,
    deadLetters: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
  };
}
