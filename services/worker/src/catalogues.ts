import { readFileSync } from "node:fs";
import { parseCatalogueJson, type TouchpointCatalogue } from "@pulse/enrichment";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import type { Catalogues } from "./enrichment";

/** Catalogue used when neither a file nor Redis gives one: names are kept as sent. */
export const EMPTY_CATALOGUE: TouchpointCatalogue = { version: 1, defaultTargets: {}, touchpoints: {}, sourceAliases: {} };

export function readCatalogueFile(path: string): TouchpointCatalogue {
  const parsed = parseCatalogueJson(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new Error(`catalogue ${path}: ${parsed.error.message}`);
  return parsed.value;
}

/**
 * Per-tenant catalogues kept in Redis (`catalogue:<tenant>`, written by `pulse catalogue load` or
 * the admin endpoint), refreshed in the background, with the file catalogue as the default. The
 * hot path only reads memory; Redis being down keeps the last catalogues in force.
 */
export function createCatalogues(redis: Redis | null, fallback: TouchpointCatalogue, logger: Logger, refreshMs = 30_000) {
  const byTenant = new Map<string, TouchpointCatalogue>();
  let timer: NodeJS.Timeout | null = null;
  const refresh = async () => {
    if (!redis) return;
    try {
      const keys = await redis.smembers("catalogues");
      const values = keys.length ? await redis.mget(...keys.map((t) => `catalogue:${t}`)) : [];
      keys.forEach((tenant, i) => {
        const raw = values[i];
        if (!raw) return;
        const parsed = parseCatalogueJson(raw);
        if (parsed.ok) byTenant.set(tenant, parsed.value);
        else logger.warn({ tenant, error: parsed.error.message }, "ignoring an invalid catalogue in Redis");
      });
    } catch (e) {
      logger.warn({ err: e }, "catalogue refresh failed; keeping the last ones");
    }
  };
  const catalogues: Catalogues & { start(): Promise<void>; stop(): void; refresh(): Promise<void> } = {
    forTenant: (tenant) => byTenant.get(tenant) ?? fallback,
    refresh,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh(), refreshMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
  return catalogues;
}

/** Stores a tenant's catalogue in Redis (validated first). */
export async function storeCatalogue(redis: Redis, tenant: string, json: string): Promise<void> {
  const parsed = parseCatalogueJson(json);
  if (!parsed.ok) throw new Error(parsed.error.message);
  await redis.multi().set(`catalogue:${tenant}`, JSON.stringify(parsed.value)).sadd("catalogues", tenant).exec();
}
