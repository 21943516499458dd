import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { bearerToken, watchTokenFile, type Authenticator, type TokenKind } from "@pulse/http";
import { err, ok, type Logger, type Result } from "@pulse/kit";
import { TENANT_PATTERN, TENANT_RULE } from "@pulse/contract";

/**
 * One configured API key: only its SHA-256 is known to the collector. `kind` is `write` (the
 * default: an ingest source) or `read`; every collector route needs a write key, so a read key
 * configured here is answered 403 (kept so one key file can list both kinds).
 */
export interface ApiKeyEntry {
  sha256: string;
  tenant: string;
  source: string;
  kind?: TokenKind;
}

/** Who is sending: both come from the key, never from the payload. */
export interface Principal {
  tenant: string;
  source: string;
}

/** A principal with the kind of its key (what the route-level check needs). */
export type KeyPrincipal = Principal & { kind: TokenKind };

const HEX64 = /^[0-9a-f]{64}$/;
// Same rule as the contract's `source` label (printable ASCII), minus ',' which separates list entries.
const SOURCE = /^[\x20-\x2b\x2d-\x7e]{1,128}$/;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function checkEntry(e: ApiKeyEntry, where: string): string | undefined {
  if (!HEX64.test(e.sha256)) return `${where}: the hash must be 64 lower-case hex characters (sha256 of the key)`;
  if (!TENANT_PATTERN.test(e.tenant)) return `${where}: tenant "${e.tenant}" ${TENANT_RULE}`;
  if (!SOURCE.test(e.source)) return `${where}: source must be 1–128 printable ASCII characters without ','`;
  return undefined;
}

/** `sha256hex:tenant:source,sha256hex:tenant:source` (the source may contain ':'). */
export function parseApiKeyList(text: string): Result<ApiKeyEntry[], string> {
  const out: ApiKeyEntry[] = [];
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  for (const [i, part] of parts.entries()) {
    const m = /^([^:]*):([^:]*):(.*)$/.exec(part);
    if (!m) return err(`entry ${i + 1} must look like sha256hex:tenant:source`);
    const entry = { sha256: (m[1] ?? "").toLowerCase(), tenant: m[2] ?? "", source: m[3] ?? "" };
    const problem = checkEntry(entry, `entry ${i + 1}`);
    if (problem) return err(problem);
    out.push(entry);
  }
  if (out.length === 0) return err("lists no key");
  return ok(out);
}

/** A JSON array of `{ "sha256": "...", "tenant": "...", "source": "..." }`. */
export function parseApiKeyFile(text: string): Result<ApiKeyEntry[], string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return err(`is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data) || data.length === 0) return err('must be a non-empty JSON array of { "sha256", "tenant", "source" }');
  const out: ApiKeyEntry[] = [];
  for (const [i, item] of (data as unknown[]).entries()) {
    const o = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof o.sha256 !== "string" || typeof o.tenant !== "string" || typeof o.source !== "string") {
      return err(`entry ${i + 1} must have string fields sha256, tenant and source`);
    }
    if (o.kind !== undefined && o.kind !== "read" && o.kind !== "write") return err(`entry ${i + 1}: kind must be "read" or "write"`);
    const entry: ApiKeyEntry = { sha256: o.sha256.toLowerCase(), tenant: o.tenant, source: o.source, ...(o.kind === undefined ? {} : { kind: o.kind }) };
    const problem = checkEntry(entry, `entry ${i + 1}`);
    if (problem) return err(problem);
    out.push(entry);
  }
  return ok(out);
}

export interface Keyring {
  /** The principal of an `Authorization: Bearer <key>` header, or undefined (→ 401). */
  authenticate(authorization: string | undefined): KeyPrincipal | undefined;
  /** The same lookup for a bare key: the route-level authenticator of @pulse/http. */
  readonly tokens: Authenticator;
  /** Stops watching a key file (no-op for a fixed keyring). */
  close(): void;
}

/**
 * Compares the presented key's digest with every configured digest using timingSafeEqual and
 * without stopping at the first match, so the time taken says nothing about which (or whether a)
 * key matched. Keys are few (one per source system), so the scan is cheap.
 */
export function createKeyring(entries: readonly ApiKeyEntry[]): Keyring {
  return keyringOf(digestLookup(entries), () => undefined);
}

function digestLookup(entries: readonly ApiKeyEntry[]): (key: string) => KeyPrincipal | undefined {
  const digests = entries.map((e) => ({ digest: Buffer.from(e.sha256, "hex"), principal: Object.freeze({ tenant: e.tenant, source: e.source, kind: e.kind ?? "write" }) }));
  return (key) => {
    const presented = createHash("sha256").update(key, "utf8").digest();
    let found: KeyPrincipal | undefined;
    for (const d of digests) {
      if (timingSafeEqual(d.digest, presented) && found === undefined) found = d.principal;
    }
    return found;
  };
}

function keyringOf(lookup: (key: string) => KeyPrincipal | undefined, close: () => void): Keyring {
  return {
    authenticate(authorization) {
      const key = bearerToken(authorization);
      return key === undefined ? undefined : lookup(key);
    },
    tokens: { authenticate: lookup },
    close,
  };
}

/**
 * A keyring whose file part is re-read when the file changes or on SIGHUP (rotation without
 * restart). `entries` are all keys configured at start; those not in the file (PULSE_API_KEYS)
 * stay in force across reloads. A file that no longer parses is refused and the old keys kept.
 */
export function watchApiKeyFile(path: string, entries: readonly ApiKeyEntry[], logger: Logger, intervalMs?: number): Keyring & { reload(): boolean } {
  const parse = (text: string): Authenticator => {
    const r = parseApiKeyFile(text);
    if (!r.ok) throw new Error(r.error);
    return { authenticate: digestLookup(r.value) };
  };
  const watcher = watchTokenFile({
    path,
    parse,
    logger,
    ...(intervalMs === undefined ? {} : { intervalMs }),
    fixed: { authenticate: () => undefined },
  });
  // The keys that did not come from the file: computed after the first read of the file.
  let fromFile = new Set<string>();
  try {
    const first = parseApiKeyFile(readFileSync(path, "utf8"));
    if (first.ok) fromFile = new Set(first.value.map((e) => e.sha256));
  } catch {
    // watchTokenFile has already read it once; a file gone since then keeps every key fixed.
  }
  const fixed = digestLookup(entries.filter((e) => !fromFile.has(e.sha256)));
  const lookup = (key: string): KeyPrincipal | undefined => {
    const p = fixed(key) ?? watcher.authenticate(key);
    return p && p.source !== undefined ? { tenant: p.tenant, source: p.source, kind: p.kind } : undefined;
  };
  return { ...keyringOf(lookup, () => watcher.close()), reload: () => watcher.reload() };
}
