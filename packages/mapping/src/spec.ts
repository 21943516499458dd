/**
 * The declarative mapping format: what a mapping JSON file may contain. The TypeScript types are
 * written out (the format is recursive) and the zod schemas below check a file against them.
 * See README.md for the reference with examples.
 *
 * Expressions, conditions and transforms are "keyed unions": an object's operator key (column,
 * template, cases, map, ...) picks its shape. They are checked by `keyed()` instead of
 * `z.union`, so a wrong mapping gets one precise message ("pipe[1]: unknown transform 'mapp'")
 * instead of a union's "invalid input".
 */
import { z } from "zod";
import type { Value } from "./values";

export type Transform =
  | "trim"
  | "lower"
  | "upper"
  | "slug"
  | "number"
  | "integer"
  | "string"
  | "nullIfEmpty"
  | "hash"
  | { slug: { maxLength: number } }
  | { truncate: number }
  | { boolean: { true: Value[]; false: Value[] } }
  | { map: Record<string, Value>; default?: Value }
  | { nullIf: Value[] }
  | { default: Value }
  | { hash: { length: number } };

export interface Piped {
  pipe?: Transform[];
}

export interface DateTimeSpec {
  date: Expr;
  /** Tokens YYYY, YY, MM, M, DD, D; anything else is literal. */
  dateFormat: string;
  time?: Expr;
  /** Tokens HH, H (hours), MM, M (minutes), SS, S (seconds); anything else is literal. */
  timeFormat?: string;
  /** Used when there is no `time` (a date-only column), e.g. "12:00:00". */
  defaultTime?: string;
  /** The fixed UTC offset of the local times: "Z" or ±hh:mm. */
  offset: string;
  /** Two-digit years below it are 20YY, the others 19YY. Default 50. */
  pivotYear?: number;
}

export type ItemPart = "label" | "value" | "column";

export type Expr =
  | Value
  | { const: Value }
  | ({ column: string } & Piped)
  | ({ var: string } & Piped)
  | ({ item: ItemPart } & Piped)
  | ({ template: string } & Piped)
  | ({ first: Expr[] } & Piped)
  | ({ join: Expr[]; separator?: string } & Piped)
  | ({ cases: { when: Condition; then: Expr }[]; else?: Expr } & Piped)
  | ({ datetime: DateTimeSpec } & Piped);

export type Operand = { column: string } | { var: string } | { item: ItemPart } | { value: Expr };
export type Test = { equals: Value } | { in: Value[] } | { notIn: Value[] } | { empty: boolean } | { matches: string };
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | (Operand & Test);

export interface ForEach {
  /** column → label: one event per listed column, the label available as {"item": "label"}. */
  columns: Record<string, string>;
  /** Items for which no event is made (a "not rated" value). */
  skipWhen?: Condition;
}

export interface EventSpec {
  /** Names the event in error reports ("overall", "per-touchpoint"). */
  name: string;
  type: Expr;
  when?: Condition;
  forEach?: ForEach;
  /** Dotted event path → expression. A null result leaves the field out. */
  fields: Record<string, Expr>;
}

export type FileFormat =
  | {
      type: "csv";
      delimiter: string;
      quote: string | null;
      header: boolean;
      columns?: string[] | undefined;
      skipLines: number;
      encoding: "utf-8" | "latin1";
    }
  | { type: "ndjson"; encoding: "utf-8" | "latin1" };

export interface Mapping {
  name: string;
  description?: string | undefined;
  /** Why the mapping does what it does: kept in the file, shown by tooling. */
  notes?: string[] | undefined;
  format: FileFormat;
  /** The default `source` of the events; the import job's source wins. */
  source?: string | undefined;
  vars?: Record<string, Expr> | undefined;
  skip?: { when: Condition; reason: string }[] | undefined;
  events: EventSpec[];
}

// ---------------------------------------------------------------------------------------------

const value: z.ZodType<Value> = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: "must be a string, a number, a boolean or null",
});

/**
 * An object whose one operator key (out of `branches`) selects its schema. Strings are checked by
 * `strings` when given. Issues of the chosen branch keep their paths.
 */
