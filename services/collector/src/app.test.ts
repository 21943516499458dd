import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { UnavailableError } from "@pulse/kit";
import { fakeApp, KEY_A, TEST_LIMITS } from "./test-support/fakes";

// HTTP behaviour that does not depend on Kafka or Redis (those are in *.integration.test.ts).
const json = { authorization: `Bearer ${KEY_A}`, "content-type": "application/json" };

describe("collector app (pure HTTP behaviour)", () => {
  it("answers whole-request errors as problem+json", async () => {
    const { app } = await fakeApp({ limits: { ...TEST_LIMITS, maxBodyBytes: 1000, maxEvents: 3 } });
    const post = (headers: Record<string, string>, payload: string | Buffer) => app.inject({ method: "POST", url: "/v1/events", headers, payload });
    const cases: [number, string, Awaited<ReturnType<typeof post>>][] = [
      [401, "unauthorized", await post({ "content-type": "application/json" }, "{}")],
      [401, "unauthorized", await post({ ...json, authorization: "Bearer wrong" }, "{}")],
      [415, "unsupported_media_type", await post({ ...json, "content-type": "text/plain" }, "{}")],
      [413, "body_too_large", await post(json, JSON.stringify({ pad: "x".repeat(2000) }))],
      [413, "too_many_events", await post(json, "[1,2,3,4]")],
      [400, "invalid_json", await post(json, "{")],
      [400, "invalid_utf8", await post(json, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))],
      [400, "too_deep", await post(json, "[".repeat(40))],
      [400, "empty_batch", await post(json, "[]")],
    ];
    for (const [status, code, r] of cases) {
      expect({ status: r.statusCode, code: r.json<{ code: string }>().code }).toEqual({ status, code });
      expect(r.headers["content-type"]).toContain("application/problem+json");
    }
    await app.close();
  });

  it("answers 503 with Retry-After and accepts nothing when the producer fails", async () => {
    const { app, producer, dedup } = await fakeApp();
    producer.failWith = new UnavailableError("kafka_unavailable", "down", 5);
    const r = await app.inject({ method: "POST", url: "/v1/events", headers: json, payload: JSON.stringify([makeSampleEvent("survey.response")]) });
    expect(r.statusCode).toBe(503);
    expect(r.headers["retry-after"]).toBe("5");
    expect(dedup.keys.size).toBe(0);
    await app.close();
  });

  it("answers 429 with Retry-After past the tenant's budget", async () => {
    const { app } = await fakeApp({ limits: { ...TEST_LIMITS, rateLimit: { eventsPerSecond: 1, burst: 2 } } });
    const events = () => JSON.stringify([makeSampleEvent("survey.response"), makeSampleEvent("survey.response")]);
    expect((await app.inject({ method: "POST", url: "/v1/events", headers: json, payload: events() })).statusCode).toBe(200);
    const r = await app.inject({ method: "POST", url: "/v1/events", headers: json, payload: events() });
    expect(r.statusCode).toBe(429);
    expect(r.headers["retry-after"]).toBe("2");
    expect(r.json()).toMatchObject({ code: "rate_limited" });
    await app.close();
  });

  it("documents the contract's event schema in OpenAPI without validating bodies with it", async () => {
    const { app } = await fakeApp();
    const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json<{
      components: { schemas: Record<string, unknown> };
      paths: Record<string, { post?: { requestBody?: unknown; responses?: Record<string, unknown> } }>;
    }>();
    expect(doc.components.schemas).toHaveProperty("FeedbackEvent");
    expect(doc.components.schemas).toHaveProperty("SurveyResponseEvent");
    expect(JSON.stringify(doc.paths["/v1/events"]?.post?.requestBody)).toContain("#/components/schemas/FeedbackEvent");
    expect(Object.keys(doc.paths["/v1/events"]?.post?.responses ?? {})).toEqual(expect.arrayContaining(["200", "207", "400", "413", "415", "429", "503"]));
    expect(doc.paths).toHaveProperty(["/v1/webhooks/survey"]);
    expect(doc.paths).toHaveProperty(["/v1/webhooks/call-ended"]);
    await app.close();
  });
});
