/**
 * The mappings that ship with Pulse (packages/mapping/mappings/*.json), by name. Imported as JSON
 * modules so they travel with the code and need no file-system access at run time.
 */
import { err, type Result } from "@pulse/kit";
import bankCalls from "../mappings/bank-calls.json" with { type: "json" };
import cfpbComplaints from "../mappings/cfpb-complaints.json" with { type: "json" };
import skytraxReviews from "../mappings/skytrax-reviews.json" with { type: "json" };
import { parseMapping, parseMappingText, type MappingIssue } from "./load-mapping";
import type { Mapping } from "./spec";

const SHIPPED: Record<string, unknown> = {
  "bank-calls": bankCalls,
  "cfpb-complaints": cfpbComplaints,
  "skytrax-reviews": skytraxReviews,
};

export const SHIPPED_MAPPING_NAMES = Object.keys(SHIPPED);

/** A shipped mapping by name, checked. */
export function shippedMapping(name: string): Result<Mapping, MappingIssue[]> {
  if (!Object.prototype.hasOwnProperty.call(SHIPPED, name)) {
    return err([{ path: "(mapping)", message: `no shipped mapping named "${name}" (shipped: ${SHIPPED_MAPPING_NAMES.join(", ")})` }]);
  }
  return parseMapping(SHIPPED[name]);
}

/**
 * What an import job or the CLI receives as `mapping`: a shipped name, a JSON text, or an
 * already-parsed JSON object.
 */
export function resolveMapping(ref: unknown): Result<Mapping, MappingIssue[]> {
  if (typeof ref === "string") {
    const text = ref.trim();
    if (text.startsWith("{")) return parseMappingText(text);
    return shippedMapping(text);
  }
  return parseMapping(ref);
}
