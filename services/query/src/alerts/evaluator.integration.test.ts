/**
 * The live alert evaluator against real chDB (migrated with infra/clickhouse) and real Redis and
 * BullMQ from the test stack, on generated history with known truth: five weeks of NPS answers at
 * six touchpoints, in control everywhere except a planted drop at one touchpoint.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseCatalogue, type TouchpointCatalogue } from "@pulse/catalogue";
import type { ClickHouse, Reader } from "@pulse/clickhouse";
import type { Notification } from "@pulse/alerting";
import { silentLogger, unwrap } from "@pulse/kit";
import { createQueueFactory, createRedis, redisReady, type Queue, type Redis } from "@pulse/redis";
import { EVENT_COLUMNS, eventRow, openTestDb, prng, type RawEvent } from "../fixtures.test-helper";
import { createAlertStore, type AlertStore } from "./alert-store";
import { formatBacktest, runBacktest } from "./backtest";
import { createAlertEvaluator } from "./evaluator";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6); // a Monday
const DAYS = 35;
const START = T0 + 14 * DAY; // evaluation starts after two weeks of history
const SHIFT_AT = T0 + 30 * DAY + 9 * 3_600_000; // day 30, 09:00
const TPS = ["t0", "t1", "t2", "t3", "t4", "t5"];
const TENANT = "acme";

const CATALOGUE: TouchpointCatalogue = unwrap(
  parseCatalogue({
    version: 1,
    defaultTargets: { nps: 0 },
    touchpoints: Object.fromEntries(TPS.map((t) => [t, { journeyStage: "service" }])),
  }),
);

/** 0.3 answers a minute per touchpoint (432 a day); NPS 30 (50% promoters, 20% detractors), t3 NPS 0 after the shift. */
function generate(): RawEvent[] {
  const rand = prng(99);
  const out: RawEvent[] = [];
  let id = 0;
  for (let m = T0; m < T0 + DAYS * DAY; m += MIN) {
    for (const tp of TPS) {
      if (rand() >= 0.3) continue;
      const shifted = tp === "t3" && m >= SHIFT_AT;
      const [pp, pd] = shifted ? [0.35, 0.35] : [0.5, 0.2];
      const u = rand();
      const nps = u < pp ? 9 + Math.floor(rand() * 2) : u < pp + pd ? Math.floor(rand() * 7) : 7 + Math.floor(rand() * 2);
      // after the shift, t3's detractors name "hold_time" more often than anything else
      const topics = nps <= 6 ? (shifted && rand() < 0.6 ? ["hold_time"] : ["billing"]) : [];
      out.push({ tenant: TENANT, id: `e${id++}`, type: "survey.response", at: m + Math.floor(rand() * MIN), touchpoint: tp, channel: rand() < 0.5 ? "phone" : "web", segment: "all", journeyStage: "service", customer: `c${id}`, nps, topics });
    }
  }
  return out;
}

let events: RawEvent[] = [];
let dbDir = "";
let ch: ClickHouse | null;
let reader: Reader;
let writer: Awaited<ReturnType<typeof openTestDb>>["writer"];
let redis: Redis;
let store: AlertStore;
let queues: ReturnType<typeof createQueueFactory>;
let notify: Queue;

beforeAll(async () => {
  const db = await openTestDb();
  dbDir = db.dir;
  ch = db.ch;
  reader = db.reader;
  writer = db.writer;
  events = generate();
  for (let i = 0; i < events.length; i += 50_000)
    await writer.insert("feedback_events", EVENT_COLUMNS, events.slice(i, i + 50_000).map(eventRow), { dedupToken: `alerts-test-${i}` });
  // three comments at t3 after the shift (stored text is already redacted by the worker)
  const at = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);
  await writer.insert(
    "feedback_events",
    ["tenant", "event_id", "type", "schema_version", "occurred_at", "received_at", "source", "touchpoint", "touchpoint_raw", "journey_stage", "channel", "customer_id", "segment", "text"],
    [1, 2, 3].map((k) => [TENANT, `comment${k}`, "survey.response", 1, at(SHIFT_AT + k * 600_000), at(SHIFT_AT + k * 600_000), "test", "t3", "t3", "service", "phone", `cc${k}`, "all", `on hold for ages [PHONE] (${k})`]),
    { dedupToken: "alerts-test-comments" },
  );
  const url = inject("stack").REDIS_URL;
  redis = createRedis({ url, keyPrefix: `pulse-test:alerts:${randomUUID()}:` });
  await redisReady(redis);
  store = createAlertStore(redis);
  queues = createQueueFactory({ redis: { url }, prefix: `pulse-test-alerts-${randomUUID()}` });
  notify = queues.queue("pulse-alert-notifications");
}, 300_000);

