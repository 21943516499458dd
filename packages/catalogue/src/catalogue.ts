import { canonicalName as slug, TenantId } from "@pulse/contract";
import { PulseError, err, ok, type Result } from "@pulse/kit";
import { z } from "zod";
import { CasePolicy } from "./cases";
import { AlertsSection, mergeAlerts } from "./alert-rules";
import { Name } from "./names";

/**
 * The touchpoint catalogue (data, usually JSON): the canonical touchpoints with their journey stage
 * and score targets, the names sources use for them (aliases), the channels that imply a
 * touchpoint when an event names none, and per-tenant overrides (`tenants`). See
 * catalogue.example.json. The worker's enrichment and the query service's targets both read it
 * through this module, so they can never disagree.
 *
 * Every name (touchpoint, alias, channel, journey stage) is compared in the contract's canonical
 * form (`canonicalName`: `front-desk` → `front_desk`); the catalogue's own keys must already be in
 * that form.
 *
 * Target units (the same as the scores the query service serves): nps in points (−100..100),
 * csatTop2 in percent (0..100), fcr as a share (0..1), ces as the 1–7 mean.
 */

export const ScoreTargets = z.strictObject({
  nps: z.number().min(-100).max(100).optional(),
  csatTop2: z.number().min(0).max(100).optional(),
  ces: z.number().min(1).max(7).optional(),
  fcr: z.number().min(0).max(1).optional(),
});
export type ScoreTargets = z.infer<typeof ScoreTargets>;

export const TouchpointDefinition = z.strictObject({
  journeyStage: Name,
  label: z.string().min(1).optional(),
  /** other names for this touchpoint, from any source ("vru" for ivr) */
  aliases: z.array(z.string().min(1)).default([]),
  /** channels that mean this touchpoint when the event names no touchpoint */
  channels: z.array(z.string().min(1)).default([]),
  targets: ScoreTargets.default({}),
});
export type TouchpointDefinition = z.infer<typeof TouchpointDefinition>;

/** What one tenant changes of the shared catalogue: touchpoints are merged field by field (targets too). */
export const TenantOverride = z.strictObject({
  defaultTargets: ScoreTargets.optional(),
  touchpoints: z
    .record(
      Name,
      // No defaults here: a field left out keeps the shared catalogue's value.
      z.strictObject({
        journeyStage: Name.optional(),
        label: z.string().min(1).optional(),
        aliases: z.array(z.string().min(1)).optional(),
        channels: z.array(z.string().min(1)).optional(),
        targets: ScoreTargets.optional(),
      }),
    )
    .default({}),
  sourceAliases: z.record(z.string().min(1), z.record(z.string().min(1), Name)).default({}),
  /** The tenant's follow-up case policy: replaces the shared one whole. */
  cases: CasePolicy.optional(),
  /** alert rules of this tenant: merged by rule id over the shared ones */
  alerts: AlertsSection.optional(),
});
export type TenantOverride = z.infer<typeof TenantOverride>;

