import { Queue, QueueEvents, Worker, type Job, type JobsOptions, type Processor, type WorkerOptions } from "bullmq";
import { createRedis, type RedisConfig } from "./client";

export type { Job, JobsOptions, Processor } from "bullmq";
export { Queue, QueueEvents, Worker } from "bullmq";

/** Every BullMQ queue name of Pulse lives here. */
export const QUEUE_NAMES = {
  import: "pulse-import",
  replay: "pulse-replay",
  alerts: "pulse-alerts",
  followUps: "pulse-follow-ups",
  fcrWindows: "pulse-fcr-windows",
} as const;

export interface QueueFactoryConfig {
  redis: Omit<RedisConfig, "forQueues" | "keyPrefix">;
  /** BullMQ's own key prefix (it does not work with ioredis keyPrefix). */
  prefix?: string;
}

/** Creates queues and workers on dedicated connections, as BullMQ requires for blocking reads. */
export function createQueueFactory(config: QueueFactoryConfig) {
  const prefix = config.prefix ?? "pulse-bull";
  const connection = () => createRedis({ ...config.redis, forQueues: true });
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
export type AddOptions = JobsOptions;
export type AnyJob = Job;
