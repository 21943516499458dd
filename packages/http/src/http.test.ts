import { describe, expect, it } from "vitest";
import { BadRequestError, UnavailableError, createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createDigestAuthenticator, createHttpServer, sha256 } from "./index";

async function app() {
  const a = await createHttpServer({ name: "t", logger: silentLogger, metrics: createMetricsRegistry("t", { defaults: false }) });
  a.get("/bad", () => {
    throw new BadRequestError("invalid_parameter", "window must be one of 15m, 1h, 24h, 7d", { parameter: "window" });
  });
  a.get("/down", () => {
    throw new UnavailableError("kafka_unavailable", "Kafka is unavailable", 7);
  });
  a.get("/boom", () => {
    throw new Error("secret internals");
  });
  await a.ready();
  return a;
}

describe("createHttpServer", () => {
  it("maps typed errors to problem+json", async () => {
    const a = await app();
    const r = await a.inject({ method: "GET", url: "/bad" });
    expect(r.statusCode).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json()).toMatchObject({ status: 400, code: "invalid_parameter", parameter: "window", detail: expect.stringContaining("window") as unknown });
  });
  it("adds Retry-After to 503 and hides internals of unknown errors", async () => {
    const a = await app();
    const down = await a.inject({ method: "GET", url: "/down" });
    expect(down.statusCode).toBe(503);
    expect(down.headers["retry-after"]).toBe("7");
    const boom = await a.inject({ method: "GET", url: "/boom" });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain("secret");
  });
  it("serves health, OpenAPI and a problem for unknown routes; /metrics only on the ops listener", async () => {
    const a = await app();
    expect((await a.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await a.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404);
    expect((await a.ops.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(200);
    const spec = (await a.inject({ method: "GET", url: "/docs/json" })).json<{ openapi: string }>();
    expect(spec.openapi).toBe("3.1.0");
    const nf = await a.inject({ method: "GET", url: "/nope" });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toMatchObject({ code: "not_found" });
  });
});

describe("route-level auth", () => {
  const authenticator = createDigestAuthenticator([
    { sha256: sha256("read-token-0001"), principal: { tenant: "acme", kind: "read" } },
    { sha256: sha256("write-token-001"), principal: { tenant: "acme", kind: "write" } },
  ]);
  async function authed() {
    const a = await createHttpServer({ name: "t", logger: silentLogger, metrics: createMetricsRegistry("t", { defaults: false }), auth: { authenticator, defaultKind: "read" } });
    a.get("/v1/things", (req) => ({ tenant: req.principal?.tenant }));
    a.post("/v1/things", { config: { auth: "write" } }, (req) => ({ tenant: req.principal?.tenant }));
    a.get("/v1/feed", { config: { authQueryToken: true } }, () => ({ ok: true }));
    a.get("/open", { config: { auth: "public" } }, () => ({ ok: true }));
    await a.ready();
    return a;
  }
  it("defaults undeclared routes to the default kind and checks the exact kind", async () => {
    const a = await authed();
    expect(a.routeAuth.filter((r) => r.url === "/v1/things").map((r) => r.auth).sort()).toEqual(["read", "read", "write"]); // GET, HEAD, POST
    const get = (url: string, token?: string) => a.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await get("/v1/things")).statusCode).toBe(401);
    expect((await get("/v1/things", "write-token-001")).statusCode).toBe(403);
    expect((await get("/v1/things", "read-token-0001")).json()).toEqual({ tenant: "acme" });
    expect((await get("/%761/things")).statusCode).toBe(401);
    expect((await get("/v1/th%69ngs", "read-token-0001")).statusCode).toBe(200);
    expect((await a.inject({ method: "POST", url: "/v1/things", headers: { authorization: "Bearer read-token-0001" } })).statusCode).toBe(403);
    expect((await a.inject({ method: "POST", url: "/v1/things", headers: { authorization: "Bearer write-token-001" } })).statusCode).toBe(200);
    expect((await get("/open")).statusCode).toBe(200);
    expect((await get("/docs/json")).statusCode).toBe(200);
  });
  it("takes ?token= only on routes that ask for it", async () => {
    const a = await authed();
    expect((await a.inject({ url: "/v1/feed?token=read-token-0001" })).statusCode).toBe(200);
    expect((await a.inject({ url: "/v1/things?token=read-token-0001" })).statusCode).toBe(401);
  });
});
