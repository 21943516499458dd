import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { EVENT_TYPES, VALIDATION_ISSUE_CODES } from "@pulse/contract";
import { createKafka, topicNames } from "@pulse/kafka";
import { silentLogger } from "@pulse/kit";
import type { IngestAnswer } from "./answer";
import { dedupKey } from "./dedup-store";
import { newTenant, startItCollector, type ItCollector, type Tenant } from "./test-support/integration";
import { startTopicReader, type Received, type TopicReader } from "./test-support/kafka-reader";

// Real broker and Redis of the integration stack; every test uses its own tenant(s) and key(s).
const stack = inject("stack");
const brokers = stack.KAFKA_BROKERS.split(",");
const topic = topicNames().feedback;

const A = newTenant("a");
const B = newTenant("b");
const W = newTenant("webhook");
let collector: ItCollector;
let reader: TopicReader;

beforeAll(async () => {
  collector = await startItCollector({ brokers, redisUrl: stack.REDIS_URL, tenants: [A, B, W] });
  reader = await startTopicReader(createKafka({ brokers, clientId: "collector-it-reader", logger: silentLogger }), topic);
});

afterAll(async () => {
  await reader.stop();
  await collector.close();
});

type Post = { status: number; headers: Record<string, unknown>; body: IngestAnswer & { code?: string; detail?: string } };

async function post(t: Tenant | undefined, payload: string | Buffer, contentType = "application/json", url = "/v1/events"): Promise<Post> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (t) headers.authorization = t.auth;
  const r = await collector.app.inject({ method: "POST", url, headers, payload });
  return { status: r.statusCode, headers: r.headers, body: r.json() };
}

const ofTenant = (all: Received[], t: Tenant) => all.filter((r) => r.message.tenant === t.tenant);
const byId = (all: Received[], id: string) => all.filter((r) => r.message.event.id === id);

