import { describe, expect, it } from "vitest";
import { BadRequestError, UnavailableError, createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createHttpServer } from "./index";

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
  it("serves health, metrics, OpenAPI and a problem for unknown routes", async () => {
    const a = await app();
    expect((await a.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await a.inject({ method: "GET", url: "/metrics" })).body).toBeTypeOf("string");
    const spec = (await a.inject({ method: "GET", url: "/docs/json" })).json<{ openapi: string }>();
    expect(spec.openapi).toBe("3.1.0");
    const nf = await a.inject({ method: "GET", url: "/nope" });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toMatchObject({ code: "not_found" });
  });
});