function keyed<T>(
  what: string,
  branches: Record<string, () => z.ZodType>,
  opts: { strings?: readonly string[]; primitives?: boolean } = {},
): z.ZodType<T> {
  const keys = Object.keys(branches);
  const strings = opts.strings;
  const expected = [...(opts.primitives ? ["a constant"] : []), ...(strings ?? []), ...keys.map((k) => `{"${k}": …}`)].join(", ");
  return z.custom<T>(() => true).superRefine((input, ctx) => {
    if (opts.primitives && (input === null || ["string", "number", "boolean"].includes(typeof input))) return;
    if (typeof input === "string" && strings) {
      if (!strings.includes(input)) ctx.addIssue({ code: "custom", message: `unknown ${what} "${input}" (expected one of ${expected})` });
      return;
    }
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: "custom", message: `must be a ${what}: one of ${expected}` });
      return;
    }
    const present = keys.filter((k) => Object.prototype.hasOwnProperty.call(input, k));
    const first = present[0];
    if (first === undefined) {
      ctx.addIssue({ code: "custom", message: `unknown ${what} ${JSON.stringify(Object.keys(input))} (expected one of ${expected})` });
      return;
    }
    const schema = (branches[first] as () => z.ZodType)();
    const r = schema.safeParse(input);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });
}

