/**
 * Issue 12 end to end: follow-up cases through the real collector, Kafka, worker, chDB, a real
 * Postgres server (a schema of its own), Redis/BullMQ and the query service.
 * - a detractor answer opens exactly one case, also after the same event is resent (through the
 *   collector's dedup and past it), after the worker crashed between opening the case and
 *   committing its offset (the chunk is delivered again to a new worker) and after a replay of
 *   the range from the archive;
 * - PATCH: a stale version gets 409, a read token cannot write, another tenant sees nothing;
 * - a case with a short SLA is escalated once when it breaches, and not at all when it is
 *   answered and resolved in time.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCaseMetrics, createCaseRepository, createSlaProcessor, createSlaTimers, type CaseRecord, type FollowUpJobData, type SlaJobData } from "@pulse/cases";
import { casePolicyOf, createCatalogueSource, parseCatalogue } from "@pulse/catalogue";
import { createReader, createWriter, migrate, openClickHouse, type ClickHouse } from "@pulse/clickhouse";
import { createCollectorApp, createRedisDedupStore, hashApiKey } from "@pulse/collector";
import type { FeedbackEvent } from "@pulse/contract";
import { createKafka, createProducer, declaredTopics, ensureTopics, topicNames } from "@pulse/kafka";
import { createMetricsRegistry, silentLogger, type Registry } from "@pulse/kit";
import { createQueryApp } from "@pulse/query";
import { createQueueFactory, createRedis, QUEUE_NAMES, type Queue } from "@pulse/redis";
import { openTestStore, type TestStore } from "@pulse/store";
import { createLocalStore } from "@pulse/storage";
import { createCaseHistoryShipper, createCaseOpener, createWorker, replayRange, type CaseOpener, type PulseWorker } from "@pulse/worker";

const stack = inject("stack");
const ROOT = new URL("../../../", import.meta.url).pathname;
const run = randomUUID().slice(0, 6);
const tenant = `cases${run}`;
const other = `other${run}`;
const KEY = `key-${randomUUID()}`;
const READ = `read-${randomUUID()}`;
const WRITE = `write-${randomUUID()}`;
const OTHER_READ = `oread-${randomUUID()}`;
const OTHER_WRITE = `owrite-${randomUUID()}`;
const made: string[] = [];
const closers: (() => Promise<unknown> | void)[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

// The tenant's case policy: short SLAs for severe complaints (the SLA test), the defaults otherwise.
const catalogue = parseCatalogue({
  version: 1,
  touchpoints: {},
  cases: {
    teams: { care: { members: ["ann", "bob"], lead: "lea", escalationTeam: "escalations" }, escalations: { members: ["eve"] } },
    defaultTeam: "care",
    triggerSla: { complaint_severe: { firstResponseSeconds: 3, resolutionSeconds: 6 } },
    // Posted through the test's own `post` (the SLA runner below records the bodies).
    escalationWebhook: "http://127.0.0.1:9/hooks/cases",
  },
});
if (!catalogue.ok) throw catalogue.error;

let ch: ClickHouse;
let t: TestStore;
let collector: Awaited<ReturnType<typeof createCollectorApp>>;
let query: Awaited<ReturnType<typeof createQueryApp>>;
let makeWorker: (opener: CaseOpener, registry?: Registry) => PulseWorker;
let realOpener: CaseOpener;
let slaQueue: Queue<SlaJobData>;
let archive: ReturnType<typeof createLocalStore>;
let live: PulseWorker;
const slaRegistry = createMetricsRegistry("sla", { defaults: false });
const webhook: unknown[] = [];

beforeAll(async () => {
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "e2e-cases", logger: silentLogger });
  const topics = topicNames(`${tenant}.`);
  await ensureTopics(kafka, declaredTopics(`${tenant}.`, { feedback: 1, deadLetters: 1 }));
  ch = await openClickHouse({ path: join(tempDir("pulse-cases-"), "ch"), database: "pulse" });
  await migrate(ch, join(ROOT, "infra/clickhouse"));
  t = await openTestStore("server");
  const repo = createCaseRepository(t.store);
  const redis = createRedis({ url: stack.REDIS_URL, keyPrefix: `e2e:${tenant}:` });
  const producer = createProducer(kafka);
  const catalogues = createCatalogueSource({ redis: null, fallback: catalogue.value, logger: silentLogger });
  const policyOf = (tn: string) => casePolicyOf(catalogues.forTenant(tn));
  const queues = createQueueFactory({ redis: { url: stack.REDIS_URL }, prefix: `e2e-cases-${run}` });
  slaQueue = queues.queue<SlaJobData>(QUEUE_NAMES.followUps);
  const timers = createSlaTimers(slaQueue);
  archive = createLocalStore(tempDir("pulse-cases-archive-"));
  realOpener = createCaseOpener({ repo, reader: createReader(ch), catalogues, registry: createMetricsRegistry("w", { defaults: false }), logger: silentLogger, timers });
  makeWorker = (opener, registry = createMetricsRegistry("w", { defaults: false })) =>
    createWorker({
      kafka,
      topics,
      groupId: `g-${tenant}`,
      ch,
      redis,
      store: archive,
      logger: silentLogger,
      registry,
      catalogues,
      maxChunk: 1000,
      partitionsConcurrently: 1,
      fcr: { windowMs: 7 * 86_400_000 },
      retry: { minMs: 100, maxMs: 500 },
      cases: opener,
    });
  collector = await makeCollector(producer, createRedisDedupStore(redis, { windowSeconds: 3600 }));
  const token = (s: string, tn: string, kind: "read" | "write") => ({ sha256: Buffer.from(hashApiKey(s), "hex"), tenant: tn, kind });
  query = await createQueryApp({
    reader: createReader(ch),
    logger: silentLogger,
    metrics: createMetricsRegistry("q", { defaults: false }),
    tokens: [token(READ, tenant, "read"), token(WRITE, tenant, "write"), token(OTHER_READ, other, "read"), token(OTHER_WRITE, other, "write")],
    cases: { repo, policyOf, timers },
  });
  // The SLA runner, as the jobs service runs it.
  // The escalation webhooks are jobs on the same queue.
  const webhookQueue = queues.queue<FollowUpJobData>(QUEUE_NAMES.followUps);
  const process = createSlaProcessor({
    repo,
    policyOf,
    metrics: createCaseMetrics(slaRegistry),
    logger: silentLogger,
    queue: webhookQueue,
    post: (_url, body) => Promise.resolve(void webhook.push(body)),
  });
  const slaWorker = queues.worker<SlaJobData>(QUEUE_NAMES.followUps, (job, tok) => process(job, tok), { concurrency: 2 });
  closers.push(
    () => slaWorker.close(),
    () => slaQueue.obliterate({ force: true }).catch(() => undefined),
    () => slaQueue.close(),
    () => webhookQueue.close(),
    () => query.close(),
    () => collector.close(),
    () => producer.disconnect(),
    () => redis.disconnect(),
    () => ch.close(),
    () => t.dispose(),
  );
});

afterAll(async () => {
  for (const c of closers) await c();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A collector for the tenant's key on the run's topics, with its own dedup memory. */
