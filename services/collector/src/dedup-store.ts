import type { Redis } from "@pulse/redis";

/**
 * Remembers which event ids a tenant had accepted within the idempotency window. Every method
 * answers `undefined`/`false` instead of throwing when the store is unavailable: the collector
 * then degrades to "no duplicate check" (the worker dedups by id as well).
 */
export interface DedupStore {
  /** The ids among `ids` already accepted for `tenant`; undefined when the store cannot answer. */
  seen(tenant: string, ids: readonly string[]): Promise<Set<string> | undefined>;
  /** Records `ids` as accepted (only call after Kafka acknowledged them); false when it failed. */
  mark(tenant: string, ids: readonly string[]): Promise<boolean>;
}

export interface RedisDedupOptions {
  windowSeconds: number;
  /** A Redis that hangs must not hold the request: past this the store counts as unavailable. */
  timeoutMs?: number;
  onError?: (op: "seen" | "mark", error: unknown) => void;
}

// Tenants are slugs (no ':'), so tenant + id cannot collide across tenants.
export const dedupKey = (tenant: string, id: string) => `collector:dedup:${tenant}:${id}`;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** SET NX EX per (tenant, id), one pipeline per request; reads are one MGET. */
export function createRedisDedupStore(redis: Pick<Redis, "mget" | "pipeline">, opts: RedisDedupOptions): DedupStore {
  const timeoutMs = opts.timeoutMs ?? 500;
  return {
    async seen(tenant, ids) {
      if (ids.length === 0) return new Set();
      try {
        const values = await withTimeout(redis.mget(ids.map((id) => dedupKey(tenant, id))), timeoutMs);
        const out = new Set<string>();
        values.forEach((v, i) => {
          if (v !== null) out.add(ids[i] as string);
        });
        return out;
      } catch (e) {
        opts.onError?.("seen", e);
        return undefined;
      }
    },
    async mark(tenant, ids) {
      if (ids.length === 0) return true;
      try {
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.set(dedupKey(tenant, id), "1", "EX", opts.windowSeconds, "NX");
        const results = (await withTimeout(pipeline.exec(), timeoutMs)) ?? [];
        const failed = results.find(([e]) => e !== null);
        if (failed) throw failed[0] instanceof Error ? failed[0] : new Error("SET NX failed");
        return true;
      } catch (e) {
        opts.onError?.("mark", e);
        return false;
      }
    },
  };
}