describe("POST /v1/events against Kafka and Redis", () => {
  it("accepts one event and produces it keyed by tenant:customer with the envelope and headers", async () => {
    const t = newTenant("single");
    const c = await startItCollector({ brokers, redisUrl: stack.REDIS_URL, tenants: [t] });
    const e = makeSampleEvent("survey.response", { customer: { id: "cus-single-1" } });
    const before = Date.now();
    const r = await c.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: t.auth, "content-type": "application/json" }, payload: JSON.stringify(e) });
    await c.close();
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0, results: [{ index: 0, status: "accepted", id: e.id }] });
    const got = ofTenant(await reader.caughtUp(), t);
    expect(got).toHaveLength(1);
    const m = got[0] as Received;
    expect(m.key).toBe(`${t.tenant}:cus-single-1`);
    expect(m.headers).toEqual({ "content-type": "application/json", "pulse-tenant": t.tenant });
    expect(m.message).toMatchObject({ v: 1, tenant: t.tenant, source: t.source, event: e });
    expect(Date.parse(m.message.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("accepts a JSON array of every event type and an NDJSON body, all produced", async () => {
    const arr = EVENT_TYPES.map((type) => makeSampleEvent(type));
    const r1 = await post(A, JSON.stringify(arr));
    expect(r1.status).toBe(200);
    expect(r1.body.accepted).toBe(EVENT_TYPES.length);
    const nd = [makeSampleEvent("call.completed"), makeSampleEvent("contact.completed"), makeSampleEvent("complaint.opened")];
    const r2 = await post(A, `${nd.map((e) => JSON.stringify(e)).join("\n")}\n`, "application/x-ndjson");
    expect(r2.status).toBe(200);
    expect(r2.body.results.map((x) => x.status)).toEqual(["accepted", "accepted", "accepted"]);
    const all = await reader.caughtUp();
    for (const e of [...arr, ...nd]) {
      const got = byId(all, e.id);
      expect(got).toHaveLength(1);
      expect(got[0]?.message.event).toEqual(e);
    }
  });

  it("answers 207 for a mixed batch, produces only the valid events, and reports NDJSON line errors by index", async () => {
    const good = makeSampleEvent("survey.response");
    const bad = { ...makeSampleEvent("survey.response"), channel: "fax" };
    const r = await post(A, [JSON.stringify(good), "{not json", JSON.stringify(bad), "[".repeat(40)].join("\n"), "application/x-ndjson");
    expect(r.status).toBe(207);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 3, duplicates: 0 });
    expect(r.body.results[1]).toMatchObject({ index: 1, status: "rejected", errors: [{ code: "invalid_json" }] });
    expect(r.body.results[2]).toMatchObject({ index: 2, status: "rejected", id: bad.id, errors: [{ code: "invalid_enum", path: "channel" }] });
    expect(r.body.results[3]).toMatchObject({ index: 3, status: "rejected", errors: [{ code: "too_deep" }] });
    const all = await reader.caughtUp();
    expect(byId(all, good.id)).toHaveLength(1);
    expect(byId(all, bad.id)).toHaveLength(0);
  });

  it("reports every contract rule through HTTP, each event with all its errors, and produces none", async () => {
    const s = () => makeSampleEvent("survey.response");
    const c = () => makeSampleEvent("call.completed");
    const future = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const cases: { code: string; path: string; event: unknown }[] = [
      { code: "invalid_type", path: "body.nps", event: { ...s(), body: { ...s().body, nps: "9" } } },
      { code: "missing_field", path: "customer", event: { ...s(), customer: undefined } },
      { code: "unknown_field", path: "tenant", event: { ...s(), tenant: B.tenant } },
      { code: "too_small", path: "body.waitSeconds", event: { ...c(), body: { ...c().body, waitSeconds: -1 } } },
      { code: "too_big", path: "body.nps", event: { ...s(), body: { ...s().body, nps: 11 } } },
      { code: "not_integer", path: "body.nps", event: { ...s(), body: { ...s().body, nps: 8.5 } } },
      { code: "invalid_enum", path: "channel", event: { ...s(), channel: "fax" } },
      { code: "invalid_format", path: "customer.id", event: { ...s(), customer: { id: "jane@example.com" } } },
      { code: "missing_offset", path: "occurredAt", event: { ...s(), occurredAt: "2025-03-14T09:26:53" } },
      { code: "future_timestamp", path: "occurredAt", event: { ...s(), occurredAt: future } },
      { code: "timestamp_too_early", path: "occurredAt", event: { ...s(), occurredAt: "1969-12-31T23:59:59Z" } },
      { code: "no_score", path: "body", event: { ...s(), body: { surveyId: "s-1", comment: "no score" } } },
      { code: "forbidden_key", path: "attributes.constructor", event: { ...s(), attributes: { constructor: "x" } } },
      { code: "unknown_event_type", path: "type", event: { ...s(), type: "survey.answered" } },
      { code: "unsupported_schema_version", path: "schemaVersion", event: { ...s(), schemaVersion: 2 } },
      { code: "invalid_type", path: "", event: "not an object" },
      { code: "too_many_issues", path: "", event: { ...s(), ...Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`extra_${i}`, 1])) } },
    ];
    // Every code of the contract is exercised at least once.
    expect(new Set(cases.map((x) => x.code))).toEqual(new Set(VALIDATION_ISSUE_CODES));
    // Two broken rules in one event: both are reported.
    const twice = { ...s(), channel: "fax", body: { ...s().body, nps: 11 } };
    const r = await post(A, JSON.stringify([...cases.map((x) => x.event), twice]));
    expect(r.status).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.body).toMatchObject({ code: "all_rejected", accepted: 0, rejected: cases.length + 1 });
    cases.forEach((x, i) => {
      const res = r.body.results[i];
      expect(res?.status, x.code).toBe("rejected");
      expect(res?.errors, x.code).toEqual(expect.arrayContaining([expect.objectContaining({ code: x.code, path: x.path })]));
    });
    expect(r.body.results[cases.length]?.errors?.map((e) => e.code).sort()).toEqual(["invalid_enum", "too_big"]);
    // A __proto__ key anywhere in an event is caught by the body parser and reported for that event.
    const proto = JSON.stringify(s()).replace('"body":{', '"body":{"__proto__":{"polluted":true},');
    const rp = await post(A, `[${proto}]`);
    expect(rp.status).toBe(400);
    expect(rp.body.results[0]?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: "forbidden_key", path: "body.__proto__" })]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const all = await reader.caughtUp();
    const ids = new Set(cases.map((x) => (x.event as { id?: string }).id));
    expect(all.filter((m) => ids.has(m.message.event.id))).toHaveLength(0);
  });

  it("answers duplicates within a request and across requests, and produces each id once", async () => {
    const t = newTenant("dup");
    const c = await startItCollector({ brokers, redisUrl: stack.REDIS_URL, tenants: [t] });
    const send = async (payload: unknown) => {
      const r = await c.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: t.auth, "content-type": "application/json" }, payload: JSON.stringify(payload) });
      return { status: r.statusCode, body: r.json<IngestAnswer>() };
    };
    const e1 = makeSampleEvent("survey.response");
    const e2 = makeSampleEvent("call.completed");
    const r1 = await send([e1, e2, { ...e1, body: { ...e1.body, nps: 3 } }]);
    expect(r1.status).toBe(200);
    expect(r1.body.results.map((x) => x.status)).toEqual(["accepted", "accepted", "duplicate"]);
    const r2 = await send([e2, makeSampleEvent("survey.response", { id: "fresh-after-dup" })]);
    expect(r2.status).toBe(200);
    expect(r2.body.results.map((x) => x.status)).toEqual(["duplicate", "accepted"]);
    // The key lives for the idempotency window.
    const ttl = await c.redis.ttl(dedupKey(t.tenant, e1.id));
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    const metrics = await c.metrics.metrics();
    expect(metrics).toMatch(/collector_duplicates_total\{scope="request"[^}]*\} 1/);
    expect(metrics).toMatch(/collector_duplicates_total\{scope="window"[^}]*\} 1/);
    await c.close();
    const got = ofTenant(await reader.caughtUp(), t);
    expect(got.map((m) => m.message.event.id).sort()).toEqual([e1.id, e2.id, "fresh-after-dup"].sort());
    expect(byId(got, e1.id)[0]?.message.event.body).toEqual(e1.body); // the first copy won
  });

  it("isolates tenants: the key decides the tenant, never the payload", async () => {
    const shared = makeSampleEvent("survey.response", { attributes: { tenant: B.tenant } });
    const fromA = await post(A, JSON.stringify(shared));
    expect(fromA.status).toBe(200);
    // The same id from tenant B is B's own event, not a duplicate of A's.
    const fromB = await post(B, JSON.stringify(shared));
    expect(fromB.status).toBe(200);
    expect(fromB.body.results[0]?.status).toBe("accepted");
    // A payload cannot name its tenant.
    const sneaky = await post(A, JSON.stringify({ ...makeSampleEvent("survey.response"), tenant: B.tenant }));
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.results[0]?.errors).toEqual([expect.objectContaining({ code: "unknown_field", path: "tenant" })]);
    const all = await reader.caughtUp();
    const copies = byId(all, shared.id);
    expect(copies.map((m) => m.message.tenant).sort()).toEqual([A.tenant, B.tenant].sort());
    for (const m of all.filter((x) => x.message.tenant === A.tenant || x.message.tenant === B.tenant)) {
      const tenant = m.message.tenant === A.tenant ? A : B;
      expect(m.headers["pulse-tenant"]).toBe(tenant.tenant);
      expect(m.key.startsWith(`${tenant.tenant}:`)).toBe(true);
      expect(m.message.source).toBe(tenant.source);
    }
    // Nothing A ever sent landed under B except B's own copy.
    expect(ofTenant(all, B).map((m) => m.message.event.id)).toEqual([shared.id]);
  });

  it("maps both webhooks onto the contract and produces them with the key's source", async () => {
    const survey = {
      response_id: `resp-${W.tenant}`,
      survey_id: "post-delivery-v3",
      submitted_at: "2025-03-14T09:30:00Z",
      respondent: { id: "cus-webhook-1", segment: "retail" },
      answers: [
        { question_id: "q_nps", value: 9 },
        { question_id: "q_comment", value: "Quick and friendly" },
      ],
    };
    const r1 = await post(W, JSON.stringify(survey), "application/json", "/v1/webhooks/survey?nps=q_nps&comment=q_comment&touchpoint=delivery");
    expect(r1.status).toBe(200);
    const call = { call_id: `call-${W.tenant}`, caller_id: "cus-webhook-1", queue: "Billing", wait_seconds: 74, talk_seconds: 300, hold_seconds: 20, transfers: 1, abandoned: false, ended_at: "2025-03-14T09:40:00+01:00" };
    const broken = { ...call, call_id: `call-bad-${W.tenant}`, wait_seconds: -5, caller_id: undefined };
    const r2 = await post(W, [call, broken].map((x) => JSON.stringify(x)).join("\n"), "application/x-ndjson", "/v1/webhooks/call-ended");
    expect(r2.status).toBe(207);
    expect(r2.body.results[1]?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "too_small", path: "wait_seconds" }), expect.objectContaining({ code: "missing_field", path: "caller_id" })]),
    );
    const got = ofTenant(await reader.caughtUp(), W);
    expect(got.map((m) => m.message.event.id).sort()).toEqual([call.call_id, survey.response_id].sort());
    const s = byId(got, survey.response_id)[0]?.message.event;
    expect(s).toMatchObject({ type: "survey.response", source: W.source, touchpoint: "delivery", body: { nps: 9, comment: "Quick and friendly" } });
    const k = byId(got, call.call_id)[0]?.message.event;
    expect(k).toMatchObject({ type: "call.completed", channel: "phone", body: { queue: "billing", waitSeconds: 74, handleSeconds: 320, holdSeconds: 20, transfers: 1 } });
  });

  it("answers 400, 401, 413 and 415 for whole-request errors, as problem details", async () => {
    const checks: [Promise<Post>, number, string][] = [
      [post(A, "{oops"), 400, "invalid_json"],
      [post(undefined, "{}"), 401, "unauthorized"],
      [post({ ...A, auth: "Bearer not-a-key" }, "{}"), 401, "unauthorized"],
      [post(A, JSON.stringify({ pad: "x".repeat(5 * 1024 * 1024) })), 413, "body_too_large"],
      [post(A, "{}\n".repeat(10_001), "application/x-ndjson"), 413, "too_many_events"],
      [post(A, "<event/>", "application/xml"), 415, "unsupported_media_type"],
    ];
    for (const [p, status, code] of checks) {
      const r = await p;
      expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
      expect(r.headers["content-type"]).toContain("application/problem+json");
    }
  });

  it("answers 429 with Retry-After once a tenant exhausts its budget, without touching other tenants", async () => {
    const t = newTenant("rl");
    const u = newTenant("rl2");
    const c = await startItCollector({ brokers, redisUrl: stack.REDIS_URL, tenants: [t, u], limits: { rateLimit: { eventsPerSecond: 5, burst: 10 } } });
    const send = (x: Tenant) =>
      c.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: x.auth, "content-type": "application/json" }, payload: JSON.stringify(Array.from({ length: 8 }, () => makeSampleEvent("contact.completed"))) });
    expect((await send(t)).statusCode).toBe(200);
    const limited = await send(t);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toMatchObject({ code: "rate_limited" });
    expect((await send(u)).statusCode).toBe(200);
    await c.close();
    expect(ofTenant(await reader.caughtUp(), t)).toHaveLength(8);
  });

  it("degrades when Redis is down: accepts, skips the duplicate check, counts it", async () => {
    const t = newTenant("noredis");
    const c = await startItCollector({ brokers, redisUrl: "redis://127.0.0.1:1/0", tenants: [t] });
    const e = makeSampleEvent("complaint.opened");
    const send = () => c.app.inject({ method: "POST", url: "/v1/events", headers: { authorization: t.auth, "content-type": "application/json" }, payload: JSON.stringify(e) });
    expect((await send()).json<IngestAnswer>().results[0]?.status).toBe("accepted");
    expect((await send()).json<IngestAnswer>().results[0]?.status).toBe("accepted");
    expect(await c.metrics.metrics()).toMatch(/collector_dedup_degraded_total\{op="seen"[^}]*\} 2/);
    await c.close();
    // Both copies reached Kafka; the worker dedups by id.
    expect(byId(ofTenant(await reader.caughtUp(), t), e.id)).toHaveLength(2);
  });

  it("serves health, readiness (Kafka reachable) and metrics", async () => {
    expect((await collector.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await collector.app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ status: "ready" });
    const metrics = (await collector.app.ops.inject({ method: "GET", url: "/metrics" })).body;
    for (const name of [
      "collector_events_total",
      "collector_event_rejections_total",
      "collector_produce_duration_seconds_bucket",
      "collector_request_bytes_bucket",
      "collector_requests_total",
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(new RegExp(`collector_events_total\\{tenant="${A.tenant}",outcome="accepted"[^}]*\\} \\d+`));
    expect(metrics).toMatch(/collector_event_rejections_total\{code="future_timestamp"[^}]*\} 1/);
  });
});
