import { readFileSync } from "node:fs";
import { TenantId } from "@pulse/contract";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";
import { catalogueForTenant, parseCatalogueJson, targetsFor, type ScoreTargets, type TouchpointCatalogue } from "./catalogue";

/** The catalogue used when neither a file nor Redis gives one: names are kept (canonicalised) as sent. */
export const EMPTY_CATALOGUE: TouchpointCatalogue = { version: 1, defaultTargets: {}, touchpoints: {}, sourceAliases: {}, tenants: {} };

/** Redis keys (under the client's key prefix): `catalogue:<tenant>` holds the JSON, the set `catalogues` the tenants. */
export const CATALOGUE_KEYS = { tenant: (t: string) => `catalogue:${t}`, tenants: "catalogues" } as const;

export const DEFAULT_REFRESH_MS = 5_000;

/**
 * Where every reader of the catalogue (the worker's enrichment, the query service's targets, later
 * the alert evaluator) gets it: the tenant's own catalogue from Redis (`pulse catalogue load
 * --tenant`) when there is one, else the shared file's catalogue with the tenant's override.
 */
export interface CatalogueSource {
  forTenant(tenant: string): TouchpointCatalogue;
  /** The targets of a touchpoint for a tenant (any name the catalogue knows it by). */
  targets(tenant: string, touchpoint: string): ScoreTargets | undefined;
  /** Re-reads Redis now (the background refresh does it every refreshMs). */
  refresh(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
}

/** Parses a catalogue file; throws an Error naming the file and every problem. */
export function readCatalogueFile(path: string): TouchpointCatalogue {
  const parsed = parseCatalogueJson(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new Error(`catalogue ${path}: ${parsed.error.message}`);
  return parsed.value;
}

/** The file's catalogue, or the empty one when no file is configured. */
export function catalogueFromFile(path: string | undefined): TouchpointCatalogue {
  return path ? readCatalogueFile(path) : EMPTY_CATALOGUE;
}

/**
 * Per-tenant catalogues kept in Redis, refreshed in the background, over the file catalogue. The
 * hot path only reads memory; Redis being down keeps the last catalogues in force; a catalogue
 * removed from Redis stops applying at the next refresh.
 */
export function createCatalogueSource(opts: { redis: Redis | null; fallback: TouchpointCatalogue; logger: Logger; refreshMs?: number }): CatalogueSource {
  const { redis, fallback, logger } = opts;
  let byTenant = new Map<string, TouchpointCatalogue>();
  let timer: NodeJS.Timeout | null = null;
  const refresh = async () => {
    if (!redis) return;
    try {
      const tenants = await redis.smembers(CATALOGUE_KEYS.tenants);
      const values = tenants.length ? await redis.mget(...tenants.map(CATALOGUE_KEYS.tenant)) : [];
      const next = new Map<string, TouchpointCatalogue>();
      tenants.forEach((tenant, i) => {
        const raw = values[i];
        if (!raw) return;
        const parsed = parseCatalogueJson(raw);
        if (parsed.ok) next.set(tenant, parsed.value);
        else {
          logger.warn({ tenant, error: parsed.error.message }, "ignoring an invalid catalogue in Redis");
          const last = byTenant.get(tenant);
          if (last) next.set(tenant, last);
        }
      });
      byTenant = next;
    } catch (e) {
      logger.warn({ err: e }, "catalogue refresh failed; keeping the last ones");
    }
  };
  const forTenant = (tenant: string) => byTenant.get(tenant) ?? catalogueForTenant(fallback, tenant);
  return {
    forTenant,
    targets: (tenant, touchpoint) => targetsFor(forTenant(tenant), touchpoint),
    refresh,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh(), opts.refreshMs ?? DEFAULT_REFRESH_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/** Stores a tenant's catalogue in Redis, validated first (throws an Error listing every problem). */
export async function storeCatalogue(redis: Redis, tenant: string, json: string): Promise<TouchpointCatalogue> {
  const t = TenantId.safeParse(tenant);
  if (!t.success) throw new Error(t.error.issues[0]?.message ?? "invalid tenant");
  const parsed = parseCatalogueJson(json);
  if (!parsed.ok) throw new Error(parsed.error.message);
  if (parsed.value.tenant !== undefined && parsed.value.tenant !== tenant) {
    throw new Error(`the catalogue names tenant "${parsed.value.tenant}" but is loaded for "${tenant}"`);
  }
  await redis.multi().set(CATALOGUE_KEYS.tenant(tenant), JSON.stringify(parsed.value)).sadd(CATALOGUE_KEYS.tenants, tenant).exec();
  return parsed.value;
}

/** Removes a tenant's own catalogue: the shared file's applies again at the next refresh. */
export async function removeCatalogue(redis: Redis, tenant: string): Promise<boolean> {
  const [[, removed] = [null, 0]] = (await redis.multi().del(CATALOGUE_KEYS.tenant(tenant)).srem(CATALOGUE_KEYS.tenants, tenant).exec()) ?? [];
  return Number(removed) > 0;
}
