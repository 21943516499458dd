import { PulseError, err, ok, type Result } from "@pulse/kit";
import { z } from "zod";
import { slug } from "./contact-topic";

/**
 * The per-tenant touchpoint catalogue (data, usually JSON): the canonical touchpoints with their
 * journey stage and score targets, the names sources use for them (aliases), and the channels that
 * imply a touchpoint when an event names none. See catalogue.example.json.
 *
 * Target units (the same as the scores the query service serves): nps in points (−100..100),
 * csatTop2 in percent (0..100), fcr as a share (0..1), ces as the 1–7 mean.
 */
const Name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_]*$/, "use lowercase letters, digits and _ (e.g. cabin_crew)");

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

export const TouchpointCatalogue = z
  .strictObject({
    version: z.literal(1),
    tenant: z.string().min(1).optional(),
    /** targets of touchpoints that set none of their own, field by field */
    defaultTargets: ScoreTargets.default({}),
    touchpoints: z.record(Name, TouchpointDefinition),
    /** names that only one source uses: { source: { its name: canonical touchpoint } } */
    sourceAliases: z.record(z.string().min(1), z.record(z.string().min(1), Name)).default({}),
  })
  .superRefine((cat, ctx) => {
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
