/**
 * Authentication of the query service, tried as a hostile client would: every route registered
 * (as seen by Fastify's onRoute) that is not public answers 401 without a token and 403 with a
 * token of the wrong kind, under every URL spelling the router may resolve to it. A route added
 * later is enumerated the same way, so it is covered without touching this file. Real chDB.
 */
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ClickHouse, Reader } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { openTestDb } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const READ = "acme-read-token-000001";
const WRITE = "acme-write-token-00001";
const EU_READ = "acme-eu-read-token-001";

let ch: ClickHouse;
let reader: Reader;
let app: QueryApp;

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  reader = db.reader;
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-auth-test", { defaults: false }),
    tokens: parseTokenSpec(`${READ}=acme,${WRITE}=acme:write,${EU_READ}=acme.eu`),
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
});

/** Every spelling of a path that a router might resolve to the same route. */
function spellings(url: string): string[] {
  const segments = url.split("/").slice(1);
  const encodeFirst = (s: string) => (s.length === 0 ? s : `%${s.charCodeAt(0).toString(16)}${s.slice(1)}`);
  const out = new Set<string>([
    url,
    `/${segments.map(encodeFirst).join("/")}`,
    `/${encodeFirst(segments[0] ?? "")}/${segments.slice(1).join("/")}`,
    `/${segments.map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("")).join("/")}`,
    `/${url}`,
    url.replace(/\//g, "//"),
    `${url}/`,
    `${url}//`,
    `/.${url}`,
    url.replace("/", "/./"),
    `/v1/../${url.slice(1)}`,
    `/%2e${url}`,
    url.toUpperCase(),
    url.replace(/^\/v1/, "/V1"),
    `${url}?`,
    `${url}#frag`,
    `${url};a=b`,
    `${url}%00`,
    `${url}%2f`,
    `${url}?token=${READ}`.replace(READ, "x"),
  ]);
  return [...out];
}

function sample(url: string): string {
  // Parametric and wildcard routes get a concrete value.
  return url.replace(/:[A-Za-z]+/g, "x").replace(/\*$/, "x");
}

const protectedRoutes = () => app.routeAuth.filter((r) => r.auth !== "public" && r.method !== "HEAD");

describe("every registered route", () => {
  it("lists the routes with their kinds; only the dashboard (its pages and files), health and docs are public", () => {
    const pub = new Set(app.routeAuth.filter((r) => r.auth === "public").map((r) => r.url));
    for (const url of pub) expect(url === "/" || url === "/cases" || url === "/healthz" || url === "/readyz" || url.startsWith("/docs") || url.startsWith("/vendor/") || /^\/[a-z]+\.(js|css)$/.test(url), url).toBe(true);
    expect(protectedRoutes().map((r) => r.url)).toEqual(expect.arrayContaining(["/v1/scores", "/v1/stream", "/v1/compare", "/v1/drivers", "/v1/pain-points", "/v1/scores/timeseries"]));
    expect(app.routeAuth.some((r) => r.url === "/metrics")).toBe(false);
  });

  it("answers 401 without a token and 403 with a token of the wrong kind, on every route", async () => {
    expect(protectedRoutes().length).toBeGreaterThan(5);
    for (const r of protectedRoutes()) {
      const url = sample(r.url);
      const method = r.method as "GET";
      const none = await app.inject({ method, url });
      expect(none.statusCode, `${r.method} ${url} without a token`).toBe(401);
      expect(none.json()).toMatchObject({ code: "unauthorized" });
      expect(none.headers["www-authenticate"]).toContain("Bearer");
      const unknown = await app.inject({ method, url, headers: { authorization: "Bearer not-a-configured-token" } });
      expect(unknown.statusCode, `${r.method} ${url} with an unknown token`).toBe(401);
      const wrong = r.auth === "read" ? WRITE : READ;
      const forbidden = await app.inject({ method, url, headers: { authorization: `Bearer ${wrong}` } });
      expect(forbidden.statusCode, `${r.method} ${url} with a ${r.auth === "read" ? "write" : "read"} token`).toBe(403);
      expect(forbidden.json()).toMatchObject({ code: "wrong_token_kind" });
    }
  });

  it("no spelling of a protected path is answered without a valid token (/%761/scores was 200)", async () => {
    const seen = new Map<number, number>();
    for (const r of protectedRoutes()) {
      for (const url of spellings(sample(r.url))) {
        for (const headers of [{}, { authorization: `Bearer ${WRITE}` }, { authorization: "Bearer x" }]) {
          const res = await app.inject({ method: r.method as "GET", url, headers });
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          expect([400, 401, 403, 404], `${r.method} ${url} ${JSON.stringify(headers)} → ${res.statusCode}`).toContain(res.statusCode);
          expect(res.body).not.toContain("acme");
        }
      }
    }
    // The spellings do reach routes (else this test would prove nothing): the encoded ones are 401.
    expect(seen.get(401) ?? 0).toBeGreaterThan(protectedRoutes().length * 3);
    const encoded = await app.inject({ url: "/%761/scores" });
    expect(encoded.statusCode).toBe(401);
    const encodedStream = await app.inject({ url: "/%761/stream" });
    expect(encodedStream.statusCode).toBe(401);
  });

  it("a read token reads; a tenant with a dot (acme.eu) is valid", async () => {
    const ok = await app.inject({ url: "/%761/scores?window=1h", headers: { authorization: `Bearer ${READ}` } });
    expect(ok.statusCode).toBe(200);
    const eu = await app.inject({ url: "/v1/scores?window=1h", headers: { authorization: `Bearer ${EU_READ}` } });
    expect(eu.statusCode).toBe(200);
  });

  it("serves /metrics only on the ops listener; public answers never name a tenant", async () => {
    await app.inject({ url: "/v1/scores?window=1h", headers: { authorization: `Bearer ${READ}` } });
    const pub = await app.inject({ url: "/metrics" });
    expect(pub.statusCode).toBe(404);
    expect(pub.body).not.toContain("acme");
    const ops = await app.ops.inject({ url: "/metrics" });
    expect(ops.statusCode).toBe(200);
    expect(ops.body).toContain("pulse_query_request_duration_seconds");
    const docs = await app.inject({ url: "/docs/json" });
    expect(docs.body).not.toContain("acme");
  });
});

describe("token rotation without restart", () => {
  it("re-reads the token file when it changes: a new token works, a removed one is refused at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulse-tokens-"));
    const file = join(dir, "tokens");
    const OLD = "old-read-token-0000001";
    const NEW = "new-read-token-0000002";
    writeFileSync(file, `# rotation test\n${OLD}=acme\n`);
    const rotating = await createQueryApp({
      reader,
      logger: silentLogger,
      metrics: createMetricsRegistry("query-rotation-test", { defaults: false }),
      tokens: parseTokenSpec(`${OLD}=acme`),
      tokensFile: file,
    });
    try {
      const status = async (token: string) => (await rotating.inject({ url: "/v1/scores?window=1h", headers: { authorization: `Bearer ${token}` } })).statusCode;
      expect(await status(OLD)).toBe(200);
      expect(await status(NEW)).toBe(401);
      // A secrets manager replaces the file atomically (write + rename).
      writeFileSync(`${file}.tmp`, `${NEW}=acme\n`);
      renameSync(`${file}.tmp`, file);
      await vi.waitFor(async () => expect(await status(NEW)).toBe(200), { timeout: 15_000, interval: 200 });
      expect(await status(OLD)).toBe(401);
      // A broken file is refused: the tokens in force stay.
      writeFileSync(file, "this is not a token line\n");
      await new Promise((r) => setTimeout(r, 2500));
      expect(await status(NEW)).toBe(200);
    } finally {
      await rotating.close();
    }
  });
});
