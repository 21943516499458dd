/**
 * Historical import → FCR, end to end: the Anonymous Bank call-centre file (February 1999) goes
 * through the import job's code (mapping "bank-calls", a real Kafka producer) and the real worker
 * into chDB; the served FCR equals a brute force over the file itself (same customer, same topic
 * of the call type, the next call within 7 days), and a replay of a week in the middle gives the same
 * figures. The file is read from PULSE_DATA_DIR (default ../shared/data beside the repository);
 * without it the test runs on an inline sample in the same format.
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createReader, createWriter, type ClickHouse } from "@pulse/clickhouse";
import { createInputResolver, runImport } from "@pulse/jobs";
import { silentLogger } from "@pulse/kit";
import { createRedis } from "@pulse/redis";
import { createLocalStore, type ObjectStore } from "@pulse/storage";
import { createCatalogues, createEnrichment, EMPTY_CATALOGUE, replayRange, type PulseWorker } from "@pulse/worker";
import { openE2e, queryToken, REPO_ROOT as ROOT, type E2e } from "./testing/harness";

const stack = inject("stack");
const DATA_DIR = process.env.PULSE_DATA_DIR ?? join(ROOT, "../shared/data");
const BANK_FILE = "anonymous_bank_callcenter_1999_february.txt";
const tenant = `bank${randomUUID().slice(0, 6)}`;
const TOKEN = `token-${randomUUID()}`;
const MIN = 60_000;
const DAY = 86_400_000;
const W = 7 * DAY;

const HEADER = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver";
/** The real file's format: repeats within minutes, hours and days, one after more than 7 days, a phantom, unidentified callers. */
const SAMPLE = [
  HEADER,
  "AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
  "AA0101\t34537\t0\t0\tPS\t990201\t7:31:45\t7:31:55\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:31:54\t7:31:59\t5\tNO_SERVER",
  "AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
  "AA0101\t34540\t23317894\t2\tPS\t990201\t8:12:01\t8:12:09\t8\t8:12:09\t8:12:40\t31\tAGENT\t8:12:40\t8:15:02\t142\tDORIT",
  "AA0102\t34541\t23317894\t2\tIN\t990202\t9:00:00\t9:00:10\t10\t0:00:00\t0:00:00\t0\tAGENT\t9:00:09\t9:03:00\t171\tTOVA",
  "AA0102\t34542\t23317894\t2\tPS\t990205\t17:30:00\t17:30:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t17:30:08\t17:33:00\t172\tTOVA",
  "AA0103\t34543\t44000001\t0\tPS\t990203\t10:00:00\t10:00:07\t7\t0:00:00\t0:00:00\t0\tAGENT\t10:00:06\t10:02:00\t114\tDORIT",
  "AA0103\t34544\t44000001\t0\tPS\t990211\t10:00:01\t10:00:08\t7\t0:00:00\t0:00:00\t0\tAGENT\t10:00:07\t10:02:00\t113\tDORIT",
  "AA0103\t34545\t44000001\t0\tPS\t990212\t9:00:00\t9:00:08\t8\t0:00:00\t0:00:00\t0\tAGENT\t9:00:07\t9:02:00\t113\tDORIT",
  "AA0104\t34546\t44000002\t0\tNE\t990209\t11:00:00\t11:00:08\t8\t0:00:00\t0:00:00\t0\tAGENT\t11:00:07\t11:04:00\t233\tAVI",
  "AA0104\t34547\t44000002\t0\tNE\t990216\t11:00:00\t11:00:08\t8\t0:00:00\t0:00:00\t0\tAGENT\t11:00:07\t11:04:00\t233\tAVI",
  "AA0104\t34548\t44000002\t0\tNE\t990214\t8:00:00\t8:00:08\t8\t0:00:00\t0:00:00\t0\tAGENT\t8:00:07\t8:04:00\t233\tAVI",
  "AA0101\t34645\t24442634\t2\tPS\t990202\t13:13:33\t13:13:42\t9\t13:13:42\t13:14:12\t30\tPHANTOM\t13:13:40\t13:14:18\t38\tNO_SERVER",
].join("\r\n");