export const TouchpointCatalogue = z
  .strictObject({
    version: z.literal(1),
    tenant: TenantId.optional(),
    /** targets of touchpoints that set none of their own, field by field */
    defaultTargets: ScoreTargets.default({}),
    touchpoints: z.record(Name, TouchpointDefinition),
    /** names that only one source uses: { source: { its name: canonical touchpoint } } */
    sourceAliases: z.record(z.string().min(1), z.record(z.string().min(1), Name)).default({}),
    /** per-tenant changes of this catalogue (a file shared by every tenant) */
    tenants: z.record(TenantId, TenantOverride).default({}),
    /** Follow-up cases: triggers, SLA, teams, routing (see cases.ts; absent = the defaults). */
    cases: CasePolicy.optional(),
    /** alert rules (see alert-rules.ts); every touchpoint also gets DEFAULT_ALERT_RULES */
    alerts: AlertsSection.optional(),
  })
  .superRefine((cat, ctx) => {
    for (const [tenant, o] of Object.entries(cat.tenants)) {
      for (const [name, def] of Object.entries(o.touchpoints)) {
        if (def.journeyStage === undefined && !Object.hasOwn(cat.touchpoints, name))
          ctx.addIssue({ code: "custom", path: ["tenants", tenant, "touchpoints", name, "journeyStage"], message: "is required for a touchpoint the shared catalogue does not define" });
      }
    }
    const owner = new Map<string, string>();
    const claim = (key: string, tp: string, path: (string | number)[], what: string): void => {
      const prev = owner.get(key);
      if (prev !== undefined && prev !== tp)
        ctx.addIssue({
          code: "custom",
          path,
          message: `${what} is already used by touchpoint "${prev}"`,
        });
      else owner.set(key, tp);
    };
    for (const name of Object.keys(cat.touchpoints)) owner.set(`n:${name}`, name);
    for (const [name, def] of Object.entries(cat.touchpoints)) {
      def.aliases.forEach((a, i) => {
        const s = slug(a);
        if (!s)
          ctx.addIssue({
            code: "custom",
            path: ["touchpoints", name, "aliases", i],
            message: "alias is empty after normalising",
          });
        else claim(`n:${s}`, name, ["touchpoints", name, "aliases", i], `alias "${a}"`);
      });
      def.channels.forEach((c, i) =>
        claim(`c:${slug(c)}`, name, ["touchpoints", name, "channels", i], `channel "${c}"`),
      );
    }
    for (const [source, names] of Object.entries(cat.sourceAliases)) {
      for (const [alias, target] of Object.entries(names)) {
        if (!Object.hasOwn(cat.touchpoints, target))
          ctx.addIssue({
            code: "custom",
            path: ["sourceAliases", source, alias],
            message: `points to unknown touchpoint "${target}"`,
          });
      }
    }
  });
export type TouchpointCatalogue = z.infer<typeof TouchpointCatalogue>;

export class CatalogueError extends PulseError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super("catalogue_invalid", `touchpoint catalogue is invalid: ${issues.join("; ")}`, {
      status: 400,
      details: { issues },
    });
    this.issues = issues;
  }
}

/** Validates a parsed JSON value. Every problem is reported, each as "path: message". */
export function parseCatalogue(value: unknown): Result<TouchpointCatalogue, CatalogueError> {
  const r = TouchpointCatalogue.safeParse(value);
  if (r.success) return ok(r.data);
  return err(new CatalogueError(r.error.issues.map(describeIssue)));
}

function describeIssue(i: z.core.$ZodIssue): string {
  const where = i.path.length ? i.path.map(String).join(".") : "(root)";
  // A bad record key ("Bad Name") nests the rule it broke; say which rule.
  const inner = i.code === "invalid_key" ? ` (${i.issues.map((x) => x.message).join(", ")})` : "";
  return `${where}: ${i.message}${inner}`;
}

