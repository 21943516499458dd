/**
 * The import job end to end against the real stack: the input is uploaded to the S3 server, the
 * job runs through a real BullMQ queue and worker on Redis, events land on a real Kafka topic and
 * the error report lands next to the input.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createBatchConsumer, createKafka, type Kafka } from "@pulse/kafka";
import { createShutdown, silentLogger, type Shutdown } from "@pulse/kit";
import { createQueueFactory } from "@pulse/redis";
import { createS3Store } from "@pulse/storage";
import { startJobs, type JobsApp } from "../app";
import { loadJobsConfig } from "../config";
import { createImportClient, type ImportClient } from "./import.client";
import type { ImportProgress } from "./import.job";

const stack = inject("stack");
const run = randomUUID().slice(0, 8);
const topicPrefix = `it-${run}.`;
const topic = `${topicPrefix}pulse.feedback.v1`;
const queuePrefix = `it-jobs-${run}`;
const bucket = stack.S3_BUCKET;
const store = createS3Store({
  bucket,
  endpoint: stack.S3_ENDPOINT,
  region: stack.S3_REGION,
  accessKeyId: stack.S3_ACCESS_KEY_ID,
  secretAccessKey: stack.S3_SECRET_ACCESS_KEY,
  forcePathStyle: true,
});

let kafka: Kafka;
let app: JobsApp;
let shutdown: Shutdown;
let client: ImportClient;

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "jobs-it", logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const config = loadJobsConfig({
    ...stack,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    QUEUE_PREFIX: queuePrefix,
    JOBS_HOST: "127.0.0.1",
    JOBS_PORT: "0",
    IMPORT_BATCH_SIZE: "500",
    LOG_LEVEL: "silent",
  });
  shutdown = createShutdown(silentLogger);
  ({ app } = await startJobs(config, { logger: silentLogger, shutdown }));
  client = createImportClient(createQueueFactory({ redis: { url: stack.REDIS_URL }, prefix: queuePrefix }), { pollMs: 100 });
});

afterAll(async () => {
  await client.close();
  await shutdown.stop("test done");
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

interface Wire {
  v: number;
  tenant: string;
  source: string;
  receivedAt: string;
  event: { id: string } & Record<string, unknown>;
}

/** Reads `count` messages of the test topic from the beginning with a fresh group. */
async function consume(count: number): Promise<{ key: string; value: Wire }[]> {
  const got: { key: string; value: Wire }[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const consumer = createBatchConsumer(kafka, {
    groupId: `jobs-it-${randomUUID()}`,
    topics: [topic],
    eachBatch: async (payload) => {
      for (const m of payload.batch.messages) {
        got.push({ key: m.key?.toString() ?? "", value: JSON.parse(m.value?.toString() ?? "null") as Wire });
        payload.resolveOffset(m.offset);
      }
      await payload.commitOffsetsIfNecessary();
      if (got.length >= count) done();
    },
  });
  await consumer.start();
  await Promise.race([finished, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages`)), 60_000))]);
  await consumer.stop();
  return got;
}

const MAPPING = {
  name: "support-calls",
  format: { type: "csv", delimiter: ";" },
  source: "acd-export",
  skip: [{ when: { column: "status", equals: "test" }, reason: "test call" }],
  events: [
    {
      name: "call",
      type: "call.completed",
      fields: {
        id: { template: "sc-{call}" },
        occurredAt: { datetime: { date: { column: "date" }, dateFormat: "DD/MM/YYYY", time: { column: "time" }, timeFormat: "H:MM:SS", offset: "+01:00" } },
        touchpoint: "support",
        channel: "phone",
        "customer.id": { template: "cust-{customer}" },
        "agent.id": { column: "agent", pipe: ["nullIfEmpty", "lower"] },
        "body.queue": { column: "queue", pipe: ["slug"] },
        "body.waitSeconds": { column: "wait", pipe: ["integer"] },
        "body.handleSeconds": { column: "talk", pipe: ["integer"] },
        "body.holdSeconds": 0,
        "body.transfers": 0,
        "body.abandoned": { column: "status", pipe: [{ boolean: { true: ["abandoned"], false: ["answered"] } }] },
      },
    },
  ],
};

const CSV = [
  "call;date;time;customer;agent;queue;wait;talk;status",
  "c1;01/03/2024;9:05:00;k1;ANNA;Billing Questions;12;240;answered",
  "c2;01/03/2024;9:06:30;k2;;Billing Questions;95;0;abandoned",
  "c3;01/03/2024;9:07:00;k1;BOB;Tech;x;10;answered",
  "c4;01/03/2024;9:08:00;k3;BOB;Tech;1;1;test",
  'c5;01/03/2024;9:09:00;k4;BOB;"Tech\nSupport";3;60;answered',
  "c6;32/03/2024;9:10:00;k5;BOB;Tech;3;60;answered",
].join("\r\n");

describe("import job (S3 → BullMQ → Kafka)", () => {
  it("imports a CSV from S3, produces the exact events and writes the error report next to the input", async () => {
    const key = `it/${run}/calls.csv`;
    await store.put(key, CSV, "text/csv");
    const progress: ImportProgress[] = [];
    const jobId = await client.enqueue({ tenant: "acme", input: `s3://${bucket}/${key}`, mapping: MAPPING });
    const result = await client.wait(jobId, (p) => progress.push(p), 60_000);

    expect(result).toMatchObject({
      tenant: "acme",
      source: "acd-export",
      mapping: "support-calls",
      rows: 6,
      imported: 3,
      rejected: 2,
      skipped: 1,
      events: 3,
      skippedByReason: { "test call": 1 },
      rejectedByCode: { invalid_number: 1, invalid_date: 1 },
      errorReport: `s3://${bucket}/${key}.errors.ndjson`,
      totalBytes: Buffer.byteLength(CSV),
      bytesRead: Buffer.byteLength(CSV),
    });
    expect(progress.at(-1)).toMatchObject({ rows: 6, imported: 3, rejected: 2, skipped: 1 });

    const messages = await consume(3);
    messages.sort((a, b) => a.value.event.id.localeCompare(b.value.event.id));
    expect(messages.map((m) => m.key)).toEqual(["acme:cust-k1", "acme:cust-k2", "acme:cust-k4"]);
    const receivedAt = messages[0]?.value.receivedAt;
    expect(messages.every((m) => m.value.receivedAt === receivedAt && m.value.v === 1 && m.value.tenant === "acme" && m.value.source === "acd-export")).toBe(true);
    const envelope = { type: "call.completed", schemaVersion: 1, source: "acd-export", touchpoint: "support", channel: "phone" };
    expect(messages.map((m) => m.value.event)).toEqual([
      { ...envelope, id: "sc-c1", occurredAt: "2024-03-01T09:05:00+01:00", customer: { id: "cust-k1" }, agent: { id: "anna" }, body: { queue: "billing-questions", waitSeconds: 12, handleSeconds: 240, holdSeconds: 0, transfers: 0, abandoned: false } },
      { ...envelope, id: "sc-c2", occurredAt: "2024-03-01T09:06:30+01:00", customer: { id: "cust-k2" }, body: { queue: "billing-questions", waitSeconds: 95, handleSeconds: 0, holdSeconds: 0, transfers: 0, abandoned: true } },
      { ...envelope, id: "sc-c5", occurredAt: "2024-03-01T09:09:00+01:00", customer: { id: "cust-k4" }, agent: { id: "bob" }, body: { queue: "tech-support", waitSeconds: 3, handleSeconds: 60, holdSeconds: 0, transfers: 0, abandoned: false } },
    ]);

    const report = (await store.get(`${key}.errors.ndjson`))?.toString("utf8") ?? "";
    expect(report.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([
      { row: 3, line: 4, raw: "c3;01/03/2024;9:07:00;k1;BOB;Tech;x;10;answered", issues: [{ code: "invalid_number", path: "body.waitSeconds", message: 'column "wait": "x" is not a number', event: "call" }] },
      { row: 6, line: 8, raw: "c6;32/03/2024;9:10:00;k5;BOB;Tech;3;60;answered", issues: [{ code: "invalid_date", path: "occurredAt", message: '"32/03/2024" is not a calendar date', event: "call" }] },
    ]);

    const metrics = await app.http.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/pulse_import_rows_total\{outcome="accepted",service="jobs"\} 3/);
    expect(metrics.body).toMatch(/pulse_import_events_produced_total\{service="jobs"\} 3/);
    expect((await app.http.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });

  it("fails a job whose mapping is invalid at once, without retries, naming the mapping field", async () => {
    const key = `it/${run}/bad.csv`;
    await store.put(key, CSV, "text/csv");
    const bad = { ...MAPPING, events: [{ ...MAPPING.events[0], fields: { ...MAPPING.events[0]?.fields, id: { colum: "call" } } }] };
    const jobId = await client.enqueue({ tenant: "acme", input: `s3://${bucket}/${key}`, mapping: bad }, { attempts: 3 });
    await expect(client.wait(jobId, undefined, 30_000)).rejects.toThrow(/mapping_invalid: the mapping is invalid: events\[0\]\.fields\.id: unknown expression \["colum"\]/);
    const job = await createQueueFactory({ redis: { url: stack.REDIS_URL }, prefix: queuePrefix }).queue("pulse-import").getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
  });

  // The real files when PULSE_DATA_DIR has them, else a few rows in the same format.
  const REAL_DATA: [string, string, string, { rows: number; imported: number; rejected: number; skipped: number; events: number }, { rows: number; imported: number; rejected: number; skipped: number; events: number }][] = [
    [
      "bank-calls",
      "anonymous_bank_callcenter_1999_february.txt",
      [
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver",
        "AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
        "AA0101\t34645\t24442634\t2\tPS\t990202\t13:13:33\t13:13:42\t9\t13:13:42\t13:14:12\t30\tPHANTOM\t13:13:40\t13:14:18\t38\tNO_SERVER",
        "",
      ].join("\r\n"),
      { rows: 33_344, imported: 33_066, rejected: 0, skipped: 278, events: 33_066 },
      { rows: 2, imported: 1, rejected: 0, skipped: 1, events: 1 },
    ],
    [
      "cfpb-complaints",
      "cfpb_complaints_sample.csv",
      [
        "Archive:  complaints.csv.zip",
        "  inflating: complaints.csv",
        "Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,Company response to consumer,Timely response?,Consumer disputed?,Complaint ID",
        '2019-09-24,Debt collection,I do not know,Attempts to collect debt not owed,Debt is not yours,"transworld systems inc. \nis trying to collect a debt that is not mine, not owed and is inaccurate.",,TRANSWORLD SYSTEMS INC,FL,335XX,,Consent provided,Web,2019-09-24,Closed with explanation,Yes,N/A,3384392',
        "",
      ].join("\n"),
      { rows: 6_623, imported: 6_623, rejected: 0, skipped: 0, events: 6_623 },
      { rows: 1, imported: 1, rejected: 0, skipped: 0, events: 1 },
    ],
    [
      "skytrax-reviews",
      "ba_skytrax_reviews.csv",
      [
        "header,author,date,place,content,aircraft,traveller_type,seat_type,route,date_flown,recommended,trip_verified,rating,seat_comfort,cabin_staff_service,food_beverages,ground_service,value_for_money,entertainment",
        'BA standards continue to decline,A Jensen,02/10/2023,United Kingdom,"  BA standards continue to decline every time I fly with them.",A320,Business,Business Class,London Heathrow to Munich,01/09/2023,no,Verified,2,2,1,2,1,1,-1',
        "",
      ].join("\n"),
      { rows: 1_324, imported: 1_324, rejected: 0, skipped: 0, events: 8_685 },
      { rows: 1, imported: 1, rejected: 0, skipped: 0, events: 6 },
    ],
  ];

  it.each(REAL_DATA)("imports %s data through S3, BullMQ and Kafka with the expected counts", async (mapping, fileName, sample, realCounts, sampleCounts) => {
    const dataDir = process.env.PULSE_DATA_DIR ?? fileURLToPath(new URL("../../../../../shared/data", import.meta.url));
    const file = join(dataDir, fileName);
    const real = existsSync(file);
    const key = `it/${run}/${fileName}`;
    await store.put(key, real ? readFileSync(file) : Buffer.from(sample));
    const before = await topicEnd();
    const jobId = await client.enqueue({ tenant: "demo", input: `s3://${bucket}/${key}`, mapping });
    const result = await client.wait(jobId, undefined, 120_000);
    const expected = real ? realCounts : sampleCounts;
    console.info(`${mapping} (${real ? "real file" : "inline sample"}) through Kafka:`, JSON.stringify({ rows: result.rows, imported: result.imported, rejected: result.rejected, skipped: result.skipped, events: result.events, ms: result.durationMs }));
    expect(result).toMatchObject({ ...expected, errorReport: null });
    expect((await topicEnd()) - before).toBe(expected.events);
  });
});

/** Sum of the topic's high-water marks: how many messages it holds. */
async function topicEnd(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
