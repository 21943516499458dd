/**
 * The retention sweep against the real S3 server of the test stack, run by a real BullMQ job
 * scheduler on the real Redis: old archive days and old import error reports are deleted, recent
 * ones and unrelated objects stay.
 */
import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it, vi } from "vitest";
import { silentLogger } from "@pulse/kit";
import { createQueueFactory } from "@pulse/redis";
import { createS3Store } from "@pulse/storage";
import type { RetentionResult } from "./retention-sweep";
import { startRetentionJob } from "./retention.job";

const stack = inject("stack");
const store = createS3Store({
  bucket: stack.S3_BUCKET,
  endpoint: stack.S3_ENDPOINT,
  region: stack.S3_REGION,
  accessKeyId: stack.S3_ACCESS_KEY_ID,
  secretAccessKey: stack.S3_SECRET_ACCESS_KEY,
  forcePathStyle: stack.S3_FORCE_PATH_STYLE === "true",
});
const run = randomUUID().slice(0, 8);
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

it("a repeatable BullMQ job deletes archive days and error reports past their retention", async () => {
  const now = Date.now();
  const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const t = `ret${run}`;
  const old = [`raw/${t}/${day(100)}/10/pulse.feedback.v1-0-1-2.ndjson.gz`, `raw/${t}/${day(91)}/23/pulse.feedback.v1-1-5-9.ndjson.gz`];
  const recent = [`raw/${t}/${day(89)}/00/pulse.feedback.v1-0-3-4.ndjson.gz`, `raw/${t}/${day(0)}/12/pulse.feedback.v1-2-7-8.ndjson.gz`];
  const report = `imports/${run}/survey.csv.errors.ndjson`;
  const input = `imports/${run}/survey.csv`;
  for (const k of [...old, ...recent, report, input]) await store.put(k, "raw row jan@example.com");

  const queues = createQueueFactory({ redis: { url: stack.REDIS_URL }, prefix: `ret-${run}` });
  const sweeps: RetentionResult[] = [];
  // The sweep's clock is 31 days ahead, so the report written just now is past its 30 days.
  const job = await startRetentionJob({
    queues,
    store,
    policy: { archiveDays: 90 + 31, errorReportDays: 30, errorReportPrefix: `imports/${run}/` },
    everyMs: 500,
    logger: silentLogger,
    now: () => new Date(now + 31 * 86_400_000),
    onSwept: (r) => sweeps.push(r),
  });
  closers.push(() => job.close());
  await vi.waitFor(() => expect(sweeps.length).toBeGreaterThan(0), { timeout: 60_000, interval: 200 });
  expect(sweeps[0]).toMatchObject({ archiveDeleted: 2, errorReportsDeleted: 1 });
  const left = await store.list(`raw/${t}/`);
  expect(left).toEqual([...recent].sort());
  expect(await store.get(report)).toBeNull();
  expect(await store.get(input)).not.toBeNull();
});

it("keeps an error report younger than its retention", async () => {
  const key = `imports/${run}-young/a.csv.errors.ndjson`;
  await store.put(key, "x");
  const { sweepRetention } = await import("./retention-sweep");
  const r = await sweepRetention(store, { archiveDays: 90, errorReportDays: 30, errorReportPrefix: `imports/${run}-young/` }, new Date());
  expect(r.errorReportsDeleted).toBe(0);
  expect(await store.get(key)).not.toBeNull();
});