/** Touchpoint names compared in one spelling: the worker stores a touchpoint's canonical form. */
const canon = (tp: string) => tp.replace(/[^a-z0-9]+/g, "_");
const TOUCHPOINT: Record<string, string> = { PS: "phone-banking", PE: "phone-banking-english", IN: "internet-banking-support", NE: "stock-exchange-desk", NW: "new-customer-sales", TT: "call-back" };

/** The topic of a call is its subject, as the shipped mapping documents it: regular calls in Hebrew and in English are both account service. */
const TOPIC: Record<string, string> = { PS: "account-service", PE: "account-service", IN: "internet-banking", NE: "stock-trading", NW: "account-opening", TT: "call-back" };

type Call = { key: string; customer: string; topic: string; touchpoint: string; at: number };

/** The calls of the file as FCR contacts, read straight from the text (not through the mapping). */
function callsOf(text: string): Call[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const cols = (lines[0] ?? "").split("\t");
  const at = (name: string) => cols.indexOf(name);
  return lines.slice(1).flatMap((line) => {
    const f = line.split("\t");
    if (f[at("outcome")] === "PHANTOM") return [];
    const id = f[at("customer_id")] ?? "";
    const key = `${f[at("vru+line")]}-${f[at("call_id")]}`;
    const [yy, mm, dd] = ((f[at("date")] ?? "").match(/\d\d/g) ?? []).map(Number) as [number, number, number];
    const [h, mi, s] = (f[at("vru_entry")] ?? "").split(":").map(Number) as [number, number, number];
    const type = f[at("type")] ?? "";
    return [{
      key,
      // 0 (and a number a spreadsheet mangled) is an unidentified caller: a stranger to every other call.
      customer: /^[1-9][0-9]*$/.test(id) ? `cust-${id}` : `anon-${key}`,
      topic: TOPIC[type] ?? type,
      touchpoint: canon(TOUCHPOINT[type] ?? type),
      at: Date.UTC(1900 + yy, mm - 1, dd, h, mi, s) - 2 * 3_600_000, // Israel standard time, +02:00
    }];
  });
}

type DayStats = Record<string, { n: number; hist: Record<string, number> }>;

/** Per touchpoint and UTC day of the call: calls, and repeat bin → calls whose next call (same customer and topic) came ≤ 7 days later. */
function bruteForce(calls: readonly Call[]): { byDay: DayStats; closed: Record<string, { n: number; resolved: number }> } {
  const byDay: DayStats = {};
  const closed: Record<string, { n: number; resolved: number }> = {};
  const groups = new Map<string, Call[]>();
  for (const c of calls) groups.set(`${c.customer}|${c.topic}`, [...(groups.get(`${c.customer}|${c.topic}`) ?? []), c]);
  for (const c of calls) {
    const day = `${c.touchpoint}|${new Date(Math.floor(c.at / DAY) * DAY).toISOString().slice(0, 10)}`;
    const d = (byDay[day] ??= { n: 0, hist: {} });
    const t = (closed[c.touchpoint] ??= { n: 0, resolved: 0 });
    d.n++;
    t.n++;
    const others = (groups.get(`${c.customer}|${c.topic}`) ?? []).filter((o) => o !== c && (o.at > c.at || (o.at === c.at && `bank-${o.key}` > `bank-${c.key}`)));
    const next = Math.min(...others.map((o) => o.at));
    if (Number.isFinite(next) && next - c.at <= W) {
      const bin = String(Math.ceil((next - c.at) / MIN));
      d.hist[bin] = (d.hist[bin] ?? 0) + 1;
    } else t.resolved++;
  }
  return { byDay, closed };
}

let e2e: E2e;
let ch: ClickHouse;
let worker: PulseWorker;
let archive: ObjectStore;
let query: Awaited<ReturnType<E2e["startQuery"]>>;
let text: string;

async function servedByDay(): Promise<DayStats> {
  const rows = await createReader(ch).query<{ touchpoint: string; day: string; n: number; hist: Record<string, number> }>(
    `SELECT touchpoint, toString(toDate(bucket)) AS day, sum(fcr_n) AS n, sumMap(fcr_repeat_hist) AS hist FROM rollup_day
     WHERE tenant = {t:String} GROUP BY touchpoint, day HAVING n != 0 OR notEmpty(hist)`,
    { t: tenant },
  );
  const out: DayStats = {};
  for (const r of rows) out[`${canon(r.touchpoint)}|${r.day}`] = { n: Number(r.n), hist: Object.fromEntries(Object.entries(r.hist).filter(([, v]) => Number(v) !== 0).map(([k, v]) => [k, Number(v)])) };
  return out;
}