const name = (what: string) => z.string({ error: `must be a ${what}` }).min(1, { error: `must be a non-empty ${what}` });
const pipe = z.array(z.lazy(() => TransformSchema), { error: "must be a list of transforms" }).optional();
const strict = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.strictObject(shape, { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown key(s) ${iss.keys.map((k) => `"${k}"`).join(", ")}` : undefined) });

export const TRANSFORM_NAMES = ["trim", "lower", "upper", "slug", "number", "integer", "string", "nullIfEmpty", "hash"] as const;

export const TransformSchema: z.ZodType<Transform> = keyed<Transform>(
  "transform",
  {
    slug: () => strict({ slug: strict({ maxLength: z.int().min(1).max(64) }) }),
    truncate: () => strict({ truncate: z.int({ error: "must be a whole number of characters" }).min(1) }),
    boolean: () => strict({ boolean: strict({ true: z.array(value), false: z.array(value) }) }),
    map: () => strict({ map: z.record(z.string(), value, { error: "must be an object of value → replacement" }), default: value.optional() }),
    nullIf: () => strict({ nullIf: z.array(value, { error: "must be a list of values" }) }),
    default: () => strict({ default: value }),
    hash: () => strict({ hash: strict({ length: z.int().min(8).max(64) }) }),
  },
  { strings: TRANSFORM_NAMES },
);

const ITEM_PARTS = ["label", "value", "column"] as const;
const itemPart = z.enum(ITEM_PARTS, { error: `must be one of ${ITEM_PARTS.join(", ")}` });
const OFFSET = /^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

const DateTimeSchema = strict({
  date: z.lazy(() => ExprSchema),
  dateFormat: name("date format such as YYYY-MM-DD").regex(/Y/, { error: "must contain a year token (YYYY or YY)" }),
  time: z.lazy(() => ExprSchema).optional(),
  timeFormat: name("time format such as H:MM:SS").optional(),
  defaultTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, { error: "must be HH:MM:SS" }).optional(),
  offset: z.string().regex(OFFSET, { error: 'must be "Z" or a UTC offset such as +02:00' }),
  pivotYear: z.int().min(0).max(99).optional(),
}).superRefine((d, ctx) => {
  if ((d.time === undefined) !== (d.timeFormat === undefined)) {
    ctx.addIssue({ code: "custom", path: ["timeFormat"], message: "time and timeFormat go together" });
  }
});

export const ExprSchema: z.ZodType<Expr> = z.lazy(() =>
  keyed<Expr>("expression", {
    const: () => strict({ const: value }),
    column: () => strict({ column: name("column name"), pipe }),
    var: () => strict({ var: name("variable name"), pipe }),
    item: () => strict({ item: itemPart, pipe }),
    template: () => strict({ template: z.string({ error: "must be a template string" }), pipe }),
    first: () => strict({ first: z.array(ExprSchema).min(1, { error: "must list at least one expression" }), pipe }),
    join: () => strict({ join: z.array(ExprSchema).min(1, { error: "must list at least one expression" }), separator: z.string().optional(), pipe }),
    cases: () =>
      strict({
        cases: z.array(strict({ when: ConditionSchema, then: ExprSchema })).min(1, { error: "must list at least one case" }),
        else: ExprSchema.optional(),
        pipe,
      }),
    datetime: () => strict({ datetime: DateTimeSchema, pipe }),
  }, { primitives: true }),
);

const TEST_KEYS = ["equals", "in", "notIn", "empty", "matches"] as const;

const testShape = {
  equals: value.optional(),
  in: z.array(value).optional(),
  notIn: z.array(value).optional(),
  empty: z.boolean().optional(),
  matches: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s, "u");
        return true;
      } catch {
        return false;
      }
    }, { error: "must be a valid regular expression" })
    .optional(),
};

function comparison(operand: Record<string, z.ZodType>) {
  return strict({ ...operand, ...testShape }).superRefine((c, ctx) => {
    const tests = TEST_KEYS.filter((k) => (c as Record<string, unknown>)[k] !== undefined);
    if (tests.length !== 1) {
      ctx.addIssue({ code: "custom", message: `a condition needs exactly one test of ${TEST_KEYS.join(", ")} (found ${tests.length === 0 ? "none" : tests.join(", ")})` });
    }
  });
}

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  keyed<Condition>("condition", {
    all: () => strict({ all: z.array(ConditionSchema).min(1) }),
    any: () => strict({ any: z.array(ConditionSchema).min(1) }),
    not: () => strict({ not: ConditionSchema }),
    column: () => comparison({ column: name("column name") }),
    var: () => comparison({ var: name("variable name") }),
    item: () => comparison({ item: itemPart }),
    value: () => comparison({ value: ExprSchema }),
  }),
);

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

const EventSpecSchema = strict({
  name: name("event name"),
  type: ExprSchema,
  when: ConditionSchema.optional(),
  forEach: strict({
    columns: z.record(z.string().min(1), name("label")).refine((r) => Object.keys(r).length > 0, { error: "must list at least one column" }),
    skipWhen: ConditionSchema.optional(),
  }).optional(),
  fields: z.record(
    z.string().regex(FIELD_PATH, { error: "field paths are dotted names such as body.waitSeconds or customer.id" }),
    ExprSchema,
  ),
});

const CsvFormatSchema = strict({
  type: z.literal("csv"),
  delimiter: z.string().length(1, { error: 'must be one character ("\\t" for TSV)' }).default(","),
  quote: z.string().length(1, { error: "must be one character, or null for no quoting" }).nullable().default('"'),
  header: z.boolean().default(true),
  columns: z.array(name("column name")).optional(),
  skipLines: z.int().min(0).default(0),
  encoding: z.enum(["utf-8", "latin1"]).default("utf-8"),
}).superRefine((f, ctx) => {
  if (!f.header && !f.columns) ctx.addIssue({ code: "custom", path: ["columns"], message: "is required when header is false" });
  if (f.header && f.columns) ctx.addIssue({ code: "custom", path: ["columns"], message: "must not be set when the file has a header row" });
  if (f.quote !== null && f.quote === f.delimiter) ctx.addIssue({ code: "custom", path: ["quote"], message: "must differ from the delimiter" });
});

const NdjsonFormatSchema = strict({ type: z.literal("ndjson"), encoding: z.enum(["utf-8", "latin1"]).default("utf-8") });

export const MappingSchema = strict({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: "must be a lower-case slug" }),
  description: z.string().optional(),
  notes: z.array(z.string()).optional(),
  format: z.discriminatedUnion("type", [CsvFormatSchema, NdjsonFormatSchema], { error: 'type must be "csv" or "ndjson"' }),
  source: z.string().regex(/^[\x20-\x7e]{1,128}$/, { error: "must be 1–128 printable ASCII characters" }).optional(),
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "variable names are identifiers" }), ExprSchema).optional(),
  skip: z.array(strict({ when: ConditionSchema, reason: name("reason") })).optional(),
  events: z.array(EventSpecSchema).min(1, { error: "must list at least one event" }),
});
