import { Queue, QueueEvents, Worker, type Processor, type WorkerOptions } from "bullmq";
import type { RedisOptions } from "ioredis";
import type { RedisConfig } from "./client";

export type { Job, JobsOptions, Processor } from "bullmq";
export { DelayedError, Queue, QueueEvents, Worker } from "bullmq";

/** Every BullMQ queue name of Pulse lives here. */
export const QUEUE_NAMES = {
  import: "pulse-import",
  replay: "pulse-replay",
  alerts: "pulse-alerts",
  alertNotifications: "pulse-alert-notifications",
  followUps: "pulse-follow-ups",
  fcrWindows: "pulse-fcr-windows",
} as const;

export interface QueueFactoryConfig {
  redis: Omit<RedisConfig, "forQueues" | "keyPrefix">;
  /** BullMQ's own key prefix (it does not work with ioredis keyPrefix). */
  prefix?: string;
}

/**
 * Creates queues and workers. They get connection OPTIONS, not client instances: BullMQ then opens
 * its own connections (dedicated ones for blocking reads) and closes them on `close()`, so a
 * command that used a queue can exit.
 */
export function createQueueFactory(config: QueueFactoryConfig) {
  const prefix = config.prefix ?? "pulse-bull";
  const connection = () => queueConnectionOptions(config.redis.url);
  return {
    queue<T = unknown, R = unknown>(name: string): Queue<T, R> {
      return new Queue<T, R>(name, { connection: connection(), prefix });
    },
    events(name: string): QueueEvents {
      return new QueueEvents(name, { connection: connection(), prefix });
    },
    worker<T = unknown, R = unknown>(name: string, processor: Processor<T, R>, opts: Partial<WorkerOptions> = {}): Worker<T, R> {
      return new Worker<T, R>(name, processor, { connection: connection(), prefix, concurrency: 1, ...opts });
    },
  };
}

export type QueueFactory = ReturnType<typeof createQueueFactory>;

/** ioredis options from a redis:// or rediss:// URL, as BullMQ wants them (blocking reads wait forever). */
export function queueConnectionOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  };
}
