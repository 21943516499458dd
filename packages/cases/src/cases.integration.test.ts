import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webhookSignature } from "@pulse/http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CasePolicy } from "@pulse/catalogue";
import type { FeedbackEvent } from "@pulse/contract";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueueFactory, type Queue } from "@pulse/redis";
import { openTestStore, STORE_BACKENDS, type TestStore } from "@pulse/store";
import {
  CaseConflictError,
  createCaseMetrics,
  createCaseRepository,
  createSlaProcessor,
  createSlaTimers,
  escalationJobId,
  evaluateTriggers,
  slaJobId,
  type CaseRepository,
  type FollowUpJobData,
  type SlaJobData,
} from "./index";

const stack = inject("stack");

const policy = CasePolicy.parse({
  teams: { care: { members: ["ann", "bob", "cy"], lead: "lea", escalationTeam: "escalations" }, escalations: { members: ["eve"] } },
  routing: [{ trigger: "nps_detractor", team: "care" }],
  sla: { high: { firstResponseSeconds: 60, resolutionSeconds: 3600 } },
});

function survey(id: string, nps: number, customer = "cust-1"): FeedbackEvent {
  return {
    id,
    type: "survey.response",
    occurredAt: "2026-11-30T10:00:00.000Z",
    source: "test",
    touchpoint: "checkout",
    channel: "web",
    customer: { id: customer },
    schemaVersion: 1,
    body: { surveyId: "post", nps, comment: "too slow" },
  };
}

const draftsOf = (tenant: string, e: FeedbackEvent) =>
  evaluateTriggers({ tenant, event: e, touchpoint: "checkout", segment: "retail", topic: "unknown", redactedText: "too slow", topics: ["speed"] }, policy);

