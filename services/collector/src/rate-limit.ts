/**
 * Token bucket per tenant, in events per second. A request costs one token per event. A request
 * larger than the burst may still pass when the bucket is full: the bucket then goes into debt,
 * so the long-run rate stays bounded without making big (allowed) batches impossible.
 */
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(tenant: string, events: number, nowMs: number): TakeResult;
}

export interface RateLimitConfig {
  eventsPerSecond: number;
  burst: number;
}

export function createRateLimiter(config: RateLimitConfig): RateLimiter {
  const { eventsPerSecond: rate, burst } = config;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(tenant, events, nowMs) {
      let b = buckets.get(tenant);
      if (b === undefined) {
        b = { tokens: burst, at: nowMs };
        buckets.set(tenant, b);
      }
      const elapsed = Math.max(0, nowMs - b.at) / 1000;
      b.tokens = Math.min(burst, b.tokens + elapsed * rate);
      b.at = nowMs;
      const need = Math.min(events, burst);
      if (b.tokens >= need) {
        b.tokens -= events;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((need - b.tokens) / rate)) };
    },
  };
}
