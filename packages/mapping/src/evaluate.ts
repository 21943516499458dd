/**
 * The interpreter: evaluates expressions and conditions of a (validated) mapping against one row.
 * A failing step records a RowIssue in the context and yields null, so one pass reports every
 * problem of a row; it never throws.
 */
import { parseDateTime } from "./dates";
import type { Row } from "./row-reader";
import type { Condition, Expr, ItemPart, Transform } from "./spec";
import { applyTransform } from "./transforms";
import { asText, isEmpty, sameValue, type RowIssue, type Value } from "./values";

export interface Item {
  column: string;
  label: string;
  value: Value;
}

export interface EvalContext {
  row: Row;
  vars: Map<string, Value>;
  item: Item | undefined;
  issues: RowIssue[];
  /** The event field being computed, for issue paths. */
  path: string;
  event: string | undefined;
}

export type TemplatePart = { lit: string } | { column: string } | { var: string } | { item: ItemPart };

const templates = new Map<string, TemplatePart[]>();

/** `bank-{call_id}`: {name} is a column, {$name} a variable, {@label|@value|@column} the fan-out item. */
export function parseTemplate(template: string): TemplatePart[] {
  const hit = templates.get(template);
  if (hit) return hit;
  const parts: TemplatePart[] = [];
  const re = /\{([^{}]+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push({ lit: template.slice(last, m.index) });
    const ref = m[1] as string;
    if (ref.startsWith("$")) parts.push({ var: ref.slice(1) });
    else if (ref.startsWith("@")) parts.push({ item: ref.slice(1) as ItemPart });
    else parts.push({ column: ref });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ lit: template.slice(last) });
  templates.set(template, parts);
  return parts;
}

function issue(ctx: EvalContext, code: string, message: string): null {
  const i: RowIssue = { code, path: ctx.path, message };
  if (ctx.event !== undefined) i.event = ctx.event;
  ctx.issues.push(i);
  return null;
}

function itemValue(ctx: EvalContext, part: ItemPart): Value {
  if (!ctx.item) return issue(ctx, "mapping_error", `{"item": "${part}"} is only available in an event with forEach`);
  return part === "value" ? ctx.item.value : part === "label" ? ctx.item.label : ctx.item.column;
}

function columnValue(ctx: EvalContext, column: string): Value {
  return ctx.row.get(column) ?? null;
}

function varValue(ctx: EvalContext, name: string): Value {
  return ctx.vars.get(name) ?? null;
}

function runPipe(ctx: EvalContext, v: Value, pipe: Transform[] | undefined, source: string): Value {
  if (!pipe) return v;
  let cur = v;
  for (const t of pipe) {
    const r = applyTransform(t, cur);
    if (!r.ok) return issue(ctx, r.code, `${source}: ${r.message}`);
    cur = r.value;
  }
  return cur;
}

export function evaluate(expr: Expr, ctx: EvalContext): Value {
  if (expr === null || typeof expr !== "object") return expr;
  if ("const" in expr) return expr.const;
  if ("column" in expr) return runPipe(ctx, columnValue(ctx, expr.column), expr.pipe, `column "${expr.column}"`);
  if ("var" in expr) return runPipe(ctx, varValue(ctx, expr.var), expr.pipe, `variable "${expr.var}"`);
  if ("item" in expr) return runPipe(ctx, itemValue(ctx, expr.item), expr.pipe, `item ${expr.item}`);
  if ("template" in expr) {
    let out = "";
    for (const part of parseTemplate(expr.template)) {
      if ("lit" in part) {
        out += part.lit;
        continue;
      }
      const v = "column" in part ? columnValue(ctx, part.column) : "var" in part ? varValue(ctx, part.var) : itemValue(ctx, part.item);
      // A template with an empty placeholder is no value at all: "bank-" must not pass as an id.
      if (isEmpty(v)) return null;
      out += asText(v);
    }
    return runPipe(ctx, out, expr.pipe, `template "${expr.template}"`);
  }
  if ("first" in expr) {
    for (const e of expr.first) {
      const v = evaluate(e, ctx);
      if (!isEmpty(v)) return runPipe(ctx, v, expr.pipe, "first");
    }
    return runPipe(ctx, null, expr.pipe, "first");
  }
  if ("join" in expr) {
    const parts = expr.join.map((e) => evaluate(e, ctx)).filter((v) => !isEmpty(v));
    return runPipe(ctx, parts.length === 0 ? null : parts.map(asText).join(expr.separator ?? " "), expr.pipe, "join");
  }
  if ("cases" in expr) {
    for (const c of expr.cases) if (test(c.when, ctx)) return runPipe(ctx, evaluate(c.then, ctx), expr.pipe, "cases");
    return runPipe(ctx, expr.else === undefined ? null : evaluate(expr.else, ctx), expr.pipe, "cases");
  }
  const d = expr.datetime;
  const date = evaluate(d.date, ctx);
  const time = d.time === undefined ? undefined : evaluate(d.time, ctx);
  if (isEmpty(date) || (d.time !== undefined && isEmpty(time))) return null;
  const r = parseDateTime({
    date: asText(date),
    dateFormat: d.dateFormat,
    time: time === undefined ? undefined : asText(time),
    timeFormat: d.timeFormat,
    defaultTime: d.defaultTime,
    offset: d.offset,
    pivotYear: d.pivotYear,
  });
  if (!r.ok) return issue(ctx, "invalid_date", r.message);
  return runPipe(ctx, r.value, expr.pipe, "datetime");
}

const regexes = new WeakMap<object, RegExp>();

export function test(cond: Condition, ctx: EvalContext): boolean {
  if ("all" in cond) return cond.all.every((c) => test(c, ctx));
  if ("any" in cond) return cond.any.some((c) => test(c, ctx));
  if ("not" in cond) return !test(cond.not, ctx);
  const v: Value =
    "column" in cond
      ? columnValue(ctx, cond.column)
      : "var" in cond
        ? varValue(ctx, cond.var)
        : "item" in cond
          ? itemValue(ctx, cond.item)
          : evaluate(cond.value, ctx);
  if ("equals" in cond && cond.equals !== undefined) return sameValue(v, cond.equals);
  if ("in" in cond && cond.in) return cond.in.some((x) => sameValue(v, x));
  if ("notIn" in cond && cond.notIn) return !cond.notIn.some((x) => sameValue(v, x));
  if ("empty" in cond && cond.empty !== undefined) return isEmpty(v) === cond.empty;
  if ("matches" in cond && cond.matches !== undefined) {
    let re = regexes.get(cond);
    if (!re) {
      re = new RegExp(cond.matches, "u");
      regexes.set(cond, re);
    }
    return v !== null && re.test(asText(v));
  }
  return false;
}
