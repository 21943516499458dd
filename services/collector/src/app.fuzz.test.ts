import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeSampleEvent } from "@pulse/contract/fixtures";
import { fakeApp, KEY_A, TEST_LIMITS } from "./test-support/fakes";

// Hostile bodies against the real HTTP stack (fake producer: nothing here is about Kafka).
setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/x-ndjson",
  "application/ndjson",
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
];

const sample = () => makeSampleEvent("survey.response") as unknown as Record<string, unknown>;

const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 1, max: 200_000 }).map((n) => "[".repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.integer({ min: 1_000, max: 1_500_000 }).map((n) => JSON.stringify({ ...sample(), id: "x".repeat(n) })),
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    '[{"constructor":{"prototype":{"polluted":true}}}]',
    JSON.stringify(sample()).replace('"attributes":{', '"attributes":{"__proto__":{"polluted":true},'),
    JSON.stringify(sample()).replace('"body":{', '"body":{"\\u005f\\u005fproto__":{"polluted":true},'),
    '{"id":"a"}\n{"__proto__":{"polluted":true}}\n',
  ),
  // A valid event with one field replaced by an arbitrary JSON value (wrong types, odd keys).
  fc.tuple(fc.constantFrom("id", "type", "occurredAt", "customer", "body", "attributes", "schemaVersion", "channel"), fc.jsonValue()).map(([k, v]) =>
    JSON.stringify({ ...sample(), [k]: v }),
  ),
  fc.array(fc.oneof(fc.json(), fc.constant(JSON.stringify(sample()))), { maxLength: 20 }).map((lines) => lines.join("\n")),
);

const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: hostileText.map((s) => Buffer.from(s, "utf8")) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4000 }).map((a) => Buffer.from(a)) },
  // Invalid UTF-8 in an otherwise valid event.
  { weight: 1, arbitrary: fc.constantFrom(0xff, 0xc3, 0xe2, 0xf0).map((b) => Buffer.concat([Buffer.from('{"id":"'), Buffer.from([b]), Buffer.from('"}')])) },
);

const request = fc.record({
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(0, 4)) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(4)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  ),
  body: hostileBody,
  url: fc.constantFrom("/v1/events", "/v1/events", "/v1/webhooks/survey?nps=q1", "/v1/webhooks/call-ended"),
});

describe("hostile input", () => {
  it("never crashes, never answers 5xx, never pollutes prototypes, and keeps the heap bounded", async () => {
    const { app, producer } = await fakeApp({ limits: { ...TEST_LIMITS, maxBodyBytes: 1024 * 1024 } });
    producer.discard = true;
    const statuses = new Map<number, number>();
    const run = async (runs: number, seed: number) => {
      await fc.assert(
        fc.asyncProperty(request, async ({ contentType, body, url }) => {
          const headers: Record<string, string> = { authorization: `Bearer ${KEY_A}` };
          if (contentType !== "") headers["content-type"] = contentType;
          const r = await app.inject({ method: "POST", url, headers, payload: body });
          statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
          expect(r.statusCode === 503 || r.statusCode < 500, `status ${r.statusCode}: ${r.body.slice(0, 300)}`).toBe(true);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: runs, seed },
      );
    };
    await run(300, 1); // warm-up: JIT, caches, metric series
    gc();
    const before = process.memoryUsage().heapUsed;
    await run(4000, 2);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    console.info(`fuzz: ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(" ")}; heap growth ${(growth / 1e6).toFixed(1)} MB`);
    expect(growth, `heap grew by ${(growth / 1e6).toFixed(1)} MB`).toBeLessThan(48 * 1024 * 1024);
    // The generators reach the interesting answers, not only one kind of rejection.
    for (const s of [200, 400, 413, 415]) expect(statuses.get(s) ?? 0, `status ${s} seen`).toBeGreaterThan(0);
    await app.close();
  }, 240_000);
});
