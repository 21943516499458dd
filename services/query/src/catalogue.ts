/**
 * Touchpoint targets from the catalogue JSON file. Only the part the query service needs is read
 * (`touchpoints.<name>.targets`); other fields of a richer catalogue (aliases, labels, ...) are
 * ignored. A `tenants.<tenant>.touchpoints` section overrides the shared one for that tenant, and
 * `defaultTargets` fills the fields a touchpoint leaves unset (the same file as the enrichment
 * catalogue, packages/enrichment/catalogue.example.json).
 *
 *   { "touchpoints": { "ivr": { "targets": { "nps": 20, "csatTop2": 80, "ces": 5.5, "fcr": 0.75 } } },
 *     "tenants": { "acme": { "touchpoints": { "ivr": { "targets": { "nps": 30 } } } } } }
 *
 * Units: nps in NPS points (−100..100), csatTop2 in percent (0..100), ces on the 1–7 scale,
 * fcr as a share (0..1).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const targetsSchema = z
  .object({
    nps: z.number().min(-100).max(100).optional(),
    csatTop2: z.number().min(0).max(100).optional(),
    ces: z.number().min(1).max(7).optional(),
    fcr: z.number().min(0).max(1).optional(),
  })
  .loose();

const touchpointsSchema = z.record(z.string(), z.object({ targets: targetsSchema.optional() }).loose());

export const catalogueSchema = z
  .object({
    /** Targets of touchpoints that set none of their own, field by field (the enrichment catalogue's). */
    defaultTargets: targetsSchema.optional(),
    touchpoints: touchpointsSchema.default({}),
    tenants: z.record(z.string(), z.object({ touchpoints: touchpointsSchema.default({}) }).loose()).default({}),
  })
  .loose();

export type TouchpointTargets = { nps?: number; csatTop2?: number; ces?: number; fcr?: number };

export interface TargetsProvider {
  targets(tenant: string, touchpoint: string): TouchpointTargets | undefined;
}

export const noTargets: TargetsProvider = { targets: () => undefined };

/** Parses catalogue JSON text; throws an Error naming the path of the first bad field. */
export function parseCatalogue(text: string, source = "catalogue"): TargetsProvider {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = catalogueSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  return fromCatalogue(parsed.data);
}

export function fromCatalogue(c: z.infer<typeof catalogueSchema>): TargetsProvider {
  const pick = (t: z.infer<typeof targetsSchema> | undefined): TouchpointTargets | undefined => {
    if (!t) return undefined;
    const out: TouchpointTargets = {};
    if (t.nps !== undefined) out.nps = t.nps;
    if (t.csatTop2 !== undefined) out.csatTop2 = t.csatTop2;
    if (t.ces !== undefined) out.ces = t.ces;
    if (t.fcr !== undefined) out.fcr = t.fcr;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  return {
    targets(tenant, touchpoint) {
      const own = c.tenants[tenant]?.touchpoints[touchpoint]?.targets;
      const shared = c.touchpoints[touchpoint]?.targets;
      if (!own && !shared && !c.defaultTargets) return undefined;
      return pick({ ...c.defaultTargets, ...shared, ...own });
    },
  };
}

/** Targets from the configured catalogue file, or none (shared by main.ts and standalone mode). */
export function targetsFromFile(path: string | undefined): TargetsProvider {
  return path ? parseCatalogue(readFileSync(path, "utf8"), path) : noTargets;
}
