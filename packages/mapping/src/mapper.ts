/**
 * From one row to candidate events, then to contract-checked events. A row is all-or-nothing:
 * if any event it yields fails, the whole row is rejected, so the events of one source record
 * (a review's overall and per-touchpoint answers) are never half imported.
 */
import { validateEvent, type FeedbackEvent } from "@pulse/contract";
import { PulseError } from "@pulse/kit";
import { evaluate, test, type EvalContext, type Item } from "./evaluate";
import { referencedColumns } from "./load-mapping";
import type { Row } from "./row-reader";
import type { EventSpec, Mapping } from "./spec";
import type { RowIssue, Value } from "./values";

export type RowOutcome =
  | { kind: "accepted"; events: FeedbackEvent[] }
  | { kind: "skipped"; reason: string }
  | { kind: "rejected"; issues: RowIssue[] };

export interface MapOptions {
  /** The events' `source` (the import job's); defaults to the mapping's `source`. */
  source?: string | undefined;
  /** The clock validateEvent compares timestamps with. */
  now: Date;
  /** The earliest occurredAt accepted (PULSE_MIN_OCCURRED_AT; default: the contract's). */
  minOccurredAt?: Date | undefined;
}

/** The file does not fit the mapping (a column it reads is missing): the whole import fails. */
export class MappingColumnsError extends PulseError {
  constructor(message: string, details: Record<string, unknown>) {
    super("mapping_columns_missing", message, { status: 400, details });
  }
}

/** Checks a header against the columns the mapping reads; null for NDJSON (no header). */
export function checkHeader(mapping: Mapping, columns: string[] | null): void {
  if (columns === null) return;
  const have = new Set(columns);
  const missing = [...referencedColumns(mapping)].filter((c) => !have.has(c));
  if (missing.length > 0) {
    throw new MappingColumnsError(
      `the file has no column ${missing.map((c) => `"${c}"`).join(", ")} that mapping "${mapping.name}" reads (the header has ${columns.map((c) => `"${c}"`).join(", ")})${delimiterHint(mapping, columns)}`,
      { missing, columns },
    );
  }
}

/** A one-column header full of another separator usually means the wrong delimiter. */
function delimiterHint(mapping: Mapping, columns: string[]): string {
  const format = mapping.format;
  if (format.type !== "csv" || columns.length !== 1) return "";
  const header = columns[0] ?? "";
  const found = [",", ";", "\t", "|"].find((d) => d !== format.delimiter && header.includes(d));
  return found === undefined ? "" : ` — is the delimiter right? The mapping splits on ${JSON.stringify(format.delimiter)} but the header contains ${JSON.stringify(found)}`;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let obj = target;
  for (const p of parts.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(obj, p) ? obj[p] : undefined;
    if (typeof next === "object" && next !== null) obj = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      Object.defineProperty(obj, p, { value: created, enumerable: true, writable: true, configurable: true });
      obj = created;
    }
  }
  // defineProperty: a "__proto__" segment becomes an own key the contract then rejects, never a prototype.
  Object.defineProperty(obj, parts[parts.length - 1] as string, { value, enumerable: true, writable: true, configurable: true });
}

function buildEvent(spec: EventSpec, base: Omit<EvalContext, "path" | "event" | "item">, item: Item | undefined, eventName: string, source: string | undefined): Record<string, unknown> {
  const ctx: EvalContext = { ...base, item, path: "type", event: eventName };
  const event: Record<string, unknown> = {};
  const type = evaluate(spec.type, ctx);
  if (type !== null) event.type = type;
  event.schemaVersion = 1;
  if (source !== undefined) event.source = source;
  for (const [path, expr] of Object.entries(spec.fields)) {
    ctx.path = path;
    const v = evaluate(expr, ctx);
    if (v !== null) setPath(event, path, v);
  }
  return event;
}

/** Maps one row to candidate events (not yet validated), or skipped / rejected with the mapping's issues. */
export function mapRow(mapping: Mapping, row: Row, source: string | undefined): { kind: "events"; events: { name: string; event: Record<string, unknown> }[] } | Exclude<RowOutcome, { kind: "accepted" }> {
  const issues: RowIssue[] = [];
  const vars = new Map<string, Value>();
  const ctx: EvalContext = { row, vars, item: undefined, issues, path: "", event: undefined };
  for (const [name, expr] of Object.entries(mapping.vars ?? {})) {
    ctx.path = `$${name}`;
    vars.set(name, evaluate(expr, ctx));
  }
  ctx.path = "";
  for (const rule of mapping.skip ?? []) {
    if (test(rule.when, ctx)) return { kind: "skipped", reason: rule.reason };
  }
  const events: { name: string; event: Record<string, unknown> }[] = [];
  for (const spec of mapping.events) {
    if (spec.when && !test(spec.when, ctx)) continue;
    if (!spec.forEach) {
      events.push({ name: spec.name, event: buildEvent(spec, { row, vars, issues }, undefined, spec.name, source) });
      continue;
    }
    for (const [column, label] of Object.entries(spec.forEach.columns)) {
      const item: Item = { column, label, value: row.get(column) ?? null };
      if (spec.forEach.skipWhen && test(spec.forEach.skipWhen, { ...ctx, item })) continue;
      const name = `${spec.name}:${label}`;
      events.push({ name, event: buildEvent(spec, { row, vars, issues }, item, name, source) });
    }
  }
  if (issues.length > 0) return { kind: "rejected", issues };
  if (events.length === 0) return { kind: "skipped", reason: "the mapping made no event from this row" };
  return { kind: "events", events };
}

/** Maps and validates one row: what the import does with it. */
export function processRow(mapping: Mapping, row: Row, opts: MapOptions): RowOutcome {
  const mapped = mapRow(mapping, row, opts.source ?? mapping.source);
  if (mapped.kind !== "events") return mapped;
  const accepted: FeedbackEvent[] = [];
  const issues: RowIssue[] = [];
  for (const { name, event } of mapped.events) {
    const r = validateEvent(event, { now: opts.now, ...(opts.minOccurredAt ? { minOccurredAt: opts.minOccurredAt } : {}) });
    if (r.ok) accepted.push(r.value);
    else for (const i of r.error) issues.push({ code: i.code, path: i.path, message: i.message, event: name });
  }
  if (issues.length > 0) return { kind: "rejected", issues };
  return { kind: "accepted", events: accepted };
}