afterAll(async () => {
  await notify?.obliterate({ force: true }).catch(() => undefined);
  await notify?.close();
  redis?.disconnect();
  await ch?.close();
});

/**
 * Runs the evaluator in its own process; resolves with its exit signal (null when it finished).
 * `killPast`: SIGKILL the process as soon as its committed cursor passes this clock (polled in its
 * Redis state): a kill in the middle of the work, however fast the machine runs it.
 */
function evaluatorProcess(opts: { redisUrl: string; keyPrefix: string }, killPast: number | null): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./evaluator-process.test-helper.ts", import.meta.url)), JSON.stringify(opts)], { stdio: ["ignore", "pipe", "inherit"] });
  const watchRedis = killPast === null ? null : createRedis({ url: opts.redisUrl, keyPrefix: opts.keyPrefix });
  const watchStore = watchRedis ? createAlertStore(watchRedis) : null;
  let watching = true;
  const watch = async () => {
    while (watching && watchStore && killPast !== null) {
      const { cursor } = await watchStore.read(TENANT);
      if (cursor !== null && cursor >= killPast) {
        child.kill("SIGKILL");
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  void watch();
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      watching = false;
      watchRedis?.disconnect();
      if (signal === null && code !== 0) reject(new Error(`evaluator process exited with ${code}`));
      else resolve(signal);
    });
  });
}

const catalogues = { forTenant: () => CATALOGUE };
const firingOf = (ns: readonly Notification[]) => ns.filter((n) => n.type === "firing");

