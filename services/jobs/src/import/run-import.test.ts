import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OutMessage } from "@pulse/kafka";
import { createErrorReport } from "./error-report";
import type { ImportProgress } from "./import.job";
import { createInputResolver } from "./inputs";
import { formatBytes, formatResult } from "./progress-fns";
import { runImport, type ImportDeps } from "./run-import";

/** Records what would go to Kafka: the producer interface, not a Kafka imitation. */
function recordingProducer() {
  const sends: { topic: string; messages: OutMessage[] }[] = [];
  return {
    sends,
    producer: {
      send: (topic: string, messages: OutMessage[]) => {
        sends.push({ topic, messages });
        return Promise.resolve();
      },
    },
  };
}

const MAPPING = {
  name: "calls",
  format: { type: "csv" },
  source: "acd",
  skip: [{ when: { column: "outcome", equals: "TEST" }, reason: "test call" }],
  events: [
    {
      name: "call",
      type: "call.completed",
      fields: {
        id: { template: "call-{id}" },
        occurredAt: { datetime: { date: { column: "day" }, dateFormat: "YYYY-MM-DD", time: { column: "at" }, timeFormat: "HH:MM", offset: "+01:00" } },
        touchpoint: "support-line",
        channel: "phone",
        "customer.id": { template: "cust-{customer}" },
        "body.queue": "main",
        "body.waitSeconds": { column: "wait", pipe: ["number"] },
        "body.handleSeconds": { column: "talk", pipe: ["number"] },
        "body.holdSeconds": 0,
        "body.transfers": 0,
        "body.abandoned": { column: "outcome", pipe: [{ boolean: { true: ["HANG"], false: ["OK"] } }] },
      },
    },
  ],
};

const CSV = [
  "id,day,at,customer,wait,talk,outcome",
  "1,2024-03-01,09:15,a1,12,300,OK",
  "2,2024-03-01,09:20,a2,40,0,HANG",
  "3,2024-03-01,09:25,a3,-5,10,OK",
  "4,2024-03-01,09:30,a4,1,1,TEST",
  '5,2024-03-01,"09:35,a5,1,1,OK',
].join("\n");

function setup(csv: string, batchSize = 2) {
  const root = mkdtempSync(join(tmpdir(), "pulse-import-"));
  writeFileSync(join(root, "in.csv"), csv);
  const rec = recordingProducer();
  const deps: ImportDeps = {
    producer: rec.producer,
    topic: "t.feedback",
    resolveInput: createInputResolver({ s3: null, localRoot: root }),
    clock: () => new Date("2025-01-02T03:04:05.000Z"),
    batchSize,
    progressIntervalMs: 0,
  };
  return { root, rec, deps };
}