const makeCollector = (producer: ReturnType<typeof createProducer>, dedup: ReturnType<typeof createRedisDedupStore>) =>
  createCollectorApp({
    producer,
    topics: topicNames(`${tenant}.`),
    dedup,
    keys: [{ sha256: hashApiKey(KEY), tenant, source: "e2e" }],
    logger: silentLogger,
    metrics: createMetricsRegistry("c", { defaults: false }),
    limits: { maxBodyBytes: 1024 * 1024, maxEvents: 100, maxDepth: 32, rateLimit: { eventsPerSecond: 1000, burst: 1000 }, produceTimeoutMs: 10_000, lingerMs: 2, maxSendBytes: 900 * 1024, coalesce: true },
  });

const survey = (id: string, nps: number, customer: string): FeedbackEvent => ({
  id,
  type: "survey.response",
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  source: "e2e",
  touchpoint: "checkout",
  channel: "web",
  customer: { id: customer },
  schemaVersion: 1,
  body: { surveyId: "post", nps, comment: "Waited 40 minutes, call me at +44 20 7946 0958" },
});

const complaint = (id: string, customer: string): FeedbackEvent => ({
  id,
  type: "complaint.opened",
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  source: "e2e",
  touchpoint: "billing",
  channel: "email",
  customer: { id: customer },
  schemaVersion: 1,
  body: { complaintId: `cmp-${id}`, category: "billing", severity: "critical", text: "charged twice" },
});