describe("alert evaluator (chDB + Redis + BullMQ)", () => {
  // The reference: `pulse alerts backtest` over the whole span (one uninterrupted replay).
  let reference: Notification[] = [];

  it("finds the planted drop at the right touchpoint, with evidence, and nothing in three in-control weeks elsewhere", async () => {
    const r = await runBacktest({ reader, tenant: TENANT, catalogue: CATALOGUE, from: START, to: T0 + DAYS * DAY });
    reference = r.notifications;
    expect(r.minutes).toBe(21 * 1440);
    expect(formatBacktest(reference)).toMatch(/ firing +warning +t3 /);
    const firing = firingOf(reference);
    expect(firing.map((n) => n.alert.touchpoint)).toContain("t3");
    // in control: no alert at all before the shift, and none at the other touchpoints ever
    expect(firing.filter((n) => n.minute < SHIFT_AT)).toEqual([]);
    expect(firing.filter((n) => n.alert.touchpoint !== "t3")).toEqual([]);
    const first = firing[0]!;
    expect(first.minute - SHIFT_AT).toBeLessThan(DAY);
    const ev = first.alert.evidence;
    expect(ev.value.n).toBeGreaterThan(0);
    expect(ev.value.ci95).not.toBeNull();
    expect(ev.statistic.value).toBeGreaterThanOrEqual(ev.statistic.threshold);
    if (first.alert.kind === "change") {
      expect(ev.reference.kind).toBe("baseline");
      expect(ev.reference.value).toBeGreaterThan(20); // the baseline NPS is 30
      expect(ev.value.value!).toBeLessThan(ev.reference.value);
    } else {
      expect(ev.reference).toEqual({ kind: "target", value: 0 });
    }
    expect(ev.since!).toBeLessThanOrEqual(first.minute);
    // the explanation: channels add up to the value's n and to its gap from the reference
    const ctx = ev.context!;
    expect(ctx.breakdown.map((b) => b.channel).sort()).toEqual(["phone", "web"]);
    if (ctx.window.from === ev.since) {
      expect(ctx.breakdown.reduce((a, b) => a + b.n, 0)).toBe(ev.value.n);
      expect(ctx.breakdown.reduce((a, b) => a + b.contribution!, 0)).toBeCloseTo(ev.value.value! - ev.reference.value, 9);
    }
    // topics: counted independently from the generated events of the window at t3
    const counts = new Map<string, number>();
    for (const e of events)
      if (e.touchpoint === "t3" && e.at >= ctx.window.from && e.at < ctx.window.to && (e.nps ?? 10) <= 6) for (const t of e.topics ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
    const expectedTopics = [...counts].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic));
    expect(ctx.topics).toEqual(expectedTopics.slice(0, 5));
    expect(ctx.topics.map((t) => t.topic)).toContain("hold_time");
    if (first.minute > SHIFT_AT + 30 * MIN) expect(ctx.comments.map((c) => c.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^on hold for ages \[PHONE\] \(\d\)$/)]));
  }, 600_000);

  it("live equals the backtest: a run that dies after committing, restarted, neither repeats nor skips a notification; a duplicate run adds nothing", async () => {
    let clock = START + 16 * DAY + 2 * MIN; // through day 29 23:59: before the shift
    const base = { reader, writer, store, catalogues, logger: silentLogger, now: () => clock, startAt: START, lagMinutes: 2, maxMinutesPerRun: 40 * 1440 };
    const live = createAlertEvaluator({ ...base, notifications: notify });
    await live.runTenant(TENANT);
    // The next day's run dies when handing the notifications to BullMQ (its Redis is gone).
    clock = T0 + DAYS * DAY + 2 * MIN; // the last complete minute (lag 2) is the data's last
    const dying = createAlertEvaluator({ ...base, notifications: { add: () => Promise.reject(new Error("connection lost")) } });
    const expected = reference.filter((n) => !n.silenced);
    if (expected.length > 0) await expect(dying.runTenant(TENANT)).rejects.toThrow(/connection lost/);
    // committed: states, cursor and the outbox are in Redis; the notifications are not in BullMQ yet
    expect((await store.outbox(TENANT)).length).toBeGreaterThan(0);
    // restart
    const restarted = createAlertEvaluator({ ...base, notifications: notify });
    await restarted.runTenant(TENANT);
    await restarted.runTenant(TENANT); // a duplicate run
    await Promise.all([restarted.runTenant(TENANT), live.runTenant(TENANT)]); // and two at once
    const jobs = await notify.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    const keys = jobs.map((j) => (j.data as Notification).key).sort();
    expect(keys).toEqual(expected.map((n) => n.key).sort());
    expect(new Set(keys).size).toBe(keys.length);
    const snap = await store.read(TENANT);
    expect(snap.cursor).toBe(T0 + DAYS * DAY - MIN);
    expect(await store.outbox(TENANT)).toEqual([]);
    // the history table holds each event once, the same as the reference
    const rows = await reader.query<{ alert_id: string; event: string; minute: string; touchpoint: string }>(
      "SELECT alert_id, event, toString(minute) AS minute, touchpoint FROM alerts FINAL WHERE tenant = {t:String} ORDER BY minute, alert_id, event",
      { t: TENANT },
    );
    expect(rows.map((r) => `${r.alert_id}:${r.event}`).sort()).toEqual(reference.map((n) => `${n.alert.id}:${n.type}`).sort());
  }, 600_000);

  it("a killed (SIGKILL) and restarted evaluator process neither repeats nor skips a notification", async () => {
    // the embedded store has one owner at a time: hand it to the child processes
    await ch!.close();
    ch = null;
    const keyPrefix = `pulse-test:alerts-kill:${randomUUID()}:`;
    const queuePrefix = `pulse-test-alerts-kill-${randomUUID()}`;
    const opts = { path: join(dbDir, "db"), database: "pulse_query_test", redisUrl: inject("stack").REDIS_URL, keyPrefix, queuePrefix, catalogue: CATALOGUE, startAt: START, now: T0 + DAYS * DAY + 2 * MIN };
    // Three processes are killed part-way through the 21 days (when their committed cursor passes
    // day 4, 9 and 15 of the run: each resumes from the last one's cursor), a fourth finishes.
    const kills: Array<NodeJS.Signals | null> = [];
    for (const day of [4, 9, 15]) kills.push(await evaluatorProcess(opts, START + day * DAY));
    expect(kills).toEqual(["SIGKILL", "SIGKILL", "SIGKILL"]);
    expect(await evaluatorProcess(opts, null)).toBeNull(); // the last one runs to the end
    const killQueue = createQueueFactory({ redis: { url: inject("stack").REDIS_URL }, prefix: queuePrefix }).queue("pulse-alert-notifications");
    const jobs = await killQueue.getJobs(["waiting", "delayed", "active", "completed", "failed"]);
    const keys = jobs.map((j) => (j.data as Notification).key).sort();
    expect(keys).toEqual(reference.filter((n) => !n.silenced).map((n) => n.key).sort());
    const killRedis = createRedis({ url: inject("stack").REDIS_URL, keyPrefix });
    const killStore = createAlertStore(killRedis);
    expect((await killStore.read(TENANT)).cursor).toBe(T0 + DAYS * DAY - MIN);
    expect(await killStore.outbox(TENANT)).toEqual([]);
    killRedis.disconnect();
    await killQueue.obliterate({ force: true });
    await killQueue.close();
  }, 600_000);
});
