/**
 * The one canonical form of a dimension value (touchpoint, channel, segment, journey stage) and
 * of a catalogue name (touchpoint, alias, source alias). Applied when an event is stored and to
 * every query filter and catalogue lookup, so a value is found by the name it was sent with:
 * `front-desk`, `Front Desk` and `front_desk` are all stored, filtered and looked up as
 * `front_desk`.
 *
 * The rule: lower case, trimmed, every run of characters that are not letters or digits becomes
 * one `_`, and `_` at either end is dropped. It is idempotent (canonicalName(canonicalName(x)) ===
 * canonicalName(x)). `_` rather than `-` because that is what the stored rollups already hold.
 */
export function canonicalName(value: string | null | undefined): string {
  if (!value) return "";
  return value
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

/** The dimensions whose values are canonicalised on ingestion and in query filters. */
export const CANONICAL_DIMENSIONS = ["touchpoint", "channel", "segment", "journeyStage"] as const;
export type CanonicalDimension = (typeof CANONICAL_DIMENSIONS)[number];
