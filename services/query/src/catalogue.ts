/**
 * The targets the query service shows come from the one touchpoint catalogue (@pulse/catalogue):
 * the same schema, file and per-tenant Redis catalogues (`pulse catalogue load --tenant`) the
 * worker's enrichment reads, so a loaded catalogue changes both. A touchpoint is looked up by any
 * name the catalogue knows it by, in the contract's canonical form (`front-desk` → `front_desk`).
 *
 * Units: nps in NPS points (−100..100), csatTop2 in percent (0..100), ces on the 1–7 scale,
 * fcr as a share (0..1).
 */
import { catalogueForTenant, parseCatalogueJson, readCatalogueFile, targetsFor, type ScoreTargets, type TouchpointCatalogue } from "@pulse/catalogue";

export type TouchpointTargets = ScoreTargets;

/** What the query service needs of the catalogue (a CatalogueSource is one). */
export interface TargetsProvider {
  targets(tenant: string, touchpoint: string): TouchpointTargets | undefined;
  /** The tenant's whole catalogue (journey stages and their order, for /v1/journey); absent = none. */
  forTenant?(tenant: string): TouchpointCatalogue;
}

export const noTargets: TargetsProvider = { targets: () => undefined };

/** A fixed catalogue (no Redis): its targets, with each tenant's override applied. */
export function fromCatalogue(c: TouchpointCatalogue): TargetsProvider {
  return { targets: (tenant, touchpoint) => targetsFor(catalogueForTenant(c, tenant), touchpoint), forTenant: (tenant) => catalogueForTenant(c, tenant) };
}

/** Parses catalogue JSON text; throws an Error naming the source and every bad field. */
export function parseCatalogue(text: string, source = "catalogue"): TargetsProvider {
  const parsed = parseCatalogueJson(text);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error.message}`);
  return fromCatalogue(parsed.value);
}

/** Targets of a catalogue file without Redis, or none. */
export function targetsFromFile(path: string | undefined): TargetsProvider {
  return path ? fromCatalogue(readCatalogueFile(path)) : noTargets;
}
