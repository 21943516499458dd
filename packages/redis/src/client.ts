import { Redis } from "ioredis";

export type { Redis } from "ioredis";

export interface RedisConfig {
  url: string;
  /** Every key this client writes starts with it, so tenants of one Redis (and test runs) never collide. */
  keyPrefix?: string;
  /**
   * For BullMQ connections: blocking commands must wait forever, so BullMQ asks for
   * `maxRetriesPerRequest: null`. Plain clients fail fast instead, so callers can degrade.
   */
  forQueues?: boolean;
}

export function createRedis(config: RedisConfig): Redis {
  return new Redis(config.url, {
    ...(config.keyPrefix ? { keyPrefix: config.keyPrefix } : {}),
    lazyConnect: false,
    // Commands issued while (re)connecting wait in the offline queue; for plain clients they are
    // failed after one reconnection attempt, so a Redis outage degrades callers instead of hanging them.
    enableOfflineQueue: true,
    maxRetriesPerRequest: config.forQueues ? null : 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** Waits until the client is ready (or fails after `timeoutMs`). */
export async function redisReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}