describe("runImport", () => {
  it("produces wire messages in awaited batches, writes the error report and returns the counts", async () => {
    const { root, rec, deps } = setup(CSV);
    const progress: ImportProgress[] = [];
    const result = await runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: MAPPING }, (p) => {
      progress.push(p);
    });
    expect(result).toMatchObject({
      tenant: "acme",
      source: "acd",
      mapping: "calls",
      input: "file:in.csv",
      rows: 5,
      imported: 2,
      rejected: 2,
      skipped: 1,
      events: 2,
      skippedByReason: { "test call": 1 },
      rejectedByCode: { too_small: 1, malformed_row: 1 },
      errorReport: join(root, "in.csv.errors.ndjson"),
      errorReportTruncated: false,
      bytesRead: CSV.length,
      totalBytes: CSV.length,
    });
    expect(rec.sends.map((s) => [s.topic, s.messages.length])).toEqual([["t.feedback", 2]]);
    expect(rec.sends[0]?.messages[0]?.key).toBe("acme:cust-a1");
    expect(JSON.parse(String(rec.sends[0]?.messages[0]?.value))).toEqual({
      v: 1,
      tenant: "acme",
      source: "acd",
      receivedAt: "2025-01-02T03:04:05.000Z",
      event: {
        id: "call-1",
        type: "call.completed",
        schemaVersion: 1,
        source: "acd",
        occurredAt: "2024-03-01T09:15:00+01:00",
        touchpoint: "support-line",
        channel: "phone",
        customer: { id: "cust-a1" },
        body: { queue: "main", waitSeconds: 12, handleSeconds: 300, holdSeconds: 0, transfers: 0, abandoned: false },
      },
    });
    const report = readFileSync(join(root, "in.csv.errors.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(report).toEqual([
      {
        row: 3,
        line: 4,
        raw: "3,2024-03-01,09:25,a3,-5,10,OK",
        issues: [{ code: "too_small", path: "body.waitSeconds", message: "body.waitSeconds must be a number of seconds between 0 and 86400", event: "call" }],
      },
      {
        row: 5,
        line: 6,
        raw: '5,2024-03-01,"09:35,a5,1,1,OK',
        issues: [{ code: "malformed_row", path: "", message: "line 6: unterminated quoted field (opened in the record starting on line 6)" }],
      },
    ]);
    expect(progress.at(-1)).toEqual({ rows: 5, imported: 2, rejected: 2, skipped: 1, events: 2, bytesRead: CSV.length, totalBytes: CSV.length });
  });

  it("re-produces identical messages when run again, and removes a stale report once the file is clean", async () => {
    const { root, rec, deps } = setup(CSV, 1000);
    await runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: MAPPING });
    await runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: MAPPING });
    expect(rec.sends[0]?.messages).toEqual(rec.sends[1]?.messages);
    writeFileSync(join(root, "in.csv"), CSV.split("\n").slice(0, 3).join("\n"));
    const clean = await runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: MAPPING, source: "backfill" });
    expect(clean).toMatchObject({ imported: 2, rejected: 0, errorReport: null, source: "backfill" });
    expect(existsSync(join(root, "in.csv.errors.ndjson"))).toBe(false);
    expect((JSON.parse(String(rec.sends[2]?.messages[0]?.value)) as { event: { source: string } }).event.source).toBe("backfill");
  });

  it("fails with a stable code on a bad mapping, a missing input or a header without the mapped columns", async () => {
    const { deps } = setup("a,b\n1,2\n");
    await expect(runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: "nope" })).rejects.toMatchObject({ code: "mapping_invalid", retry: false });
    await expect(runImport(deps, { tenant: "acme", input: "file:missing.csv", mapping: MAPPING })).rejects.toMatchObject({ code: "not_found", retry: false });
    await expect(runImport(deps, { tenant: "acme", input: "file:in.csv", mapping: MAPPING })).rejects.toMatchObject({ code: "mapping_columns_missing", retry: false });
    await expect(runImport(deps, { tenant: "Acme!", input: "file:../x", mapping: MAPPING })).rejects.toMatchObject({ code: "import_invalid" });
    await expect(runImport(deps, { tenant: "acme", input: "file:../x.csv", mapping: MAPPING })).rejects.toMatchObject({ code: "input_invalid" });
    await expect(runImport(deps, { tenant: "acme", input: "s3://b/k.csv", mapping: MAPPING })).rejects.toThrow(/S3 is not configured/);
  });
});

describe("error report and progress text", () => {
  it("caps the report and says how many rows it left out", () => {
    const report = createErrorReport(160);
    for (let row = 1; row <= 5; row++) report.add({ row, line: row + 1, raw: "x,y", bytesRead: 0, outcome: { kind: "rejected", issues: [{ code: "c", path: "", message: "m" }] } });
    const lines = report.body().trim().split("\n");
    expect(report.rows).toBe(5);
    expect(report.truncated).toBe(true);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2] ?? "")).toEqual({ truncated: true, omittedRows: 3 });
  });

  it("formats byte counts", () => {
    expect([formatBytes(512), formatBytes(512 * 1024), formatBytes(3 * 1024 * 1024)]).toEqual(["512 B", "512.0 KiB", "3.0 MiB"]);
  });

  it("summarizes a result", () => {
    const lines = formatResult({
      tenant: "acme", source: "s", mapping: "bank-calls", input: "s3://b/k", errorReport: "s3://b/k.errors.ndjson", errorReportTruncated: false,
      rows: 33344, imported: 33066, rejected: 0, skipped: 278, events: 33066, skippedByReason: { phantom: 278 }, rejectedByCode: {}, bytesRead: 1, totalBytes: 1, durationMs: 2500,
    });
    expect(lines).toEqual([
      "import of s3://b/k with mapping bank-calls for tenant acme finished in 2.5 s",
      "  rows:     33,344",
      "  imported: 33,066 (33,066 events)",
      "  rejected: 0",
      "  skipped:  278",
      "    278 × phantom",
      "  rejected rows: s3://b/k.errors.ndjson",
    ]);
  });
});
