/** Stream limits over real HTTP (real chDB behind the hub): 429 problem+json `stream_limit`. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ClickHouse } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { openTestDb } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const ACME = "acme-read-token-000001";
const GLOBEX = "globex-read-token-0001";
let ch: ClickHouse;
let app: QueryApp;
let base = "";
const controllers: AbortController[] = [];

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("stream-limits", { defaults: false }),
    tokens: parseTokenSpec(`${ACME}=acme,${GLOBEX}=globex`),
    streamLimits: { maxChannelsPerTenant: 2, maxSubscribersPerClient: 3, maxChannels: 3 },
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  for (const c of controllers) c.abort();
  await app?.close();
  await ch?.close();
});

async function open(query: string, token: string) {
  const c = new AbortController();
  controllers.push(c);
  const res = await fetch(`${base}/v1/stream?${query}`, { headers: { authorization: `Bearer ${token}` }, signal: c.signal });
  return { res, close: () => c.abort() };
}

it("answers 429 stream_limit per tenant, per client and in total, and frees a slot when a stream closes", async () => {
  const a = await open("window=15m", ACME);
  expect(a.res.status).toBe(200);
  const b = await open("window=1h", ACME);
  expect(b.res.status).toBe(200);
  const overTenant = await open("window=24h", ACME);
  expect(overTenant.res.status).toBe(429);
  expect(overTenant.res.headers.get("content-type")).toContain("application/problem+json");
  expect(await overTenant.res.json()).toMatchObject({ status: 429, code: "stream_limit", limit: "channels_per_tenant", max: 2 });
  // Same filters as an open channel: no new query, allowed.
  const same = await open("window=15m", ACME);
  expect(same.res.status).toBe(200);
  // This client (127.0.0.1) now holds 3 streams.
  const overClient = await open("window=7d", GLOBEX);
  expect(overClient.res.status).toBe(429);
  expect(await overClient.res.json()).toMatchObject({ code: "stream_limit", limit: "subscribers_per_client" });
  same.close();
  await expect.poll(async () => {
    const r = await open("window=7d", GLOBEX);
    const s = r.res.status;
    if (s === 200) r.close();
    return s;
  }, { timeout: 10_000 }).toBe(200);
  const metrics = (await app.ops.inject({ url: "/metrics" })).body;
  expect(metrics).toMatch(/pulse_query_stream_rejected_total\{limit="channels_per_tenant"[^}]*\} 1/);
  expect(metrics).toMatch(/pulse_query_stream_rejected_total\{limit="subscribers_per_client"[^}]*\} [1-9]/);
  a.close();
  b.close();
});
