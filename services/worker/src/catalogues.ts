import { createCatalogueSource, type TouchpointCatalogue } from "@pulse/catalogue";
import type { Logger } from "@pulse/kit";
import type { Redis } from "@pulse/redis";

/**
 * The worker reads the one catalogue source of @pulse/catalogue (the query service reads the same
 * one); these names are kept for the worker's callers.
 */
export { EMPTY_CATALOGUE, readCatalogueFile, storeCatalogue } from "@pulse/catalogue";

export function createCatalogues(redis: Redis | null, fallback: TouchpointCatalogue, logger: Logger, refreshMs?: number) {
  return createCatalogueSource({ redis, fallback, logger, ...(refreshMs === undefined ? {} : { refreshMs }) });
}