describe.each(STORE_BACKENDS)("cases on %s", (backend) => {
  let t: TestStore;
  let repo: CaseRepository;
  const now = new Date("2026-11-30T10:01:00.000Z");
  beforeAll(async () => {
    t = await openTestStore(backend);
    repo = createCaseRepository(t.store);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("opens one case per triggering event, however often the event is evaluated", async () => {
    const e = survey("ev-1", 3);
    const first = await repo.open(draftsOf("t1", e), () => policy, now);
    const again = await repo.open(draftsOf("t1", e), () => policy, new Date(now.getTime() + 5000));
    expect(first).toHaveLength(1);
    expect(first[0]?.created).toBe(true);
    expect(again[0]?.created).toBe(false);
    expect(again[0]?.case.id).toBe(first[0]?.case.id);
    const { rows } = await t.store.query<{ n: number }>("SELECT count(*) AS n FROM cases WHERE tenant_id = 't1'");
    expect(rows[0]?.n).toBe(1);
    const c = first[0]!.case;
    expect(c).toMatchObject({ trigger: "nps_detractor", severity: "high", state: "open", team: "care", owner: "ann", version: 1, customerId: "cust-1" });
    expect(c.evidence).toMatchObject({ score: { kind: "nps", value: 3 }, comment: "too slow", topics: ["speed"] });
    expect(c.firstResponseDue).toBe(new Date(now.getTime() + 60_000).toISOString());
    expect(c.resolutionDue).toBe(new Date(now.getTime() + 3_600_000).toISOString());
    // A passive or promoter answer opens nothing.
    expect(draftsOf("t1", survey("ev-p", 7))).toEqual([]);
  });

  it("assigns round-robin within the team", async () => {
    const owners: (string | null)[] = [];
    for (let i = 2; i <= 5; i++) {
      const [r] = await repo.open(draftsOf("t1", survey(`ev-${i}`, 1)), () => policy, now);
      owners.push(r?.case.owner ?? null);
    }
    // ev-1 took ann; then bob, cy, ann, bob.
    expect(owners).toEqual(["bob", "cy", "ann", "bob"]);
  });

  it("a stale update gets a 409 conflict and changes nothing", async () => {
    const [r] = await repo.open(draftsOf("t1", survey("ev-stale", 2)), () => policy, now);
    const id = r!.case.id;
    const ok = await repo.update("t1", id, { version: 1, actor: "ann", state: "in_progress" }, policy, now);
    expect(ok.case.version).toBe(2);
    const err = await repo.update("t1", id, { version: 1, actor: "bob", owner: "bob" }, policy, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaseConflictError);
    expect((err as CaseConflictError).status).toBe(409);
    const c = await repo.get("t1", id);
    expect(c).toMatchObject({ version: 2, owner: r!.case.owner, state: "in_progress" });
  });

  it("keeps tenants apart: another tenant's case is not found, for reads and writes", async () => {
    const [r] = await repo.open(draftsOf("t1", survey("ev-iso", 0)), () => policy, now);
    const id = r!.case.id;
    await expect(repo.get("t2", id)).rejects.toMatchObject({ status: 404 });
    await expect(repo.update("t2", id, { version: 1, actor: "mallory", owner: "mallory" }, policy, now)).rejects.toMatchObject({ status: 404 });
    await expect(repo.history("t2", id)).rejects.toMatchObject({ status: 404 });
    expect((await repo.list("t2", {}, { limit: 50, offset: 0 }, now)).total).toBe(0);
    expect((await repo.get("t1", id)).owner).toBe(r!.case.owner);
  });

  it("works a case to closed: transitions, first response, close rules, history, reopen", async () => {
    const [r] = await repo.open(draftsOf("t1", survey("ev-flow", 4)), () => policy, now);
    const id = r!.case.id;
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    await expect(repo.update("t1", id, { version: 1, actor: "ann", state: "closed" }, policy, at(1))).rejects.toMatchObject({ code: "invalid_transition", status: 400 });
    const noted = await repo.update("t1", id, { version: 1, actor: "ann", note: "called the customer" }, policy, at(10));
    expect(noted.case.firstResponseAt).toBe(at(10).toISOString());
    expect(noted.case.state).toBe("open");
    await repo.update("t1", id, { version: 2, actor: "ann", state: "waiting_customer" }, policy, at(20));
    await repo.update("t1", id, { version: 3, actor: "ann", state: "resolved" }, policy, at(30));
    await expect(repo.update("t1", id, { version: 4, actor: "ann", state: "closed", rootCause: "slow_delivery" }, policy, at(40))).rejects.toMatchObject({
      code: "close_requires_root_cause_and_outcome",
      details: { field: "outcome" },
    });
    await expect(repo.update("t1", id, { version: 4, actor: "ann", outcome: "fixed" as never }, policy, at(40))).rejects.toMatchObject({ code: "invalid_case_update", details: { field: "outcome" } });
    const closed = await repo.update("t1", id, { version: 4, actor: "ann", state: "closed", rootCause: "slow_delivery", outcome: "recovered" }, policy, at(50));
    expect(closed.case).toMatchObject({ state: "closed", rootCause: "slow_delivery", outcome: "recovered", closedAt: at(50).toISOString(), resolvedAt: at(30).toISOString(), version: 5 });
    const reopened = await repo.update("t1", id, { version: 5, actor: "bob", state: "in_progress", note: "customer wrote again" }, policy, at(100));
    expect(reopened.case).toMatchObject({ state: "in_progress", reopenCount: 1, resolvedAt: null, closedAt: null, resolutionDue: new Date(at(100).getTime() + 3_600_000).toISOString() });
    const h = await repo.history("t1", id);
    expect(h.map((x) => [x.version, x.actor, x.action])).toEqual([
      [1, "system:worker", "created"],
      [2, "ann", "note"],
      [3, "ann", "updated"],
      [4, "ann", "updated"],
      [5, "ann", "updated"],
      [6, "bob", "reopened"],
    ]);
    expect(h[1]?.note).toBe("called the customer");
    expect(h[4]?.changes).toMatchObject({ state: ["resolved", "closed"], rootCause: [null, "slow_delivery"], outcome: [null, "recovered"] });
  });

  it("lists with filters and paging; overdue and breaching-soon queues", async () => {
    const all = await repo.list("t1", {}, { limit: 3, offset: 0 }, now);
    const rest = await repo.list("t1", {}, { limit: 50, offset: 3 }, now);
    expect(all.cases).toHaveLength(3);
    expect(all.total).toBe(all.cases.length + rest.cases.length);
    expect(new Set([...all.cases, ...rest.cases].map((c) => c.id)).size).toBe(all.total);
    const bob = await repo.list("t1", { owner: ["bob"], state: ["open"] }, { limit: 50, offset: 0 }, now);
    expect(bob.cases.every((c) => c.owner === "bob" && c.state === "open")).toBe(true);
    expect(bob.total).toBeGreaterThan(0);
    // Two minutes on, every still-unanswered case has missed its 60 s first response.
    const later = new Date(now.getTime() + 120_000);
    const overdue = await repo.list("t1", { due: "overdue" }, { limit: 50, offset: 0 }, later);
    const { rows } = await t.store.query<{ n: number }>(
      "SELECT count(*) AS n FROM cases WHERE tenant_id = 't1' AND state IN ('open','in_progress','waiting_customer') AND (first_response_at IS NULL AND first_response_due < $1 OR resolution_due < $1)",
      [later],
    );
    expect(overdue.total).toBe(rows[0]?.n);
    expect(overdue.total).toBeGreaterThan(0);
    const soon = await repo.list("t1", { due: "soon", dueWithinSeconds: 90 }, { limit: 50, offset: 0 }, now);
    expect(soon.cases.every((c) => c.firstResponseAt === null && new Date(c.firstResponseDue).getTime() - now.getTime() <= 90_000)).toBe(true);
    expect(soon.total).toBeGreaterThan(0);
  });
});

describe("SLA timers (BullMQ, real Redis) and escalation", () => {
  let t: TestStore;
  let repo: CaseRepository;
  let queue: Queue<SlaJobData>;
  const prefix = `sla-test-${randomUUID().slice(0, 8)}`;
  const queues = createQueueFactory({ redis: { url: stack.REDIS_URL }, prefix });
  const short = CasePolicy.parse({
    teams: { care: { members: ["ann"], lead: "lea", escalationTeam: "escalations" } },
    defaultTeam: "care",
    sla: { high: { firstResponseSeconds: 1, resolutionSeconds: 2 } },
    escalationWebhook: "http://127.0.0.1:9/hook",
  });
  beforeAll(async () => {
    t = await openTestStore("embedded");
    repo = createCaseRepository(t.store);
    queue = queues.queue<SlaJobData>("sla");
  });
  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await t?.dispose();
  });

  it("escalates a breach once, and not at all when the case is resolved in time", async () => {
    const registry = createMetricsRegistry("t", { defaults: false });
    const metrics = createCaseMetrics(registry);
    const posted: unknown[] = [];
    const hooks = queues.queue<FollowUpJobData>("sla");
    const process = createSlaProcessor({ repo, policyOf: () => short, metrics, logger: silentLogger, queue: hooks, post: (_url, body) => Promise.resolve(void posted.push(body)) });
    const worker = queues.worker<FollowUpJobData>("sla", (job, token) => process(job, token));
    const timers = createSlaTimers(queue);
    try {
      const start = new Date();
      const [late] = await repo.open(draftsOf("t1", survey("late", 1)), () => short, start);
      const [onTime] = await repo.open(draftsOf("t1", survey("ontime", 1)), () => short, start);
      await timers.sync(late!.case);
      await timers.sync(onTime!.case);
      // Syncing again changes nothing: the ids exist, nothing is added twice.
      await timers.sync(late!.case);
      expect((await queue.getDelayed()).map((j) => j.id).sort()).toEqual(
        [slaJobId(late!.case.id, "first_response"), slaJobId(late!.case.id, "resolution"), slaJobId(onTime!.case.id, "first_response"), slaJobId(onTime!.case.id, "resolution")].sort(),
      );
      // The on-time case is answered and resolved well inside its SLA: its timers go.
      let c = (await repo.update("t1", onTime!.case.id, { version: 1, actor: "ann", state: "in_progress" }, short, new Date())).case;
      await timers.sync(c);
      c = (await repo.update("t1", c.id, { version: 2, actor: "ann", state: "resolved" }, short, new Date())).case;
      await timers.sync(c);
      expect(await queue.getJob(slaJobId(c.id, "first_response"))).toBeUndefined();
      expect(await queue.getJob(slaJobId(c.id, "resolution"))).toBeUndefined();

      // Wait past both deadlines of the late case.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const l = await repo.get("t1", late!.case.id);
        if (l.firstResponseBreachedAt && l.resolutionBreachedAt && posted.length === 2 && (await queue.getDelayed()).length === 0 && (await queue.getActiveCount()) === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // Fire the late case's processor again by hand (a retried or duplicated timer): no second escalation.
      const again = await process({ name: "first_response", data: { tenant: "t1", caseId: late!.case.id, kind: "first_response", due: 0 } } as never);
      expect(again).toBe("nothing");
      // It re-queued the breach's webhook under the breach's id (a crash before it was queued): the kept job made that nothing.
      await new Promise((r) => setTimeout(r, 500));

      const l = await repo.get("t1", late!.case.id);
      expect(l.firstResponseBreachedAt).not.toBeNull();
      expect(l.resolutionBreachedAt).not.toBeNull();
      expect(l.team).toBe("escalations");
      const breaches = await registry.getSingleMetricAsString("pulse_case_sla_breaches_total");
      expect(breaches).toContain('pulse_case_sla_breaches_total{kind="first_response",trigger="nps_detractor",service="t"} 1');
      expect(breaches).toContain('pulse_case_sla_breaches_total{kind="resolution",trigger="nps_detractor",service="t"} 1');
      expect(posted).toHaveLength(2);
      expect(posted[0]).toMatchObject({ type: "case.sla_breached", tenant: "t1", kind: "first_response", lead: "lea", escalatedTo: "escalations" });
      const h = await repo.history("t1", late!.case.id);
      expect(h.filter((x) => x.action === "escalated")).toHaveLength(2);
      const ok = await repo.get("t1", onTime!.case.id);
      expect(ok.firstResponseBreachedAt).toBeNull();
      expect(ok.resolutionBreachedAt).toBeNull();
      expect((await repo.history("t1", ok.id)).some((x) => x.action === "escalated")).toBe(false);
    } finally {
      await worker.close();
      await hooks.close();
    }
  });

  it("delivers an escalation webhook through a retry queue: a receiver that fails first gets exactly one delivery, signed; one that always fails dead-letters", async () => {
    // A real HTTP receiver: per idempotency key, the first request fails (503), later ones are accepted.
    const seen: { path: string; key: string; status: number; body: string; ts: string; sig: string }[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const key = String(req.headers["x-pulse-idempotency-key"]);
        const path = req.url ?? "";
        const status = path === "/down" || !seen.some((s) => s.key === key) ? 503 : 200;
        seen.push({ path, key, status, body, ts: String(req.headers["x-pulse-timestamp"]), sig: String(req.headers["x-pulse-signature"]) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const secret = "a-secret-of-sixteen-plus";
    const up = CasePolicy.parse({ ...short, sla: { high: { firstResponseSeconds: 1, resolutionSeconds: 3600 } }, escalationWebhook: `${base}/up` });
    const down = CasePolicy.parse({ ...up, escalationWebhook: `${base}/down` });
    const registry = createMetricsRegistry("w", { defaults: false });
    const metrics = createCaseMetrics(registry);
    const name = `sla-hooks-${randomUUID().slice(0, 8)}`;
    const hooks = queues.queue<FollowUpJobData>(name);
    const timers = createSlaTimers(queues.queue<SlaJobData>(name));
    const process = createSlaProcessor({
      repo,
      policyOf: (tenant) => (tenant === "t-down" ? down : up),
      metrics,
      logger: silentLogger,
      queue: hooks,
      webhookSecret: secret,
      webhookAttempts: 3,
      webhookBackoffMs: 100,
    });
    const worker = queues.worker<FollowUpJobData>(name, (job, token) => process(job, token));
    try {
      const start = new Date();
      const [a] = await repo.open(draftsOf("t-up", survey("hook-up", 1)), () => up, start);
      const [b] = await repo.open(draftsOf("t-down", survey("hook-down", 1)), () => down, start);
      await timers.sync(a!.case);
      await timers.sync(b!.case);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (seen.filter((s) => s.status === 200).length < 1 || seen.filter((s) => s.path === "/down").length < 3)) await new Promise((r) => setTimeout(r, 100));
      const breached = await repo.get("t-up", a!.case.id);
      const id = escalationJobId(breached.id, "first_response", breached.firstResponseBreachedAt!);
      // The timer again (a crash between the breach and the webhook, or a duplicate): same id, nothing new.
      expect(await process({ name: "first_response", data: { tenant: "t-up", caseId: breached.id, kind: "first_response", due: 0 } } as never)).toBe("nothing");
      await new Promise((r) => setTimeout(r, 1000));

      const ups = seen.filter((s) => s.path === "/up");
      expect(ups.map((s) => [s.key, s.status])).toEqual([
        [id, 503],
        [id, 200],
      ]);
      const delivered = ups[1]!;
      expect(delivered.sig).toBe(`v1=${webhookSignature(secret, delivered.ts, delivered.body)}`);
      expect(JSON.parse(delivered.body)).toMatchObject({ type: "case.sla_breached", tenant: "t-up", kind: "first_response", lead: "lea", escalatedTo: "escalations", case: { id: breached.id } });
      expect(await (await hooks.getJob(id))?.getState()).toBe("completed");

      // Always failing: three attempts, then the job stays in the failed set (the dead letters), counted.
      const downs = seen.filter((s) => s.path === "/down");
      expect(downs).toHaveLength(3);
      const failed = await hooks.getFailed();
      expect(failed.map((j) => j.id)).toEqual([downs[0]!.key]);
      expect(failed[0]!.attemptsMade).toBe(3);
      expect(await registry.getSingleMetricAsString("pulse_case_escalation_webhook_failures_total")).toContain("pulse_case_escalation_webhook_failures_total{service=\"w\"} 1");
      const attempts = await registry.getSingleMetricAsString("pulse_case_escalation_webhook_attempts_total");
      expect(attempts).toContain('result="delivered",service="w"} 1');
      expect(attempts).toContain('result="retry",service="w"} 3');
      expect(attempts).toContain('result="dead_letter",service="w"} 1');
    } finally {
      await worker.close();
      await hooks.obliterate({ force: true }).catch(() => undefined);
      await hooks.close();
      await new Promise((r) => server.close(r));
    }
  });

  it("a deadline moved by a reopen re-times the existing job in place", async () => {
    const long = CasePolicy.parse({ defaultTeam: "care", sla: { high: { firstResponseSeconds: 600, resolutionSeconds: 3600 } } });
    const timers = createSlaTimers(queue);
    const [r] = await repo.open(draftsOf("t9", survey("moved", 1)), () => long, new Date());
    await timers.sync(r!.case);
    const before = await queue.getJob(slaJobId(r!.case.id, "resolution"));
    let c = (await repo.update("t9", r!.case.id, { version: 1, actor: "ann", state: "resolved" }, long, new Date())).case;
    await timers.sync(c);
    expect(await queue.getJob(slaJobId(c.id, "resolution"))).toBeUndefined();
    await new Promise((res) => setTimeout(res, 20));
    c = (await repo.update("t9", c.id, { version: 2, actor: "ann", state: "in_progress" }, long, new Date())).case;
    await timers.sync(c);
    const after = await queue.getJob(slaJobId(c.id, "resolution"));
    expect(after?.data.due).toBe(new Date(c.resolutionDue).getTime());
    expect(after?.data.due).toBeGreaterThan(before!.data.due);
    // Moving the deadline of a waiting job keeps the same job (same id, same creation).
    await t.store.query("UPDATE cases SET resolution_due = resolution_due + interval '1 hour' WHERE id = $1", [c.id]);
    const moved = await repo.get("t9", c.id);
    await timers.sync(moved);
    const job = await queue.getJob(slaJobId(c.id, "resolution"));
    expect(job?.timestamp).toBe(after?.timestamp);
    expect(job?.data.due).toBe(new Date(moved.resolutionDue).getTime());
    expect(await job?.getState()).toBe("delayed");
  });
});
