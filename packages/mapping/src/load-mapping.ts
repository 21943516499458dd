/**
 * Turning mapping JSON into a checked Mapping: the zod schema first, then the cross-references
 * zod cannot see (variables defined before use, {"item"} only under forEach, field paths that do
 * not overlap). Every problem is reported with the mapping path it sits at.
 */
import { formatIssuePath } from "@pulse/contract";
import { err, ok, type Result } from "@pulse/kit";
import type { z } from "zod";
import { parseTemplate } from "./evaluate";
import { MappingSchema, type Condition, type Expr, type Mapping } from "./spec";

export interface MappingIssue {
  /** Where in the mapping file: events[0].fields["body.queue"].pipe[1] */
  path: string;
  message: string;
}

/** A path in the mapping file, written as the contract writes event paths; the root is "(mapping)". */
export function formatMappingPath(path: readonly PropertyKey[]): string {
  return formatIssuePath(path) || "(mapping)";
}

/** Human one-liner: "events[0].fields.id: unknown expression …; format.delimiter: …". */
export function describeMappingIssues(issues: MappingIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

export function parseMapping(input: unknown): Result<Mapping, MappingIssue[]> {
  const parsed = MappingSchema.safeParse(input);
  if (!parsed.success) return err(parsed.error.issues.map(toIssue));
  const mapping = parsed.data as Mapping;
  const issues = checkReferences(mapping);
  return issues.length > 0 ? err(issues) : ok(mapping);
}

export function parseMappingText(text: string): Result<Mapping, MappingIssue[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err([{ path: "(mapping)", message: `is not valid JSON: ${(e as Error).message}` }]);
  }
  return parseMapping(json);
}

function toIssue(i: z.core.$ZodIssue): MappingIssue {
  let message = i.message;
  if (i.code === "invalid_type" && i.input === undefined) message = "is required";
  else if (i.code === "unrecognized_keys") message = `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}`;
  return { path: formatMappingPath(i.path), message };
}

/** Every column name the mapping reads, for checking a file's header before any row. */
export function referencedColumns(mapping: Mapping): Set<string> {
  const cols = new Set<string>();
  walkMapping(mapping, {
    column: (c) => cols.add(c),
    var: () => undefined,
    item: () => undefined,
  });
  return cols;
}

interface Visitor {
  column(name: string, path: PropertyKey[]): void;
  var(name: string, path: PropertyKey[]): void;
  item(path: PropertyKey[]): void;
}

function walkExpr(e: Expr, path: PropertyKey[], v: Visitor): void {
  if (e === null || typeof e !== "object") return;
  if ("column" in e) v.column(e.column, [...path, "column"]);
  else if ("var" in e) v.var(e.var, [...path, "var"]);
  else if ("item" in e) v.item([...path, "item"]);
  else if ("template" in e) {
    for (const part of parseTemplate(e.template)) {
      if ("column" in part) v.column(part.column, [...path, "template"]);
      else if ("var" in part) v.var(part.var, [...path, "template"]);
      else if ("item" in part) v.item([...path, "template"]);
    }
  } else if ("first" in e) e.first.forEach((x, i) => walkExpr(x, [...path, "first", i], v));
  else if ("join" in e) e.join.forEach((x, i) => walkExpr(x, [...path, "join", i], v));
  else if ("cases" in e) {
    e.cases.forEach((c, i) => {
      walkCond(c.when, [...path, "cases", i, "when"], v);
      walkExpr(c.then, [...path, "cases", i, "then"], v);
    });
    if (e.else !== undefined) walkExpr(e.else, [...path, "else"], v);
  } else if ("datetime" in e) {
    walkExpr(e.datetime.date, [...path, "datetime", "date"], v);
    if (e.datetime.time !== undefined) walkExpr(e.datetime.time, [...path, "datetime", "time"], v);
  }
}

function walkCond(c: Condition, path: PropertyKey[], v: Visitor): void {
  if ("all" in c) c.all.forEach((x, i) => walkCond(x, [...path, "all", i], v));
  else if ("any" in c) c.any.forEach((x, i) => walkCond(x, [...path, "any", i], v));
  else if ("not" in c) walkCond(c.not, [...path, "not"], v);
  else if ("column" in c) v.column(c.column, [...path, "column"]);
  else if ("var" in c) v.var(c.var, [...path, "var"]);
  else if ("item" in c) v.item([...path, "item"]);
  else if ("value" in c) walkExpr(c.value, [...path, "value"], v);
}

/** Visits vars, skip rules and events in evaluation order; `inItemScope` tells forEach events. */
function walkMapping(m: Mapping, v: Visitor, onScope?: (scope: { vars: boolean; item: boolean; varName?: string }) => void): void {
  for (const [name, e] of Object.entries(m.vars ?? {})) {
    onScope?.({ vars: true, item: false, varName: name });
    walkExpr(e, ["vars", name], v);
  }
  onScope?.({ vars: false, item: false });
  (m.skip ?? []).forEach((s, i) => walkCond(s.when, ["skip", i, "when"], v));
  m.events.forEach((ev, i) => {
    const base = ["events", i];
    onScope?.({ vars: false, item: false });
    walkExpr(ev.type, [...base, "type"], v);
    if (ev.when) walkCond(ev.when, [...base, "when"], v);
    if (ev.forEach) for (const col of Object.keys(ev.forEach.columns)) v.column(col, [...base, "forEach", "columns", col]);
    onScope?.({ vars: false, item: ev.forEach !== undefined });
    if (ev.forEach?.skipWhen) walkCond(ev.forEach.skipWhen, [...base, "forEach", "skipWhen"], v);
    for (const [field, e] of Object.entries(ev.fields)) walkExpr(e, [...base, "fields", field], v);
  });
}

function checkReferences(m: Mapping): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const declared = Object.keys(m.vars ?? {});
  let available = new Set<string>(declared);
  let itemScope = false;
  walkMapping(
    m,
    {
      column: () => undefined,
      var: (name, path) => {
        if (!available.has(name)) {
          const later = declared.includes(name);
          issues.push({ path: formatMappingPath(path), message: later ? `variable "${name}" is used before it is defined (vars are evaluated in order)` : `unknown variable "${name}" (declare it under vars)` });
        }
      },
      item: (path) => {
        if (!itemScope) issues.push({ path: formatMappingPath(path), message: "the fan-out item is only available in the fields of an event with forEach" });
      },
    },
    (scope) => {
      itemScope = scope.item;
      if (scope.vars && scope.varName !== undefined) available = new Set(declared.slice(0, declared.indexOf(scope.varName)));
      else available = new Set(declared);
    },
  );
  m.events.forEach((ev, i) => {
    const paths = Object.keys(ev.fields);
    for (const p of paths) {
      const clash = paths.find((q) => q !== p && q.startsWith(`${p}.`));
      if (clash) issues.push({ path: formatMappingPath(["events", i, "fields", p]), message: `overlaps "${clash}": set either the object or its fields` });
      if (p === "type") issues.push({ path: formatMappingPath(["events", i, "fields", p]), message: 'the event type is set by the event\'s "type", not by a field' });
    }
  });
  return issues;
}