async function servedScores(): Promise<Record<string, { value: number | null; n: number; resolved: number; pending: { contacts: number } }>> {
  const r = await query.inject({ url: "/v1/scores?from=1999-01-31T00:00:00Z&to=1999-03-01T00:00:00Z&groupBy=touchpoint", headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.statusCode, r.body).toBe(200);
  const groups = r.json<{ groups: { key: { touchpoint: string }; fcr: { value: number | null; n: number; resolved: number; pending: { contacts: number } } }[] }>().groups;
  return Object.fromEntries(groups.map((g) => [canon(g.key.touchpoint), g.fcr]));
}

beforeAll(async () => {
  e2e = await openE2e({ name: tenant, partitions: 3 });
  ch = e2e.ch;
  const file = join(DATA_DIR, BANK_FILE);
  const inputDir = e2e.tempDir("pulse-bank-input-");
  if (existsSync(file)) copyFileSync(file, join(inputDir, "bank.txt"));
  else writeFileSync(join(inputDir, "bank.txt"), SAMPLE);
  text = readFileSync(join(inputDir, "bank.txt"), "utf8");

  archive = createLocalStore(e2e.tempDir("pulse-bank-archive-"));
  worker = await e2e.startWorker({ store: archive, maxChunk: 5000, fcr: { windowMs: W }, start: false });
  query = await e2e.startQuery([queryToken(TOKEN, tenant)], { retentionDays: 20_000 });

  // The import job's own code: the shipped mapping, row by row, produced to Kafka.
  const result = await runImport({ producer: e2e.producer, topic: e2e.topics.feedback, resolveInput: createInputResolver({ s3: null, localRoot: inputDir }) }, { tenant, input: "file:bank.txt", mapping: "bank-calls" });
  expect(result.rejected).toBe(0);
  await worker.start();
  // Every imported row stored and every chunk committed, and not one row more.
  expect(await e2e.settle(tenant, result.events, { timeoutMs: 600_000 })).toBe(result.events);
  await worker.stop();
}, 900_000);

afterAll(() => e2e?.close());

describe("FCR of a historical import (the bank call-centre file)", () => {
  it("equals a brute force over the file, per touchpoint and day and as served, with no window left pending", async () => {
    const calls = callsOf(text);
    const expected = bruteForce(calls);
    expect(Object.values(expected.byDay).some((d) => Object.keys(d.hist).length > 0)).toBe(true);
    expect(await servedByDay()).toEqual(expected.byDay);
    const served = await servedScores();
    for (const [tp, ref] of Object.entries(expected.closed)) {
      expect(served[tp], tp).toMatchObject({ n: ref.n, resolved: ref.resolved, value: ref.resolved / ref.n, pending: { contacts: 0 } });
    }
  });

  it("a replay of a week in the middle gives the same figures", async () => {
    const before = await servedByDay();
    const writer = createWriter(ch);
    const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `e2e:${tenant}:replay:` });
    const enrichment = createEnrichment({ redis, logger: silentLogger, catalogues: createCatalogues(null, EMPTY_CATALOGUE, silentLogger) });
    const result = await replayRange(
      { from: new Date("1999-02-08T00:00:00Z"), to: new Date("1999-02-15T00:00:00Z"), tenant },
      { ch, reader: createReader(ch), writer, store: archive, enrichment, logger: silentLogger, fcr: { windowMs: W } },
    );
    redis.disconnect();
    expect(result.inserted).toBeGreaterThan(0);
    expect(await servedByDay()).toEqual(before);
    expect(await servedByDay()).toEqual(bruteForce(callsOf(text)).byDay);
    const [bad] = await createReader(ch).query<{ n: number }>(
      `SELECT count() AS n FROM (SELECT contact_id, sum(sign) AS s FROM fcr_repeats WHERE tenant = {t:String} GROUP BY contact_id, repeat_bin) WHERE s < 0 OR s > 1`,
      { t: tenant },
    );
    expect(Number(bad?.n)).toBe(0);
  }, 300_000);
});
