/**
 * Per-tenant tokens of the query service, each of a kind: `read` (every GET route) or `write`
 * (routes that change state, e.g. alerts and cases; a read token never passes them). Only SHA-256 digests are kept after start-up; a presented token is hashed
 * and compared with every stored digest in constant time (no early exit), so neither the comparison
 * nor the position of the match leaks through timing.
 *
 * Spec format (QUERY_TOKENS, or the content of QUERY_TOKENS_FILE):
 *   - a JSON object { "<token>": "<tenant>" | { "tenant": "<tenant>", "kind": "read" | "write" }, ... }, or
 *   - `token=tenant` or `token=tenant:kind` pairs separated by commas or new lines (`#` starts a
 *     comment line). Without a kind a token is a read token.
 * A token may be given pre-hashed as `sha256:<64 hex digits>` so the plaintext never sits in config.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { TENANT_PATTERN, TENANT_RULE } from "@pulse/contract";
import { createDigestAuthenticator, type Authenticator, type TokenKind } from "@pulse/http";

/** `kind` absent: read. */
export type TokenEntry = { sha256: Buffer; tenant: string; kind?: TokenKind };

const HASHED = /^sha256:([0-9a-f]{64})$/i;

export function sha256(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Parses a token spec; throws an Error saying which entry is wrong (never echoing a token). */
export function parseTokenSpec(spec: string): TokenEntry[] {
  const pairs: [string, string, string][] = [];
  const trimmed = spec.trim();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new Error("the token map is not valid JSON");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error("the token map must be a JSON object");
    for (const [token, value] of Object.entries(json as Record<string, unknown>)) {
      const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
      const tenant = typeof value === "string" ? value : v.tenant;
      const kind = typeof value === "string" ? "read" : (v.kind ?? "read");
      if (typeof tenant !== "string" || typeof kind !== "string") throw new Error(`entry ${pairs.length + 1}: the value must be a tenant string or { "tenant", "kind" }`);
      pairs.push([token, tenant, kind]);
    }
  } else {
    const items = trimmed
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0 && !s.startsWith("#"));
    items.forEach((item, i) => {
      const at = item.lastIndexOf("=");
      if (at <= 0) throw new Error(`entry ${i + 1} must look like token=tenant or token=tenant:kind`);
      const [tenant = "", kind = "read", ...extra] = item.slice(at + 1).trim().split(":");
      if (extra.length > 0) throw new Error(`entry ${i + 1} must look like token=tenant or token=tenant:kind`);
      pairs.push([item.slice(0, at).trim(), tenant.trim(), kind.trim()]);
    });
  }
  if (pairs.length === 0) throw new Error("no tokens configured");
  return pairs.map(([token, tenant, kind], i) => {
    if (kind !== "read" && kind !== "write") throw new Error(`entry ${i + 1} (tenant ${tenant}): kind must be read or write`);
    if (!TENANT_PATTERN.test(tenant)) throw new Error(`entry ${i + 1}: tenant '${tenant}' ${TENANT_RULE}`);
    if (token.length < 16 && !HASHED.test(token)) throw new Error(`entry ${i + 1} (tenant ${tenant}): a token must be at least 16 characters`);
    const hashed = HASHED.exec(token);
    return { sha256: hashed ? Buffer.from(hashed[1]!, "hex") : sha256(token), tenant, kind };
  });
}

/** The entries as the route-level authenticator of @pulse/http. */
export function tokenAuthenticator(entries: readonly TokenEntry[]): Authenticator {
  return createDigestAuthenticator(entries.map((e) => ({ sha256: e.sha256, principal: { tenant: e.tenant, kind: e.kind ?? "read" } })));
}

/** Parses a token file's text into an authenticator (used for reloads), with the tenants it names. */
export function parseTokenFile(text: string): Authenticator & { tenants: string[] } {
  const entries = parseTokenSpec(text);
  return { ...tokenAuthenticator(entries), tenants: [...new Set(entries.map((e) => e.tenant))].sort() };
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
