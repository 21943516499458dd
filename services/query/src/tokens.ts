/**
 * Per-tenant read tokens. Only SHA-256 digests are kept after start-up; a presented token is hashed
 * and compared with every stored digest in constant time (no early exit), so neither the comparison
 * nor the position of the match leaks through timing.
 *
 * Spec format (QUERY_TOKENS, or the content of QUERY_TOKENS_FILE):
 *   - a JSON object { "<token>": "<tenant>", ... }, or
 *   - `token=tenant` pairs separated by commas or new lines (`#` starts a comment line).
 * A token may be given pre-hashed as `sha256:<64 hex digits>` so the plaintext never sits in config.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export type TokenEntry = { sha256: Buffer; tenant: string };

const TENANT = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HASHED = /^sha256:([0-9a-f]{64})$/i;

export function sha256(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Parses a token spec; throws an Error saying which entry is wrong (never echoing a token). */
export function parseTokenSpec(spec: string): TokenEntry[] {
  const pairs: [string, string][] = [];
  const trimmed = spec.trim();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new Error("the token map is not valid JSON");
    }
    for (const [token, tenant] of Object.entries(json as Record<string, unknown>)) {
      if (typeof tenant !== "string") throw new Error(`entry ${pairs.length + 1}: the tenant must be a string`);
      pairs.push([token, tenant]);
    }
  } else {
    const items = trimmed
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0 && !s.startsWith("#"));
    items.forEach((item, i) => {
      const at = item.lastIndexOf("=");
      if (at <= 0) throw new Error(`entry ${i + 1} must look like token=tenant`);
      pairs.push([item.slice(0, at).trim(), item.slice(at + 1).trim()]);
    });
  }
  if (pairs.length === 0) throw new Error("no read tokens configured");
  return pairs.map(([token, tenant], i) => {
    if (!TENANT.test(tenant)) throw new Error(`entry ${i + 1}: tenant '${tenant}' must be a lower-case slug`);
    if (token.length < 16 && !HASHED.test(token)) throw new Error(`entry ${i + 1} (tenant ${tenant}): a token must be at least 16 characters`);
    const hashed = HASHED.exec(token);
    return { sha256: hashed ? Buffer.from(hashed[1]!, "hex") : sha256(token), tenant };
  });
}

/** Returns the tenant of a presented token, or undefined. Every stored digest is compared. */
export function createTokenVerifier(entries: readonly TokenEntry[]): (presented: string) => string | undefined {
  return (presented) => {
    const digest = sha256(presented);
    let found: string | undefined;
    for (const e of entries) {
      if (timingSafeEqual(digest, e.sha256) && found === undefined) found = e.tenant;
    }
    return found;
  };
}

/** The bearer token of an Authorization header, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
