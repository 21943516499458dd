/**
 * The pipe steps of an expression. Each takes a value and returns a value or a failure message;
 * a failure becomes a row issue (the row is rejected), never an exception.
 * Null flows through every step untouched except `default`: an empty cell stays "no value".
 */
import { createHash } from "node:crypto";
import type { Transform } from "./spec";
import { asText, isEmpty, sameValue, type Value } from "./values";

export type StepResult = { ok: true; value: Value } | { ok: false; code: string; message: string };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const okv = (value: Value): StepResult => ({ ok: true, value });
const fail = (code: string, message: string): StepResult => ({ ok: false, code, message });

/** Lower-case slug of a–z, 0–9 and '-', cut at a word boundary to fit `max` (the contract's slug). */
export function slugify(text: string, max = 64): string | null {
  let s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (s.length > max) {
    const cut = s.slice(0, max + 1).lastIndexOf("-");
    s = (cut > 0 ? s.slice(0, cut) : s.slice(0, max)).replace(/-+$/, "");
  }
  return s === "" ? null : s;
}

function toNumber(v: Value): StepResult {
  if (v === null) return okv(null);
  if (typeof v === "number") return okv(v);
  if (typeof v === "boolean") return fail("invalid_number", `${v} is not a number`);
  const s = v.trim();
  if (s === "") return okv(null);
  if (!NUMBER.test(s)) return fail("invalid_number", `"${v}" is not a number`);
  return okv(Number(s));
}

export function applyTransform(t: Transform, v: Value): StepResult {
  if (typeof t === "string") {
    switch (t) {
      case "trim":
        return okv(typeof v === "string" ? v.trim() : v);
      case "lower":
        return okv(typeof v === "string" ? v.toLowerCase() : v);
      case "upper":
        return okv(typeof v === "string" ? v.toUpperCase() : v);
      case "string":
        return okv(v === null ? null : asText(v));
      case "nullIfEmpty":
        return okv(isEmpty(v) ? null : v);
      case "slug":
        return okv(v === null ? null : slugify(asText(v)));
      case "hash":
        return okv(v === null ? null : hash(asText(v), 16));
      case "number":
        return toNumber(v);
      case "integer": {
        const r = toNumber(v);
        if (!r.ok || r.value === null) return r;
        return Number.isInteger(r.value) ? r : fail("invalid_integer", `"${asText(v)}" is not a whole number`);
      }
    }
  }
  if ("slug" in t) return okv(v === null ? null : slugify(asText(v), t.slug.maxLength));
  if ("truncate" in t) return okv(typeof v === "string" && v.length > t.truncate ? v.slice(0, t.truncate) : v);
  if ("boolean" in t) {
    if (v === null) return okv(null);
    if (t.boolean.true.some((x) => sameValue(v, x))) return okv(true);
    if (t.boolean.false.some((x) => sameValue(v, x))) return okv(false);
    return fail("invalid_boolean", `"${asText(v)}" is not one of the true values (${t.boolean.true.join(", ")}) or false values (${t.boolean.false.join(", ")})`);
  }
  if ("map" in t) {
    if (v === null) return okv(null);
    const key = asText(v);
    if (Object.prototype.hasOwnProperty.call(t.map, key)) return okv(t.map[key] as Value);
    if (t.default !== undefined) return okv(t.default);
    return fail("unmapped_value", `"${key}" is not in the lookup table (${Object.keys(t.map).slice(0, 12).join(", ")})`);
  }
  if ("nullIf" in t) return okv(t.nullIf.some((x) => sameValue(v, x)) ? null : v);
  if ("default" in t) return okv(isEmpty(v) ? t.default : v);
  return okv(v === null ? null : hash(asText(v), t.hash.length));
}

/** A stable pseudonymous id: the first `length` hex digits of SHA-256. */
export function hash(text: string, length: number): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, length);
}
