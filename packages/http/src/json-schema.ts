/**
 * Small builders for the JSON Schemas of route documentation (OpenAPI at /docs), shared by the
 * collector and the query service so both write an object, a list of objects and an integer the
 * same way.
 */
export type JsonSchema = Record<string, unknown>;

export const integer = { type: "integer" } as const;
export const string = { type: "string" } as const;

/** `{ type: "object", ...extra, properties }` (extra: required, description, ...). */
export function objectOf<P extends Record<string, unknown>>(properties: P, extra: JsonSchema = {}) {
  return { type: "object", ...extra, properties } as const;
}

/** An array of objects with these properties. */
export function listOf<P extends Record<string, unknown>>(properties: P, extra: JsonSchema = {}) {
  return { type: "array", items: objectOf(properties, extra) } as const;
}
