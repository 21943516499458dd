import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { Profile } from "./enrichment";

/**
 * Customer profiles (segment, value tier) from Redis, one MGET per chunk and tenant, with a small
 * in-process cache. A missing profile is normal; Redis being down is degraded mode: events
 * carry on with what they say themselves.
 */
export function createProfileLookup(redis: Redis, logger: Logger, opts: { ttlMs?: number; maxEntries?: number; onDegraded?: () => void } = {}) {
  const ttl = opts.ttlMs ?? 60_000;
  const max = opts.maxEntries ?? 100_000;
  const cache = new Map<string, { at: number; profile: Profile | null }>();
  return async function profiles(tenant: string, customerIds: string[]): Promise<Map<string, Profile>> {
    const now = Date.now();
    const out = new Map<string, Profile>();
    const missing: string[] = [];
    for (const id of customerIds) {
      const hit = cache.get(`${tenant}\u0000${id}`);
      if (hit && now - hit.at < ttl) {
        if (hit.profile) out.set(id, hit.profile);
      } else missing.push(id);
    }
    if (missing.length === 0) return out;
    let values: (string | null)[];
    try {
      values = await redis.mget(...missing.map((id) => `profile:${tenant}:${id}`));
    } catch (e) {
      opts.onDegraded?.();
      logger.warn({ err: e }, "profile lookup failed; continuing without profiles");
      return out;
    }
    if (cache.size + missing.length > max) cache.clear();
    missing.forEach((id, i) => {
      const profile = parseProfile(values[i] ?? null);
      cache.set(`${tenant}\u0000${id}`, { at: now, profile });
      if (profile) out.set(id, profile);
    });
    return out;
  };
}

function parseProfile(raw: string | null): Profile | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { segment?: unknown; valueTier?: unknown };
    const p: Profile = {};
    if (typeof v.segment === "string") p.segment = v.segment;
    if (typeof v.valueTier === "string") p.valueTier = v.valueTier;
    return p;
  } catch {
    return null;
  }
}
