/**
 * Generators of hostile HTTP requests for the collector and the query service. Bodies start from
 * the contract's own sample events (every event type) and are then mutated: wrong types, boundary
 * numbers, huge and deep structures, invalid UTF-8 and lone surrogates, duplicate keys,
 * `__proto__` / `constructor` keys, every content type, truncated and gzip-claimed bodies, odd
 * headers; query strings with every parameter mutated; and path spellings (encoded, doubled
 * slashes, case, trailing slashes, dot segments). Deterministic for a seed.
 */
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { seededRandom } from "@pulse/kit";

export type Rng = () => number;

/** Mulberry32: small, fast, deterministic. */
export const rng = seededRandom;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export interface HostileRequest {
  target: "collector" | "query";
  method: "GET" | "POST" | "PUT" | "DELETE" | "OPTIONS" | "PATCH";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which token was sent: a valid one of the right kind, of the wrong kind, garbage or none. */
  auth: "valid" | "wrong_kind" | "garbage" | "none";
  /** The body's items as sent when they parse as JSON (to re-validate accepted events). */
  items?: unknown[];
  /** A live stream (SSE): read its head and first bytes, then hang up. */
  stream?: boolean;
}

const EVENT_TYPES = ["survey.response", "call.completed", "contact.completed", "complaint.opened", "complaint.resolved"] as const;

const STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff",
  "a\ud83d",
  "🙂".repeat(50),
  "\u202e\u200b\ufeff",
  "Zażółć gęślą jaźń",
  "../../etc/passwd",
  "%2e%2e%2f",
  "'; DROP TABLE feedback_events; --",
  "{name:String}",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "NaN",
  "Infinity",
  "1e309",
  "-0",
  "2026-02-30T25:61:61Z",
  "2026-01-01T00:00:00",
  "9999-12-31T23:59:59.999Z",
  "0000-01-01T00:00:00Z",
  "call me at 212-555-0187 or jan@example.com",
];
const NUMBERS = [0, -0, -1, 1, 0.5, 10, 11, 5, 6, 7, 8, -2147483648, 2147483647, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1.7976931348623157e308];

function hostileValue(r: Rng, depth = 0): unknown {
  switch (int(r, 0, 11)) {
    case 0:
      return pick(r, STRINGS);
    case 1:
      return pick(r, NUMBERS);
    case 2:
      return pick(r, [true, false, null]);
    case 3:
      return "x".repeat(pick(r, [129, 1025, 4097, 65_537]));
    case 4:
      return depth > 2 ? [] : Array.from({ length: int(r, 0, 5) }, () => hostileValue(r, depth + 1));
    case 5:
      return depth > 2 ? {} : { [pick(r, ["a", "__proto__", "constructor", "prototype", "id", ""])]: hostileValue(r, depth + 1) };
    case 6:
      return nested(int(r, 10, 200));
    case 7:
      return String.fromCharCode(...Array.from({ length: int(r, 1, 30) }, () => int(r, 0, 0xffff)));
    case 8:
      return int(r, -1000, 1000);
    case 9:
      return new Date(int(r, -1e13, 1e14)).toISOString?.() ?? "x";
    case 10:
      return Array.from({ length: int(r, 50, 2000) }, (_, i) => i);
    default:
      return { polluted: true };
  }
}

