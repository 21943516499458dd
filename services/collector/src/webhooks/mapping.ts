/**
 * A tiny declarative mapper: an adapter is a table of rules "event field ← first present source,
 * converted". Adding a webhook shape means writing a table, not code. The mapped object is then
 * validated by the contract like any event; issues are reported under the webhook's own field
 * names so the sender can tell which of *its* fields is wrong.
 */
import type { BodyItem } from "../body/parse-body";
import { appendPath } from "../body/forbidden-keys";
import type { IngestIssue } from "../issues";

export interface MapContext {
  /** Query parameters of the webhook URL (single values). */
  query: Readonly<Record<string, string | undefined>>;
  /** The API key's source: the `source` of every mapped event. */
  source: string;
}

export type Source =
  /** A payload field by dot path; `scale` multiplies numbers (ms → s). */
  | { path: string; scale?: number }
  /** A query parameter of the webhook URL. */
  | { query: string }
  | { const: unknown }
  /** The API key's source. */
  | { principal: "source" }
  /** A survey answer: the question id is the query parameter `answer` (default: the same name). */
  | { answer: string }
  /** The sum of the numeric payload fields that are present; absent when the first one is. */
  | { sum: readonly string[] };

export type Conversion = "string" | "number" | "int" | "bool" | "datetime" | "slug";

export interface FieldRule {
  /** Dot path in the event, e.g. `body.nps`. */
  to: string;
  /** Tried in order; the first that yields a value wins. */
  from: readonly Source[];
  /** Lenient conversion; a value it cannot convert is passed on as is, for the contract to reject. */
  as?: Conversion;
}

