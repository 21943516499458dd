/**
 * A read-through cache of hot query results in Redis with a short TTL. The cache is an
 * optimisation only: any Redis failure (down, slow, bad payload) is counted and the request is
 * answered uncached; it never turns into an error response.
 */
import { createHash } from "node:crypto";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { QueryMetrics } from "./metrics";

/**
 * How an answer was produced, sent as `x-cache`: `hit` (from Redis, at most the TTL old), `miss`
 * (computed, then stored), `revalidated` (the client sent `Cache-Control: no-cache`: computed
 * fresh, and the stored copy replaced), `off` (no Redis, or Redis failed: computed).
 */
export type CacheOutcome = "hit" | "miss" | "revalidated" | "off";

export interface QueryCache {
  /**
   * `parts` must be the normalized query (resolved range, sorted lists), never raw input.
   * `revalidate`: skip the stored copy and any computation already in flight (it may have
   * started before the caller's own write was stored), compute, and store the fresh answer.
   */
  getOrCompute<T>(tenant: string, route: string, parts: unknown, compute: () => Promise<T>, opts?: { revalidate?: boolean }): Promise<{ value: T; cache: CacheOutcome }>;
}

export interface CacheOptions {
  redis: Redis | undefined;
  ttlSeconds: number;
  metrics: QueryMetrics;
  logger: Logger;
  /** A Redis call slower than this counts as a failure, so a sick Redis cannot slow reads down. */
  timeoutMs?: number;
}

export function cacheKey(tenant: string, route: string, parts: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
  return `query:v1:${tenant}:${route}:${digest}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis call exceeded ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createQueryCache(opts: CacheOptions): QueryCache {
  const timeoutMs = opts.timeoutMs ?? 150;
  const { redis, metrics, logger, ttlSeconds } = opts;
  const inflight = new Map<string, Promise<unknown>>();
  return {
    async getOrCompute(tenant, route, parts, compute, opts) {
      if (!redis) return { value: await compute(), cache: "off" };
      const key = cacheKey(tenant, route, parts);
      if (opts?.revalidate) {
        metrics.cache.inc({ result: "revalidated" });
        const value = await compute();
        await withTimeout(redis.set(key, JSON.stringify(value), "EX", ttlSeconds), timeoutMs).catch((e: unknown) => {
          metrics.cache.inc({ result: "error" });
          logger.warn({ err: (e as Error).message, route }, "cache write failed");
        });
        return { value, cache: "revalidated" };
      }
      let failed = false;
      try {
        const hit = await withTimeout(redis.get(key), timeoutMs);
        if (hit !== null) {
          metrics.cache.inc({ result: "hit" });
          return { value: JSON.parse(hit) as Awaited<ReturnType<typeof compute>>, cache: "hit" };
        }
      } catch (e) {
        failed = true;
        metrics.cache.inc({ result: "error" });
        logger.warn({ err: (e as Error).message, route }, "cache read failed; serving uncached");
      }
      if (failed) return { value: await compute(), cache: "off" };
      // Stampede guard: concurrent misses of one key (a TTL just expired under load) share one query.
      const pending = inflight.get(key) as Promise<Awaited<ReturnType<typeof compute>>> | undefined;
      if (pending) {
        metrics.cache.inc({ result: "coalesced" });
        return { value: await pending, cache: "hit" };
      }
      metrics.cache.inc({ result: "miss" });
      const promise = compute();
      inflight.set(key, promise);
      let value: Awaited<ReturnType<typeof compute>>;
      try {
        value = await promise;
      } catch (e) {
        inflight.delete(key);
        throw e;
      }
      // Written in the background: the response never waits for (or fails on) the cache write.
      // The in-flight entry stays until the write lands, so no look-up falls between the two.
      withTimeout(redis.set(key, JSON.stringify(value), "EX", ttlSeconds), timeoutMs)
        .catch((e: unknown) => {
          metrics.cache.inc({ result: "error" });
          logger.warn({ err: (e as Error).message, route }, "cache write failed");
        })
        .finally(() => inflight.delete(key));
      return { value, cache: "miss" };
    },
  };
}
