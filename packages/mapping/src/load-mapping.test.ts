import { describe, expect, it } from "vitest";
import { describeMappingIssues, parseMapping, parseMappingText, type MappingIssue } from "./load-mapping";
import { resolveMapping, SHIPPED_MAPPING_NAMES, shippedMapping } from "./shipped";

const base = {
  name: "test",
  format: { type: "csv" },
  events: [{ name: "e", type: "call.completed", fields: { id: { column: "id" } } }],
};

function issues(input: unknown): MappingIssue[] {
  const r = parseMapping(input);
  if (r.ok) throw new Error("expected the mapping to be rejected");
  return r.error;
}

const withFields = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...base,
  ...extra,
  events: [{ name: "e", type: "call.completed", fields }],
});

describe("mapping validation", () => {
  it("accepts a minimal mapping and fills the format defaults", () => {
    const r = parseMapping(base);
    expect(r.ok && r.value.format).toEqual({ type: "csv", delimiter: ",", quote: '"', header: true, skipLines: 0, encoding: "utf-8" });
  });

  it("names the mapping field of an unknown transform", () => {
    const found = issues(withFields({ id: { column: "id", pipe: ["trim", "mapp"] } }));
    expect(found.map((i) => i.path)).toEqual(["events[0].fields.id.pipe[1]"]);
    expect(found[0]?.message).toMatch(/^unknown transform "mapp" \(expected one of trim, lower, .*\{"map": …\}/);
  });

  it("names the field of an unknown expression operator and of a bad nested value", () => {
    const found = issues(withFields({ "body.queue": { colum: "type" }, "body.waitSeconds": { column: "q", pipe: [{ truncate: -1 }] } }));
    expect(found.map((i) => i.path)).toEqual(['events[0].fields["body.queue"]', 'events[0].fields["body.waitSeconds"].pipe[0].truncate']);
    expect(found[0]?.message).toMatch(/unknown expression \["colum"\]/);
  });

  it("reports unknown keys, missing parts and format mistakes", () => {
    const found = issues({ name: "Bad Name", format: { type: "csv", delimiter: "ab", header: false }, events: [], extra: 1 });
    expect(describeMappingIssues(found)).toContain("name: must be a lower-case slug");
    expect(describeMappingIssues(found)).toContain('format.delimiter: must be one character ("\\t" for TSV)');
    expect(describeMappingIssues(found)).toContain("format.columns: is required when header is false");
    expect(describeMappingIssues(found)).toContain("events: must list at least one event");
    expect(describeMappingIssues(found)).toContain('(mapping): unknown key(s) "extra"');
  });

  it("checks condition shapes", () => {
    const found = issues({ ...base, skip: [{ when: { column: "x", equals: "a", in: ["b"] }, reason: "r" }, { when: { colum: "x" }, reason: "r" }] });
    expect(found.map((i) => i.path)).toEqual(["skip[0].when", "skip[1].when"]);
    expect(found[0]?.message).toMatch(/exactly one test.*found equals, in/);
    expect(found[1]?.message).toMatch(/unknown condition/);
  });

  it("checks references: variables in order, items only under forEach, no overlapping field paths", () => {
    const found = issues({
      ...base,
      vars: { a: { var: "b" }, b: { template: "{$nope}" } },
      events: [{ name: "e", type: "call.completed", fields: { id: { item: "label" }, customer: { const: "x" }, "customer.id": "y" } }],
    });
    expect(found).toEqual([
      { path: "vars.a.var", message: 'variable "b" is used before it is defined (vars are evaluated in order)' },
      { path: "vars.b.template", message: 'unknown variable "nope" (declare it under vars)' },
      { path: "events[0].fields.id.item", message: "the fan-out item is only available in the fields of an event with forEach" },
      { path: "events[0].fields.customer", message: 'overlaps "customer.id": set either the object or its fields' },
    ]);
  });

  it("reports bad JSON text", () => {
    const r = parseMappingText("{ nope");
    expect(r.ok ? "" : r.error[0]?.message).toMatch(/^is not valid JSON/);
  });

  it("loads every shipped mapping and resolves names, JSON text and objects", () => {
    expect(SHIPPED_MAPPING_NAMES).toEqual(["bank-calls", "cfpb-complaints", "skytrax-reviews"]);
    for (const name of SHIPPED_MAPPING_NAMES) {
      const r = shippedMapping(name);
      expect(r.ok ? r.value.name : describeMappingIssues(r.error)).toBe(name);
    }
    expect(resolveMapping(JSON.stringify(base)).ok).toBe(true);
    expect(resolveMapping(base).ok).toBe(true);
    const unknown = resolveMapping("nope");
    expect(unknown.ok ? "" : unknown.error[0]?.message).toBe('no shipped mapping named "nope" (shipped: bank-calls, cfpb-complaints, skytrax-reviews)');
  });
});