export interface WebhookAdapter {
  name: string;
  summary: string;
  description: string;
  /** Query parameters the adapter reads, with their meaning (for the docs). */
  queryParameters: Readonly<Record<string, string>>;
  /** Where a survey answer list lives, for `{ answer }` sources. */
  answers?: { path: string; idKeys: readonly string[]; valueKeys: readonly string[] };
  rules: readonly FieldRule[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const own = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Own-property lookup by dot path: a key such as `constructor` never reaches Object.prototype. */
export function readPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split(".")) {
    if (!isObj(cur) || !own(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function setPath(target: Obj, path: string, value: unknown): void {
  const segs = path.split(".");
  let cur = target;
  for (const seg of segs.slice(0, -1)) {
    if (!isObj(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Obj;
  }
  cur[segs[segs.length - 1] as string] = value;
}

function answerQuestionId(name: string, ctx: MapContext): string {
  return ctx.query[name] ?? name;
}

function readAnswer(adapter: WebhookAdapter, payload: Obj, questionId: string): unknown {
  const spec = adapter.answers;
  if (!spec) return undefined;
  const answers = readPath(payload, spec.path);
  if (isObj(answers)) return own(answers, questionId) ? answers[questionId] : undefined;
  if (!Array.isArray(answers)) return undefined;
  for (const a of answers as unknown[]) {
    if (!isObj(a)) continue;
    const id = spec.idKeys.map((k) => (own(a, k) ? a[k] : undefined)).find((v) => v !== undefined);
    if ((typeof id === "string" || typeof id === "number" ? String(id) : undefined) !== questionId) continue;
    return spec.valueKeys.map((k) => (own(a, k) ? a[k] : undefined)).find((v) => v !== undefined);
  }
  return undefined;
}

function readSource(adapter: WebhookAdapter, s: Source, payload: Obj, ctx: MapContext): unknown {
  if ("path" in s) {
    const v = readPath(payload, s.path);
    return s.scale !== undefined && typeof v === "number" ? v * s.scale : v;
  }
  if ("query" in s) return ctx.query[s.query];
  if ("const" in s) return s.const;
  if ("principal" in s) return ctx.source;
  if ("answer" in s) return readAnswer(adapter, payload, answerQuestionId(s.answer, ctx));
  const values = s.sum.map((p) => readPath(payload, p));
  if (values[0] === undefined || values[0] === null) return undefined;
  const numbers = values.filter((v) => v !== undefined && v !== null).map((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v));
  return numbers.every((v) => typeof v === "number") ? numbers.reduce((a, b) => a + b, 0) : values[0];
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

export function convert(value: unknown, as: Conversion | undefined): unknown {
  switch (as) {
    case undefined:
      return value;
    case "string":
      return typeof value === "number" ? String(value) : value;
    case "number":
    case "int":
      return typeof value === "string" && NUMERIC.test(value.trim()) ? Number(value) : value;
    case "bool":
      if (typeof value === "string") {
        const s = value.trim().toLowerCase();
        if (["true", "yes", "1", "y"].includes(s)) return true;
        if (["false", "no", "0", "n"].includes(s)) return false;
      }
      if (value === 1 || value === 0) return value === 1;
      return value;
    case "datetime":
      // Epoch seconds or milliseconds become ISO-8601 in UTC; strings go to the contract as they are.
      if (typeof value === "number" && Number.isFinite(value)) {
        const ms = value < 1e11 ? value * 1000 : value;
        const d = new Date(ms);
        return Number.isNaN(d.getTime()) ? value : d.toISOString();
      }
      return value;
    case "slug":
      if (typeof value !== "string") return value;
      return value.trim().toLowerCase().replace(/[\s/]+/g, "-");
  }
}

/** One webhook payload → an item for the ingest pipeline (a candidate event, or why it is not one). */
export function mapPayload(adapter: WebhookAdapter, payload: unknown, ctx: MapContext): BodyItem {
  if (!isObj(payload)) {
    return { ok: false, issues: [{ code: "invalid_type", path: "", message: `a ${adapter.name} webhook payload must be a JSON object` }] };
  }
  const event: Obj = {};
  for (const rule of adapter.rules) {
    for (const s of rule.from) {
      const v = readSource(adapter, s, payload, ctx);
      if (v === undefined || v === null || v === "") continue;
      setPath(event, rule.to, convert(v, rule.as));
      break;
    }
  }
  return { ok: true, value: event };
}

function describeSource(adapter: WebhookAdapter, s: Source, ctx: MapContext): string | undefined {
  if ("path" in s) return s.path;
  if ("sum" in s) return s.sum[0];
  if ("answer" in s) return appendPath(adapter.answers?.path ?? "answers", answerQuestionId(s.answer, ctx));
  if ("query" in s) return `?${s.query}`;
  return undefined;
}

/**
 * Rewrites an issue's event path to the webhook field it was mapped from (the first source of the
 * rule; for a missing field, every place it is read from is listed). An issue on a whole object
 * (`customer`) is pinned to the first rule filling it (`caller_id`).
 */
export function issueTranslator(adapter: WebhookAdapter, ctx: MapContext): (issue: IngestIssue) => IngestIssue {
  const byTarget = new Map<string, { primary: string; all: string[] }>();
  for (const rule of adapter.rules) {
    const all = rule.from.map((s) => describeSource(adapter, s, ctx)).filter((d): d is string => d !== undefined);
    if (all[0] !== undefined) byTarget.set(rule.to, { primary: all[0], all });
  }
  const lookup = (path: string) => {
    const exact = byTarget.get(path);
    if (exact) return exact;
    for (const [to, src] of byTarget) if (to.startsWith(`${path}.`)) return src;
    return undefined;
  };
  return (issue) => {
    const src = issue.path === "" ? undefined : lookup(issue.path);
    if (src === undefined) return issue;
    const from = issue.code === "missing_field" && src.all.length > 1 ? ` (read from ${src.all.slice(0, -1).join(", ")} or ${src.all[src.all.length - 1]})` : "";
    return { ...issue, path: src.primary, message: `${src.primary} (mapped to ${issue.path}): ${issue.message}${from}` };
  };
}