function nested(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

function sampleEvent(r: Rng, n: number): Record<string, unknown> {
  const e = makeSampleEvent(pick(r, EVENT_TYPES)) as unknown as Record<string, unknown>;
  e.id = `fz-${n}-${Math.floor(r() * 1e9)}`;
  e.occurredAt = new Date(Date.now() - int(r, 0, 86_400_000)).toISOString();
  return e;
}

/** One mutation of a valid event; several may be applied. */
function mutateEvent(r: Rng, e: Record<string, unknown>): void {
  const isObj = typeof e.body === "object" && e.body !== null && !Array.isArray(e.body);
  const body = (isObj ? e.body : {}) as Record<string, unknown>;
  const keys = [...Object.keys(e), ...Object.keys(body).map((k) => `body.${k}`), "attributes.note", "customer.id", "customer.segment", "journey.stage", "agent.id", "extraField"];
  const key = pick(r, keys);
  const v = hostileValue(r);
  if (key.startsWith("body.")) body[key.slice(5)] = v;
  else if (key.startsWith("attributes.")) e.attributes = { ...((e.attributes) ?? {}), note: v };
  else if (key.startsWith("customer.")) e.customer = { ...((e.customer) ?? {}), [key.slice(9)]: v };
  else if (key.startsWith("journey.")) e.journey = { stage: v };
  else if (key.startsWith("agent.")) e.agent = { id: v };
  else if (r() < 0.1) delete e[key];
  else e[key] = v;
}

const COLLECTOR_PATHS = ["/v1/events", "/v1/webhooks/survey?nps=q1&csat=q2", "/v1/webhooks/call-ended"];

/** Spellings of a path a router might resolve to the same route (or to none). */
export function pathSpelling(r: Rng, path: string): string {
  const [p = "", q] = path.split("?");
  const qs = q === undefined ? "" : `?${q}`;
  switch (int(r, 0, 14)) {
    case 0:
      return p.replace("/v1/", "/%761/") + qs;
    case 1:
      return `/${p}${qs}`;
    case 2:
      return p.replace(/\//g, "//") + qs;
    case 3:
      return `${p}/${qs}`;
    case 4:
      return p.replace("/v1/", "/v1/./") + qs;
    case 5:
      return `/v1/../${p.slice(1)}${qs}`;
    case 6:
      return p.toUpperCase() + qs;
    case 7:
      return p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`) + qs;
    case 8:
      return `${p}%00${qs}`;
    case 9:
      return `${p};x=1${qs}`;
    case 10:
      return `${p}%2f${qs}`;
    case 11:
      return p.replace("/v1/", "/v1/%2e/") + qs;
    case 12:
      return `${p}?${"a=1&".repeat(int(r, 1, 3000))}`;
    default:
      return path;
  }
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/x-ndjson",
  "application/ndjson",
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "APPLICATION/JSON",
  "application/json, text/plain",
  ";;;",
  "",
];

function collectorBody(r: Rng, n: number): { body: Buffer; items?: unknown[] } {
  const mutations = int(r, 0, 3);
  const events = Array.from({ length: r() < 0.8 ? 1 : int(r, 2, 20) }, () => {
    const e = sampleEvent(r, n);
    for (let i = 0; i < mutations; i++) mutateEvent(r, e);
    return e;
  });
  const json = events.length === 1 ? JSON.stringify(events[0]) : JSON.stringify(events);
  switch (int(r, 0, 15)) {
    case 0:
      return { body: Buffer.from(json.slice(0, int(r, 0, json.length - 1))) };
    case 1:
      return { body: Buffer.from(events.map((e) => JSON.stringify(e)).join("\n")), items: events };
    case 2:
      return { body: Buffer.from(`${"[".repeat(int(r, 33, 100_000))}1`) };
    case 3:
      return { body: Buffer.from(json.replace('"id":', `"id":"dup","id":`)) };
    case 4:
      return { body: Buffer.from(json.replace("{", `{"${pick(r, ["__proto__", "\\u005f_proto__", "constructor", "prototype"])}":{"polluted":true},`)) };
    case 5:
      return { body: Buffer.concat([Buffer.from(json.slice(0, 20)), Buffer.from([pick(r, [0xff, 0xc3, 0xe2, 0xf0, 0xed])]), Buffer.from(json.slice(20))]) };
    case 6:
      return { body: Buffer.from(json.replace(/"[^"]*"/, '"\\ud800"')) };
    case 7:
      return { body: Buffer.from(Array.from({ length: int(r, 0, 2000) }, () => int(r, 0, 255))) };
    case 8:
      return { body: Buffer.from(JSON.stringify(hostileValue(r))) };
    case 9:
      return { body: Buffer.from(r() < 0.02 ? `{"id":"${"x".repeat(6 * 1024 * 1024)}"}` : `{"id":"${"x".repeat(int(r, 1000, 200_000))}"}`) };
    case 10:
      return { body: Buffer.from(`[${Array.from({ length: int(r, 10_001, 12_000) }, () => "1").join(",")}]`) };
    case 11:
      return { body: Buffer.from("") };
    default:
      return { body: Buffer.from(json), items: events };
  }
}

export interface FuzzTokens {
  collectorWrite: string;
  collectorRead: string;
  queryRead: string;
  queryWrite: string;
}

function authHeader(r: Rng, valid: string, wrong: string): { header?: string; auth: HostileRequest["auth"] } {
  const x = r();
  if (x < 0.7) return { header: `Bearer ${valid}`, auth: "valid" };
  if (x < 0.78) return { header: `Bearer ${wrong}`, auth: "wrong_kind" };
  if (x < 0.9) {
    const garbage = pick(r, ["Bearer", "Bearer ", `Basic ${Buffer.from("a:b").toString("base64")}`, `Bearer ${valid}x`, `Bearer ${"t".repeat(10_000)}`, `bearer ${valid.toUpperCase()}`, `Bearer ${valid} extra`, "Bearer %00"]);
    return { header: garbage, auth: "garbage" };
  }
  return { auth: "none" };
}

export function collectorRequest(r: Rng, n: number, t: FuzzTokens): HostileRequest {
  const { body, items } = collectorBody(r, n);
  const headers: Record<string, string> = {};
  const ct = r() < 0.75 ? pick(r, CONTENT_TYPES.slice(0, 2)) : pick(r, CONTENT_TYPES);
  if (ct) headers["content-type"] = ct;
  if (r() < 0.03) headers["content-encoding"] = pick(r, ["gzip", "deflate", "br", "identity", "x-unknown"]);
  if (r() < 0.02) headers["x-forwarded-for"] = "1.2.3.4";
  if (r() < 0.02) headers["x-tenant"] = "other-tenant";
  const a = authHeader(r, t.collectorWrite, t.collectorRead);
  if (a.header !== undefined) headers.authorization = a.header;
  const method = r() < 0.97 ? "POST" : pick(r, ["GET", "PUT", "DELETE", "OPTIONS", "PATCH"] as const);
  const base = pick(r, COLLECTOR_PATHS);
  const path = r() < 0.8 ? base : pathSpelling(r, base);
  return { target: "collector", method, path, headers, body, auth: a.auth, ...(items ? { items } : {}) };
}

const QUERY_PATHS = ["/v1/scores", "/v1/scores/timeseries", "/v1/compare", "/v1/pain-points", "/v1/drivers"];
const PARAMS = ["window", "from", "to", "groupBy", "touchpoint", "channel", "segment", "journeyStage", "metric", "grain", "baselineFrom", "baselineTo", "limit", "touchpoints", "token", "unknown"];
const GOOD: Record<string, readonly string[]> = {
  window: ["15m", "1h", "24h", "7d"],
  groupBy: ["touchpoint", "channel", "segment,journeyStage", "touchpoint,channel"],
  touchpoint: ["ivr", "chat", "ivr,chat"],
  channel: ["phone", "chat"],
  metric: ["nps", "csatTop2", "ces", "events", "waitP90"],
  grain: ["minute", "hour", "day", "auto"],
  limit: ["1", "10", "100"],
  touchpoints: ["ivr,chat"],
};

function paramValue(r: Rng, name: string): string {
  const good = GOOD[name];
  if (good && r() < 0.5) return pick(r, good);
  const v = hostileValue(r);
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? "";
  return r() < 0.1 ? s.slice(0, 20_000) : s.slice(0, 300);
}

/** Percent-encodes; a lone surrogate becomes the (invalid UTF-8) bytes of its code unit. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        const u = c.charCodeAt(0);
        return `%${(0xe0 | (u >> 12)).toString(16)}%${(0x80 | ((u >> 6) & 0x3f)).toString(16)}%${(0x80 | (u & 0x3f)).toString(16)}`;
      }
    }).join("");
  }
}

export function queryRequest(r: Rng, t: FuzzTokens): HostileRequest {
  const stream = r() < 0.1;
  const base = stream ? "/v1/stream" : pick(r, QUERY_PATHS);
  const parts: string[] = [];
  for (const p of PARAMS) {
    if (r() < (p === "window" ? 0.6 : 0.15)) {
      const times = r() < 0.05 ? 2 : 1;
      for (let i = 0; i < times; i++) parts.push(`${r() < 0.05 ? enc(p).toUpperCase() : p}=${r() < 0.9 ? enc(paramValue(r, p)) : paramValue(r, p).replace(/[&#\s]/g, "")}`);
    }
  }
  if (r() < 0.03) parts.push("%zz=%", "a[b]=c", "__proto__[x]=1", "constructor=1");
  const qs = parts.length ? `?${parts.join("&")}` : "";
  const path = r() < 0.8 ? `${base}${qs}` : pathSpelling(r, `${base}${qs}`);
  const headers: Record<string, string> = {};
  const a = authHeader(r, t.queryRead, t.queryWrite);
  let target = path;
  // The stream also takes its token as ?token= (EventSource cannot send headers): the same
  // token, valid, of the wrong kind or garbage, sent that way instead.
  if (stream && a.header?.startsWith("Bearer ") && r() < 0.4) target += `${target.includes("?") ? "&" : "?"}token=${enc(a.header.slice(7))}`;
  else if (a.header !== undefined) headers.authorization = a.header;
  if (r() < 0.05) headers.accept = pick(r, ["text/event-stream", "application/xml", "*/*;q=0"]);
  const method = r() < 0.95 ? "GET" : pick(r, ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] as const);
  return { target: "query", method, path: target, headers, auth: a.auth, ...(stream ? { stream } : {}), ...(method === "POST" ? { body: Buffer.from("{}") } : {}) };
}
