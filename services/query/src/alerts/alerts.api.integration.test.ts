/**
 * The alert API over real chDB and Redis: active alerts from the live state, history from the
 * `alerts` table, acknowledgement and silences with write tokens, problem+json for bad input.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AlertRule, rulesForTouchpoint } from "@pulse/catalogue";
import type { ClickHouse } from "@pulse/clickhouse";
import { evaluateMinute, tallyOf, type MonitorState } from "@pulse/alerting";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createRedis, redisReady, type Redis } from "@pulse/redis";
import { createQueryApp, type QueryApp } from "../app";
import { openTestDb } from "../fixtures.test-helper";
import { parseTokenSpec } from "../tokens";
import { createAlertStore, monitorKey, type AlertStore } from "./alert-store";
import { HISTORY_COLUMNS, notificationRow } from "./history";

const READ = "acme-read-token-alerts-1";
const WRITE = "acme-write-token-alerts1";
const OTHER = "globex-read-token-alerts";
const T0 = Date.UTC(2025, 5, 2, 8, 0);
const MIN = 60_000;

let ch: ClickHouse;
let redis: Redis;
let store: AlertStore;
let app: QueryApp;
let registry: Registry;
let alertId = "";

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  redis = createRedis({ url: inject("stack").REDIS_URL, keyPrefix: `pulse-test:alerts-api:${randomUUID()}:` });
  await redisReady(redis);
  store = createAlertStore(redis);
  // A firing alert made by the engine: NPS −50 every minute at "phone" against a target of 50.
  const rule = rulesForTouchpoint({ rules: [AlertRule.parse({ id: "nps_target", metric: "nps", kind: "target", minN: 5 })], fdr: 0.1 }, "phone", { nps: 50 })[0]!;
  let state: MonitorState | null = null;
  const notes = [];
  for (let i = 0; i < 10; i++) {
    const r = evaluateMinute({ tenant: "acme", minute: T0 + i * MIN, fdr: 0.1, monitors: [{ rule, baseline: null, tally: tallyOf({ events: 4, npsN: 4, promoters: 1, detractors: 3 }), state }] });
    state = r.states[0]!;
    notes.push(...r.notifications);
  }
  expect(state!.status).toBe("firing");
  alertId = state!.alert!.id;
  expect(await store.commit("acme", 0, T0 + 9 * MIN, new Map([[monitorKey(rule.id, "phone"), state!]]), [])).toBe(true);
  await db.writer.insert("alerts", HISTORY_COLUMNS, notes.map(notificationRow));
  registry = createMetricsRegistry("query-alerts-test", { defaults: false });
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: registry,
    tokens: parseTokenSpec(`${READ}=acme,${WRITE}=acme:write,${OTHER}=globex`),
    alerts: { store, writer: db.writer },
    now: () => new Date(T0 + 30 * MIN),
  });
});

afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await ch?.close();
});

const call = async (method: "GET" | "POST" | "DELETE", url: string, token: string, payload?: unknown) => {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  return { status: res.statusCode, body: res.body ? res.json<Record<string, unknown>>() : {} };
};

describe("GET /v1/alerts", () => {
  it("lists the tenant's active alerts with their evidence, and none of another tenant", async () => {
    const r = await call("GET", "/v1/alerts", READ);
    expect(r.status).toBe(200);
    const active = r.body.active as Array<Record<string, unknown>>;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ id: alertId, touchpoint: "phone", ruleId: "nps_target", status: "firing", ackedBy: null, dashboard: "/?touchpoint=phone" });
    const ev = active[0]!.evidence as { reference: unknown; value: { n: number; value: number } };
    expect(ev.reference).toEqual({ kind: "target", value: 50 });
    expect(ev.value.n).toBeGreaterThanOrEqual(4);
    expect(ev.value.value).toBe(-50);
    expect((await call("GET", "/v1/alerts", OTHER)).body.active).toEqual([]);
    expect((await call("GET", "/v1/alerts?touchpoint=web", READ)).body.active).toEqual([]);
  });

  it("returns history from ClickHouse, and rejects bad filters naming the parameter", async () => {
    const r = await call("GET", `/v1/alerts?state=history&from=${T0}`, READ);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((r.body.history as Array<{ event: string; alertId: string }>).map((h) => [h.event, h.alertId])).toEqual([["firing", alertId]]);
    const bad = await call("GET", "/v1/alerts?state=everything", READ);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_parameter", parameter: "state" });
    expect((await call("GET", "/v1/alerts?touchpoint=Bad%20Name", READ)).body).toMatchObject({ parameter: "touchpoint" });
    expect((await call("GET", "/v1/alerts?colour=red", READ)).body).toMatchObject({ code: "unknown_parameter" });
  });
});

describe("POST /v1/alerts/{id}/ack", () => {
  it("needs a write token, acknowledges once, records it in the history, and 404s an unknown id", async () => {
    expect((await call("POST", `/v1/alerts/${alertId}/ack`, READ, {})).status).toBe(403);
    expect((await call("POST", `/v1/alerts/${alertId}/ack`, WRITE, { by: 42 })).body).toMatchObject({ code: "invalid_body", parameter: "by" });
    const ok = await call("POST", `/v1/alerts/${alertId}/ack`, WRITE, { by: "dana@acme" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: alertId, ackedBy: "dana@acme", ackedAt: new Date(T0 + 30 * MIN).toISOString() });
    const again = await call("POST", `/v1/alerts/${alertId}/ack`, WRITE, { by: "someone.else" });
    expect(again.body).toMatchObject({ ackedBy: "dana@acme" });
    expect(((await call("GET", "/v1/alerts", READ)).body.active as Array<{ ackedBy: string }>)[0]!.ackedBy).toBe("dana@acme");
    const history = (await call("GET", `/v1/alerts?state=history&from=${T0}`, READ)).body.history as Array<{ event: string; ackedBy: string }>;
    expect(history.map((h) => [h.event, h.ackedBy])).toEqual([["acknowledged", "dana@acme"], ["firing", ""]]);
    const missing = await call("POST", "/v1/alerts/nope~phone~1/ack", WRITE, {});
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "not_found" });
    // another tenant cannot acknowledge it
    expect((await call("POST", `/v1/alerts/${alertId}/ack`, OTHER, {})).status).toBe(403);
  });
});

describe("silences", () => {
  it("are created, listed and deleted with a write token; bad bodies name the field", async () => {
    expect((await call("POST", "/v1/silences", READ, { touchpoint: "phone", durationMinutes: 60 })).status).toBe(403);
    const noMatcher = await call("POST", "/v1/silences", WRITE, { durationMinutes: 60 });
    expect(noMatcher).toMatchObject({ status: 400, body: { code: "invalid_body", parameter: "touchpoint" } });
    const both = await call("POST", "/v1/silences", WRITE, { touchpoint: "phone", durationMinutes: 60, endsAt: "2025-06-03T00:00:00Z" });
    expect(both.body).toMatchObject({ parameter: "endsAt" });
    expect((await call("POST", "/v1/silences", WRITE, { touchpoint: "phone", durationMinutes: 0 })).body).toMatchObject({ parameter: "durationMinutes" });
    const created = await call("POST", "/v1/silences", WRITE, { touchpoint: "phone", durationMinutes: 120, comment: "maintenance", createdBy: "dana@acme" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ touchpoint: "phone", startsAt: new Date(T0 + 30 * MIN).toISOString(), endsAt: new Date(T0 + 150 * MIN).toISOString(), comment: "maintenance" });
    const id = created.body.id as string;
    expect(((await call("GET", "/v1/silences", READ)).body.silences as Array<{ id: string }>).map((s) => s.id)).toEqual([id]);
    expect((await call("GET", "/v1/silences", OTHER)).body.silences).toEqual([]);
    expect((await call("DELETE", `/v1/silences/${id}`, READ)).status).toBe(403);
    expect((await call("DELETE", `/v1/silences/${id}`, WRITE)).status).toBe(204);
    expect((await call("DELETE", `/v1/silences/${id}`, WRITE)).status).toBe(404);
  });

  it("dead letters are listed per tenant", async () => {
    const snap = await store.read("acme");
    const alert = [...snap.states.values()][0]!.alert!;
    const notification = { key: `acme:${alert.id}:firing:${T0}`, type: "firing" as const, minute: T0, alert, silenced: false };
    await store.addDeadLetter("acme", { key: "k_w0", url: "http://127.0.0.1:9/hook", attempts: 8, error: "webhook 127.0.0.1:9 answered 500", at: T0 + 5 * MIN, notification });
    const r = await call("GET", "/v1/alerts/dead-letters", READ);
    expect(r.status).toBe(200);
    expect(r.body.deadLetters).toEqual([{ key: "k_w0", url: "http://127.0.0.1:9/hook", attempts: 8, error: "webhook 127.0.0.1:9 answered 500", at: new Date(T0 + 5 * MIN).toISOString(), type: "firing", alertId: alert.id }]);
    expect((await call("GET", "/v1/alerts/dead-letters", OTHER)).body.deadLetters).toEqual([]);
  });

  it("every alert route answers 401 without a token", async () => {
    for (const [method, url] of [["GET", "/v1/alerts"], ["POST", `/v1/alerts/${alertId}/ack`], ["GET", "/v1/alerts/dead-letters"], ["GET", "/v1/silences"], ["POST", "/v1/silences"], ["DELETE", "/v1/silences/x"]] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it("are in the OpenAPI document and counted in /metrics", async () => {
    const doc = (await app.inject({ url: "/docs/json" })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/alerts", "/v1/alerts/{id}/ack", "/v1/alerts/dead-letters", "/v1/silences", "/v1/silences/{id}"]));
    expect(Object.keys(doc.paths["/v1/silences"]!)).toEqual(expect.arrayContaining(["get", "post"]));
    const text = await registry.metrics();
    expect(text).toMatch(/pulse_alerts_api_requests_total\{route="ack",outcome="ok"[^}]*\} 2\n/);
    expect(text).toMatch(/pulse_alerts_api_requests_total\{route="create_silence",outcome="invalid"[^}]*\} 3\n/);
  });
});

describe("GET /v1/stream carries the alert-state version", () => {
  it("pushes a new scores event with the next alertsVersion when the tenant's alert state moves", async () => {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/stream?window=15m&token=${READ}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    const nextScores = async (): Promise<{ alertsVersion?: number }> => {
      for (;;) {
        const at = buffered.indexOf("\n\n");
        if (at >= 0) {
          const block = buffered.slice(0, at);
          buffered = buffered.slice(at + 2);
          if (block.startsWith("event: scores")) return JSON.parse(block.slice(block.indexOf("data: ") + 6)) as { alertsVersion?: number };
          continue;
        }
        const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
        if (chunk.done) throw new Error("the stream ended");
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    };
    try {
      const first = await nextScores();
      const version = (await store.read("acme")).version;
      expect(first.alertsVersion).toBe(version);
      // An evaluation commits (nothing else changes): the stream pushes the new version.
      const snap = await store.read("acme");
      expect(await store.commit("acme", snap.version, snap.cursor, new Map(), [])).toBe(true);
      const second = await nextScores();
      expect(second.alertsVersion).toBe(version + 1);
    } finally {
      controller.abort();
    }
  });
});
