/**
 * Issue 8.1 end to end: one accepted request whose events span more than 100 months (a
 * historical import of a few years) used to stall its partition forever (ClickHouse refused the
 * insert with TOO_MANY_PARTS and the worker retried it without end). Through the real collector,
 * Kafka, worker and chDB: the history is stored, and a live event of the same customer sent right
 * after it is counted within seconds.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReader } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { collectorKey, openE2e, type E2e } from "./testing/harness";

const tenant = `hist${randomUUID().slice(0, 6)}`;
const KEY = `key-${randomUUID()}`;
let e2e: E2e;
let collector: Awaited<ReturnType<E2e["startCollector"]>>;

beforeAll(async () => {
  // One partition: the history and the live event share it, as one customer's events always do.
  e2e = await openE2e({ name: tenant, partitions: 1 });
  await e2e.startWorker({ maxChunk: 5000 });
  collector = await e2e.startCollector([collectorKey(KEY, tenant)]);
});

afterAll(() => e2e?.close());

const call = (id: string, occurredAt: string): FeedbackEvent => ({
  id,
  type: "call.completed",
  occurredAt,
  source: "acd",
  touchpoint: "phone",
  channel: "phone",
  customer: { id: "c-1", segment: "retail" },
  schemaVersion: 1,
  body: { queue: "billing", waitSeconds: 30, handleSeconds: 200, holdSeconds: 0, transfers: 0, abandoned: false },
});

const stored = () => e2e.storedRows(tenant);

describe("a historical request never stalls its partition", () => {
  it("stores 101 months of history in one request, then counts a live event within seconds", async () => {
    // One call on the 15th of every month from January 2017: 101 months, 101 monthly partitions.
    const history = Array.from({ length: 101 }, (_, i) => call(`${tenant}-h${i}`, new Date(Date.UTC(2017, i, 15, 12)).toISOString()));
    const send = (events: FeedbackEvent[]) =>
      collector.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events });
    const r = await send(history);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<{ results: { status: string }[] }>().results.every((x) => x.status === "accepted")).toBe(true);

    const live = await send([call(`${tenant}-live`, new Date(Date.now() - 60_000).toISOString())]);
    expect(live.statusCode, live.body).toBe(200);
    await e2e.settle(tenant, 102, { timeoutMs: 30_000, lag: false });
    expect(await stored()).toBe(102);
    const [months] = await createReader(e2e.ch).query<{ n: number; rollup: number }>(
      `SELECT uniqExact(toYYYYMM(occurred_at)) AS n, (SELECT sum(events) FROM rollup_day WHERE tenant = {t:String}) AS rollup
       FROM feedback_events WHERE tenant = {t:String}`,
      { t: tenant },
    );
    expect({ months: Number(months?.n), rollup: Number(months?.rollup) }).toEqual({ months: 102, rollup: 102 });
  });
});