const send = async (events: FeedbackEvent[], via = collector) => {
  const r = await via.inject({ method: "POST", url: "/v1/events", headers: { authorization: `Bearer ${KEY}` }, payload: events });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ results: { status: string }[] }>().results.map((x) => x.status);
};

const get = (url: string, tok = READ) => query.inject({ url, headers: { authorization: `Bearer ${tok}` } });
const patch = (id: string, body: unknown, tok = WRITE) => query.inject({ method: "PATCH", url: `/v1/cases/${id}`, headers: { authorization: `Bearer ${tok}` }, payload: body as Record<string, unknown> });
const casesOf = async (customer: string): Promise<CaseRecord[]> => {
  const r = await get(`/v1/cases?customer=${customer}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ cases: CaseRecord[] }>().cases;
};
const rowsOf = async (customer: string) => {
  const { rows } = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM cases WHERE tenant_id = $1 AND customer_id = $2", [tenant, customer]);
  return rows[0]?.n ?? 0;
};
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("follow-up cases end to end", () => {
  let caseId = "";

  it("a detractor answer opens exactly one case, also after resends and a worker crash before commit", async () => {
    // Worker 1 crashes right after opening the case: the chunk is neither marked applied nor committed.
    let crashed!: () => void;
    const crash = new Promise<void>((r) => (crashed = r));
    let armed = true;
    const crashing: CaseOpener = {
      async fromChunk(stored) {
        const n = await realOpener.fromChunk(stored);
        if (armed && stored.some((s) => s.d.event.id === `${tenant}-d1`)) {
          armed = false;
          crashed();
          throw new Error("simulated crash after the case was opened, before the offset commit");
        }
        return n;
      },
    };
    const w1 = makeWorker(crashing);
    await w1.start();
    expect(await send([survey(`${tenant}-d1`, 2, "cust-d"), survey(`${tenant}-p1`, 9, "cust-p")])).toEqual(["accepted", "accepted"]);
    await crash;
    await w1.stop();
    expect(await rowsOf("cust-d")).toBe(1);

    // Worker 2 (same group) gets the uncommitted chunk again and evaluates the same event again.
    const seen: string[] = [];
    const w2Registry = createMetricsRegistry("w2", { defaults: false });
    const w2 = makeWorker(
      {
        async fromChunk(stored) {
          const n = await realOpener.fromChunk(stored);
          seen.push(...stored.map((s) => s.d.event.id));
          return n;
        },
      },
      w2Registry,
    );
    await w2.start();
    live = w2;
    closers.unshift(() => w2.stop());
    await until("the redelivered chunk", () => Promise.resolve(seen.includes(`${tenant}-d1`)), Boolean);

    // The same event resent: through the collector (its dedup answers), and past it (a second
    // collector with an empty dedup memory, as after the dedup window) so the worker sees it again.
    expect(await send([survey(`${tenant}-d1`, 2, "cust-d")])).toEqual(["duplicate"]);
    const freshRedis = createRedis({ url: stack.REDIS_URL, keyPrefix: `e2e:${tenant}:fresh:` });
    const freshProducer = createProducer(createKafka({ brokers: stack.KAFKA_BROKERS.split(","), clientId: "e2e-cases-2", logger: silentLogger }));
    const fresh = await makeCollector(freshProducer, createRedisDedupStore(freshRedis, { windowSeconds: 3600 }));
    closers.unshift(() => freshRedis.disconnect(), () => freshProducer.disconnect());
    closers.unshift(() => fresh.close());
    expect(await send([survey(`${tenant}-d1`, 2, "cust-d")], fresh)).toEqual(["accepted"]);
    // The worker sees the resent message and drops the id it already stored.
    const duplicates = async () => (await w2Registry.getSingleMetric("pulse_worker_duplicates_total")?.get())?.values[0]?.value ?? 0;
    await until("the resent event reaching the worker", duplicates, (n) => n >= 1);
    const [stored] = await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String}", { t: tenant });
    expect(Number(stored?.n)).toBe(2);

    const cases = await casesOf("cust-d");
    expect(cases).toHaveLength(1);
    expect(await rowsOf("cust-d")).toBe(1);
    expect(await rowsOf("cust-p")).toBe(0);
    const c = cases[0]!;
    caseId = c.id;
    expect(c).toMatchObject({ trigger: "nps_detractor", state: "open", team: "care", version: 1, eventId: `${tenant}-d1` });
    // Evidence holds the redacted comment, never the phone number.
    expect(JSON.stringify(c.evidence)).not.toContain("7946");
    expect(c.evidence).toMatchObject({ score: { kind: "nps", value: 2 } });
  });

  it("a replay from the archive evaluates the event again and opens nothing new", async () => {
    const day = 86_400_000;
    const evaluated: string[] = [];
    const result = await replayRange(
      { from: new Date(Math.floor(Date.now() / day) * day - day), to: new Date(Math.floor(Date.now() / day) * day + day), tenant },
      {
        ch,
        reader: createReader(ch),
        writer: createWriter(ch),
        store: archive,
        enrichment: live.enrichment,
        logger: silentLogger,
        cases: {
          async fromChunk(stored) {
            evaluated.push(...stored.map((s) => s.d.event.id));
            return realOpener.fromChunk(stored);
          },
        },
      },
    );
    expect(result.inserted).toBe(2);
    expect(evaluated).toContain(`${tenant}-d1`);
    expect(await rowsOf("cust-d")).toBe(1);
    expect(await casesOf("cust-d")).toHaveLength(1);
  });

  it("serves the case with its customer's recent feedback and history", async () => {
    const r = await get(`/v1/cases/${caseId}`);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ case: CaseRecord; history: { action: string }[]; customer: { recent: { eventId: string }[] } }>();
    expect(body.case.id).toBe(caseId);
    expect(body.history.map((h) => h.action)).toEqual(["created"]);
    expect(body.customer.recent.map((e) => e.eventId)).toEqual([`${tenant}-d1`]);
  });

  it("a read token cannot write; another tenant sees and changes nothing; a stale update gets 409", async () => {
    const byRead = await patch(caseId, { version: 1, actor: "ann", state: "in_progress" }, READ);
    expect(byRead.statusCode).toBe(403);
    expect(byRead.headers["content-type"]).toContain("application/problem+json");
    expect((await get(`/v1/cases/${caseId}`, OTHER_READ)).statusCode).toBe(404);
    expect((await get(`/v1/cases`, OTHER_READ)).json<{ total: number }>().total).toBe(0);
    expect((await patch(caseId, { version: 1, actor: "mallory", owner: "mallory" }, OTHER_WRITE)).statusCode).toBe(404);

    const ok = await patch(caseId, { version: 1, actor: "ann", state: "in_progress", note: "called back" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<CaseRecord>()).toMatchObject({ version: 2, state: "in_progress" });
    const stale = await patch(caseId, { version: 1, actor: "bob", owner: "bob" });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ status: 409, code: "case_version_conflict" });
    const bad = await patch(caseId, { version: 2, actor: "ann", state: "closed" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ detail: string }>().detail).toContain("state");
    const c = (await get(`/v1/cases/${caseId}`)).json<{ case: CaseRecord }>().case;
    expect(c).toMatchObject({ version: 2, state: "in_progress", owner: expect.not.stringMatching(/^(bob|mallory)$/) as unknown });
  });

  it("refuses bad input naming the field and the rule; documents every route in OpenAPI", async () => {
    const bad = async (url: string) => {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      return r.json<{ detail: string; parameter?: string }>();
    };
    expect(await bad("/v1/cases?state=lost")).toMatchObject({ parameter: "state" });
    expect((await bad("/v1/cases?state=lost")).detail).toContain("open, in_progress");
    expect(await bad("/v1/cases?limit=0")).toMatchObject({ parameter: "limit" });
    expect(await bad("/v1/cases?due=later")).toMatchObject({ parameter: "due" });
    expect(await bad("/v1/cases?colour=red")).toMatchObject({ parameter: "colour" });
    expect((await query.inject({ url: "/v1/cases" })).statusCode).toBe(401);

    const c = (await get(`/v1/cases/${caseId}`)).json<{ case: CaseRecord }>().case;
    const unknown = await patch(caseId, { version: c.version, actor: "ann", colour: "red" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ detail: string }>().detail).toMatch(/^colour: unknown field/);
    const noVersion = await patch(caseId, { actor: "ann", note: "x" });
    expect(noVersion.json<{ detail: string }>().detail).toMatch(/^version: required/);
    const badOutcome = await patch(caseId, { version: c.version, actor: "ann", outcome: "great" });
    expect(badOutcome.json<{ detail: string }>().detail).toMatch(/^outcome: must be one of recovered/);
    // The version may come as If-Match instead.
    const viaHeader = await query.inject({
      method: "PATCH",
      url: `/v1/cases/${caseId}`,
      headers: { authorization: `Bearer ${WRITE}`, "if-match": `"${c.version}"` },
      payload: { actor: "ann", note: "left a voicemail" },
    });
    expect(viaHeader.statusCode, viaHeader.body).toBe(200);
    expect(viaHeader.json<CaseRecord>().version).toBe(c.version + 1);

    const doc = (await query.inject({ url: "/docs/json" })).json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>();
    expect(Object.keys(doc.paths["/v1/cases"] ?? {})).toEqual(["get"]);
    expect(Object.keys(doc.paths["/v1/cases/metrics"] ?? {})).toEqual(["get"]);
    expect(Object.keys(doc.paths["/v1/cases/{id}"] ?? {}).sort()).toEqual(["get", "patch"]);
    expect(doc.paths["/v1/cases/{id}"]?.patch?.security).toEqual([{ bearer: [] }]);
  });

  it("escalates a case with a short SLA once when it breaches, and not one resolved in time", async () => {
    expect(await send([complaint(`${tenant}-late`, "cust-late"), complaint(`${tenant}-ok`, "cust-ok")])).toEqual(["accepted", "accepted"]);
    const [late] = await until("the late case", () => casesOf("cust-late"), (l) => l.length === 1);
    const [onTime] = await until("the on-time case", () => casesOf("cust-ok"), (l) => l.length === 1);
    // Answered and resolved inside the 3 s / 6 s SLA.
    const a = await patch(onTime!.id, { version: 1, actor: "bob", state: "in_progress" });
    expect(a.statusCode, a.body).toBe(200);
    const b = await patch(onTime!.id, { version: 2, actor: "bob", state: "resolved" });
    expect(b.statusCode, b.body).toBe(200);

    const l = await until(
      "both breaches of the late case",
      async () => (await get(`/v1/cases/${late!.id}`)).json<{ case: CaseRecord }>().case,
      (c) => c.firstResponseBreachedAt !== null && c.resolutionBreachedAt !== null,
      30_000,
    );
    expect(l.team).toBe("escalations");
    // Give any duplicate timer time to fire: nothing more happens.
    await new Promise((r) => setTimeout(r, 2000));
    const h = (await get(`/v1/cases/${late!.id}`)).json<{ history: { action: string }[] }>().history;
    expect(h.filter((x) => x.action === "escalated")).toHaveLength(2);
    const metric = await slaRegistry.getSingleMetricAsString("pulse_case_sla_breaches_total");
    expect(metric).toContain('pulse_case_sla_breaches_total{kind="first_response",trigger="complaint_severe",service="sla"} 1');
    expect(metric).toContain('pulse_case_sla_breaches_total{kind="resolution",trigger="complaint_severe",service="sla"} 1');
    expect(webhook.filter((w) => (w as { case: { id: string } }).case.id === late!.id)).toHaveLength(2);

    const ok = (await get(`/v1/cases/${onTime!.id}`)).json<{ case: CaseRecord; history: { action: string }[] }>();
    expect(ok.case).toMatchObject({ state: "resolved", firstResponseBreachedAt: null, resolutionBreachedAt: null });
    expect(ok.history.some((x) => x.action === "escalated")).toBe(false);
    expect(webhook.some((w) => (w as { case: { id: string } }).case.id === onTime!.id)).toBe(false);
  });

  it("ships the case history to ClickHouse once, for analysts", async () => {
    const shipper = createCaseHistoryShipper({ store: t.store, writer: createWriter(ch), logger: silentLogger, batch: 3 });
    const shipped = await shipper.shipAll();
    const { rows } = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM case_history WHERE tenant_id = $1", [tenant]);
    expect(shipped).toBe(rows[0]?.n);
    expect(await shipper.shipAll()).toBe(0);
    // A batch shipped again (a crash before it was marked) stays one copy.
    await t.store.query("UPDATE case_history SET shipped_at = NULL WHERE tenant_id = $1", [tenant]);
    await shipper.shipAll();
    const reader = createReader(ch);
    const [n] = await reader.query<{ n: number; escalated: number }>(
      "SELECT count() AS n, countIf(action = 'escalated') AS escalated FROM case_history FINAL WHERE tenant = {t:String}",
      { t: tenant },
    );
    expect(Number(n?.n)).toBe(rows[0]?.n);
    expect(Number(n?.escalated)).toBe(2);
    const [created] = await reader.query<{ trigger: string; team: string }>(
      "SELECT trigger, team FROM case_history FINAL WHERE tenant = {t:String} AND case_id = {c:String} AND action = 'created'",
      { t: tenant, c: caseId },
    );
    expect(created).toMatchObject({ trigger: "nps_detractor" });
  });

  it("a repeat contact on the same topic opens a case naming both contacts; the first contact opens none", async () => {
    const call = (id: string, minutesAgo: number, topic: string): FeedbackEvent => ({
      id,
      type: "call.completed",
      occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      source: "e2e",
      touchpoint: "phone",
      channel: "phone",
      customer: { id: "cust-r" },
      schemaVersion: 1,
      body: { queue: "general", waitSeconds: 30, handleSeconds: 200, holdSeconds: 0, transfers: 0, abandoned: false, topic },
    });
    // The first call, then (in another request, so another chunk) a second on the same topic and one on another topic.
    expect(await send([call(`${tenant}-r1`, 30, "billing")])).toEqual(["accepted"]);
    await until(
      "the first call stored",
      async () => Number((await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM fcr_contacts WHERE tenant = {t:String} AND customer_id = 'cust-r'", { t: tenant }))[0]?.n),
      (n) => n === 1,
    );
    expect(await rowsOf("cust-r")).toBe(0);
    expect(await send([call(`${tenant}-r2`, 10, "billing"), call(`${tenant}-r3`, 5, "delivery")])).toEqual(["accepted", "accepted"]);
    const [c] = await until("the repeat-contact case", () => casesOf("cust-r"), (l) => l.length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await rowsOf("cust-r")).toBe(1);
    expect(c).toMatchObject({ trigger: "repeat_contact", severity: "medium", eventId: `${tenant}-r2`, evidence: { contacts: [`${tenant}-r1`, `${tenant}-r2`], topic: "billing" } });
  });

  it("serves loop metrics and the recovery rate per team", async () => {
    // cust-d, followed up (a note) after an NPS 2, answers again: a promoter now.
    const later = { ...survey(`${tenant}-d2`, 10, "cust-d"), occurredAt: new Date(Date.now() + 1000).toISOString() };
    expect(await send([later])).toEqual(["accepted"]);
    await until(
      "the later answer",
      async () => Number((await createReader(ch).query<{ n: number }>("SELECT count() AS n FROM feedback_events WHERE tenant = {t:String} AND event_id = {e:String}", { t: tenant, e: later.id }))[0]?.n),
      (n) => n === 1,
    );
    // Loop metrics come from ClickHouse's rollup, fed by the shipped case history (the worker ships it every few seconds).
    await createCaseHistoryShipper({ store: t.store, writer: createWriter(ch), logger: silentLogger }).shipAll();
    const r = await get(`/v1/cases/metrics?groupBy=team&from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`);
    expect(r.statusCode, r.body).toBe(200);
    type G = { key: string; opened: number; closureRate: { count: number }; recovery: { response: { count: number; n: number }; improved: { count: number; n: number }; becamePromoters: { count: number } } | null };
    const groups = r.json<{ groups: G[] }>().groups;
    // A case counts for the team it was opened for (its created history row), also after an escalation moved it.
    const { rows } = await t.store.query<{ team: string; n: number }>(
      "SELECT changes->'team'->>1 AS team, count(*) AS n FROM case_history WHERE tenant_id = $1 AND action = 'created' GROUP BY 1 ORDER BY 1",
      [tenant],
    );
    const moved = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM case_history WHERE tenant_id = $1 AND action = 'escalated' AND changes ? 'team'", [tenant]);
    expect(moved.rows[0]?.n).toBeGreaterThan(0);
    expect(groups.map((g) => [g.key, g.opened])).toEqual(rows.map((x) => [x.team, x.n]));
    const care = groups.find((g) => g.key === "care")!;
    // Followed up in care: cust-d (NPS 2, answered 10 later) and cust-ok (a complaint, no NPS, no later answer).
    expect(care.recovery).toMatchObject({ response: { count: 1, n: 2 }, improved: { count: 1, n: 1 }, becamePromoters: { count: 1 } });
    const bad = await get("/v1/cases/metrics?groupBy=segment");
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ detail: string }>().detail).toContain("groupBy");
  });
});