/** parseCatalogue for JSON text; malformed JSON is a CatalogueError too. */
export function parseCatalogueJson(text: string): Result<TouchpointCatalogue, CatalogueError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(
      new CatalogueError([
        `(root): not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      ]),
    );
  }
  return parseCatalogue(value);
}

export interface TouchpointInput {
  readonly source?: string | null | undefined;
  readonly touchpoint?: string | null | undefined;
  readonly channel?: string | null | undefined;
}

export interface ResolvedTouchpoint {
  /** canonical name, or the normalised input name when the catalogue does not know it */
  readonly touchpoint: string;
  readonly journeyStage: string;
  readonly targets: ScoreTargets;
  readonly known: boolean;
}

export const UNKNOWN_STAGE = "unknown";

interface CatalogueIndex {
  readonly names: ReadonlyMap<string, string>;
  readonly bySource: ReadonlyMap<string, string>;
  readonly byChannel: ReadonlyMap<string, string>;
}

// Indexes are built once per catalogue object; the catalogue is immutable data, so caching by
// identity keeps resolveTouchpoint pure while making it O(1) per event.
const indexes = new WeakMap<TouchpointCatalogue, CatalogueIndex>();

function indexOf(cat: TouchpointCatalogue): CatalogueIndex {
  const cached = indexes.get(cat);
  if (cached) return cached;
  const names = new Map<string, string>();
  const byChannel = new Map<string, string>();
  const bySource = new Map<string, string>();
  for (const [name, def] of Object.entries(cat.touchpoints)) {
    names.set(name, name);
    for (const a of def.aliases) names.set(slug(a), name);
    for (const c of def.channels) byChannel.set(slug(c), name);
  }
  for (const [source, aliases] of Object.entries(cat.sourceAliases))
    for (const [alias, target] of Object.entries(aliases))
      bySource.set(`${slug(source)}\u0000${slug(alias)}`, target);
  const index = { names, bySource, byChannel };
  indexes.set(cat, index);
  return index;
}

/**
 * Canonical touchpoint, journey stage and targets for an event. Names are compared after
 * normalising (case, spaces, dashes). Order: the source's own alias, a canonical name or global
 * alias, then — only when the event names no touchpoint — its channel. An unknown touchpoint is
 * not an error: it keeps its normalised name, stage "unknown" and the default targets.
 */
export function resolveTouchpoint(
  catalogue: TouchpointCatalogue,
  input: TouchpointInput,
): ResolvedTouchpoint {
  const idx = indexOf(catalogue);
  const tp = slug(input.touchpoint);
  const channel = slug(input.channel);
  const found =
    (tp
      ? (idx.bySource.get(`${slug(input.source)}\u0000${tp}`) ?? idx.names.get(tp))
      : undefined) ?? (!tp && channel ? idx.byChannel.get(channel) : undefined);
  const def = found === undefined ? undefined : catalogue.touchpoints[found];
  if (found === undefined || def === undefined) {
    return {
      touchpoint: tp || channel || "unknown",
      journeyStage: UNKNOWN_STAGE,
      targets: { ...catalogue.defaultTargets },
      known: false,
    };
  }
  return {
    touchpoint: found,
    journeyStage: def.journeyStage,
    targets: { ...catalogue.defaultTargets, ...def.targets },
    known: true,
  };
}

const perTenant = new WeakMap<TouchpointCatalogue, Map<string, TouchpointCatalogue>>();

/**
 * The catalogue in force for one tenant: the shared touchpoints with the tenant's override applied
 * (a touchpoint's fields and targets merged field by field, source aliases added). Cached per
 * catalogue object, so callers may ask per event.
 */
export function catalogueForTenant(cat: TouchpointCatalogue, tenant: string): TouchpointCatalogue {
  const o = cat.tenants[tenant];
  if (!o) return cat;
  let byTenant = perTenant.get(cat);
  if (!byTenant) perTenant.set(cat, (byTenant = new Map<string, TouchpointCatalogue>()));
  const cached = byTenant.get(tenant);
  if (cached) return cached;
  const touchpoints: Record<string, TouchpointDefinition> = { ...cat.touchpoints };
  for (const [name, def] of Object.entries(o.touchpoints)) {
    const shared = cat.touchpoints[name];
    touchpoints[name] = {
      journeyStage: def.journeyStage ?? shared?.journeyStage ?? UNKNOWN_STAGE,
      ...(def.label ?? shared?.label ? { label: def.label ?? shared?.label } : {}),
      aliases: def.aliases ?? shared?.aliases ?? [],
      channels: def.channels ?? shared?.channels ?? [],
      targets: { ...shared?.targets, ...def.targets },
    };
  }
  const sourceAliases = { ...cat.sourceAliases };
  for (const [source, names] of Object.entries(o.sourceAliases)) sourceAliases[source] = { ...sourceAliases[source], ...names };
  const merged: TouchpointCatalogue = {
    version: cat.version,
    tenant,
    defaultTargets: { ...cat.defaultTargets, ...o.defaultTargets },
    touchpoints,
    sourceAliases,
    tenants: {},
    ...(o.cases ?? cat.cases ? { cases: o.cases ?? cat.cases } : {}),
    ...(cat.alerts || o.alerts ? { alerts: mergeAlerts(cat.alerts, o.alerts) } : {}),
  };
  byTenant.set(tenant, merged);
  return merged;
}

/**
 * The targets of a touchpoint named any way the catalogue knows it (canonical name or alias, in
 * any spelling canonicalName folds: `Front-Desk` finds `front_desk`), with defaultTargets filling
 * the fields it leaves unset; undefined when nothing applies.
 */
export function targetsFor(cat: TouchpointCatalogue, touchpoint: string): ScoreTargets | undefined {
  const name = indexOf(cat).names.get(slug(touchpoint)) ?? slug(touchpoint);
  const t = { ...cat.defaultTargets, ...cat.touchpoints[name]?.targets };
  return Object.keys(t).length > 0 ? t : undefined;
}
