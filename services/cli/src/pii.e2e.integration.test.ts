/**
 * PII through the real path: HTTP → collector → Kafka → worker → ClickHouse and the archive, then
 * a replay from the archive. An e-mail and phone numbers (US and international) in `attributes`
 * and in free text never reach Kafka (checked on the archived Kafka message values), the archive
 * or `feedback_events`, and a replay still rebuilds every row.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createReader, createWriter } from "@pulse/clickhouse";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { silentLogger } from "@pulse/kit";
import { createLocalStore, type ObjectStore } from "@pulse/storage";
import { replayRange, type PulseWorker } from "@pulse/worker";
import { collectorKey, openE2e, type E2e } from "./testing/harness";

const tenant = `pii${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
const DAY = Date.UTC(2026, 9, 5);
const SECRETS = ["jan.kowalski@example.com", "212-555-0187", "(212) 555-0187", "+1 212 555 0187", "+44 20 7946 0958", "601 234 567"];

let e2e: E2e;
let ch: E2e["ch"];
let worker: PulseWorker;
let store: ObjectStore;
let collector: Awaited<ReturnType<E2e["startCollector"]>>;

beforeAll(async () => {
  e2e = await openE2e({ name: tenant, partitions: 2, redisKeyPrefix: `pii:${tenant}:` });
  ch = e2e.ch;
  store = createLocalStore(e2e.tempDir("pulse-pii-archive-"));
  worker = await e2e.startWorker({ store });
  // The collector's default produce coalescing (the limits here leave it unset).
  collector = await e2e.startCollector([collectorKey(KEY, tenant, "pii")], { coalesce: undefined });
});

afterAll(() => e2e?.close());

const settle = (n: number) => e2e.settle(tenant, n, { timeoutMs: 90_000 });

it("redacts e-mails and phones in attributes and free text before Kafka; feedback_events, the archive and a replay never see them", async () => {
  const events = SECRETS.map((s, i) => {
    const e = makeSampleEvent("survey.response") as unknown as Record<string, unknown>;
    return {
      ...e,
      id: `${tenant}-${i}`,
      occurredAt: new Date(DAY + 3_600_000 + i * 60_000).toISOString(),
      attributes: { reviewTitle: `Great flight, reach me on ${s}`, note: s, seat: "12A", legs: 2 },
      body: { ...(e.body as object), comment: `Contact ${s} please` },
    };
  });
  const r = await collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events });
  expect(r.statusCode).toBe(200);
  await settle(events.length);

  const reader = createReader(ch);
  const rows = await reader.query<{ attributes: Record<string, string>; text: string; pii_redacted: number }>(
    "SELECT attributes, text, pii_redacted FROM feedback_events WHERE tenant = {t:String} ORDER BY event_id",
    { t: tenant },
  );
  expect(rows).toHaveLength(events.length);
  const stored = JSON.stringify(rows);
  for (const s of SECRETS) expect(stored).not.toContain(s);
  expect(stored).not.toContain("555");
  for (const row of rows) {
    expect(row.attributes.note).toMatch(/^\[(EMAIL|PHONE)\]$/);
    expect(row.attributes.reviewTitle).toMatch(/^Great flight, reach me on \[(EMAIL|PHONE)\]$/);
    expect(row.attributes.seat).toBe("12A");
    expect(row.text).toMatch(/^Contact \[(EMAIL|PHONE)\] please$/);
  }

  // The archive holds the Kafka message values as the worker consumed them.
  const keys = await store.list("");
  expect(keys.length).toBeGreaterThan(0);
  let archived = "";
  for (const k of keys) {
    const body = (await store.get(k)) ?? Buffer.alloc(0);
    archived += (k.endsWith(".gz") ? gunzipSync(body) : body).toString("utf8");
  }
  expect(archived).toContain(tenant);
  for (const s of SECRETS) expect(archived).not.toContain(s);

  // Replay from the (redacted) archive rebuilds the same rows.
  const result = await replayRange(
    { from: new Date(DAY), to: new Date(DAY + 86_400_000), tenant },
    { ch, reader, writer: createWriter(ch), store, enrichment: worker.enrichment, logger: silentLogger },
  );
  expect(result.inserted).toBe(events.length);
  const after = await reader.query<{ attributes: Record<string, string> }>("SELECT attributes FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
  expect(after).toHaveLength(events.length);
  for (const s of SECRETS) expect(JSON.stringify(after)).not.toContain(s);
});
