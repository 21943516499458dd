/**
 * Webhook delivery through real BullMQ (test-stack Redis) to real local HTTP receivers: one that
 * fails twice then succeeds, one that always fails. Signatures are checked the way a receiver
 * would, with its own HMAC over "<timestamp>.<body>".
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AlertRule, rulesForTouchpoint } from "@pulse/catalogue";
import { evaluateMinute, tallyOf, type MonitorState, type Notification } from "@pulse/alerting";
import { silentLogger } from "@pulse/kit";
import { createQueueFactory, createRedis, redisReady, type Queue, type Redis } from "@pulse/redis";
import { createAlertStore, type AlertStore } from "./alert-store";
import { startWebhookDelivery, webhookBody } from "./webhooks";

type Received = { headers: IncomingHttpHeaders; body: string; status: number };

function receiver(answer: (n: number) => number): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const status = answer(got.length);
      got.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got })));
}

async function until(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SECRET_A = "flaky-receiver-secret-0001";
const SECRET_B = "dead-receiver-secret-00002";
let redis: Redis;
let store: AlertStore;
let queues: ReturnType<typeof createQueueFactory>;
let queue: Queue;
let flaky: Awaited<ReturnType<typeof receiver>>;
let dead: Awaited<ReturnType<typeof receiver>>;
let delivery: { close(): Promise<void> };
let firing: Notification;

beforeAll(async () => {
  const url = inject("stack").REDIS_URL;
  redis = createRedis({ url, keyPrefix: `pulse-test:webhooks:${randomUUID()}:` });
  await redisReady(redis);
  store = createAlertStore(redis);
  queues = createQueueFactory({ redis: { url }, prefix: `pulse-test-webhooks-${randomUUID()}` });
  queue = queues.queue("pulse-alert-notifications");
  flaky = await receiver((n) => (n < 2 ? 503 : 200));
  dead = await receiver(() => 500);
  const rule = rulesForTouchpoint({ rules: [AlertRule.parse({ id: "nps_target", metric: "nps", kind: "target", minN: 5 })], fdr: 0.1 }, "phone", { nps: 50 })[0]!;
  let state: MonitorState | null = null;
  const notes: Notification[] = [];
  for (let i = 0; i < 10; i++) {
    const r = evaluateMinute({ tenant: "acme", minute: Date.UTC(2025, 5, 2, 8, i), fdr: 0.1, monitors: [{ rule, baseline: null, tally: tallyOf({ events: 4, npsN: 4, promoters: 1, detractors: 3 }), state }] });
    state = r.states[0]!;
    notes.push(...r.notifications);
  }
  firing = notes.find((n) => n.type === "firing")!;
  delivery = await startWebhookDelivery({
    queues,
    webhooks: { acme: [{ url: flaky.url, secret: SECRET_A, format: "json" }, { url: dead.url, secret: SECRET_B, format: "slack" }] },
    store,
    logger: silentLogger,
    attempts: 3,
    backoffMs: 50,
  });
});

afterAll(async () => {
  await delivery?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  flaky?.server.close();
  dead?.server.close();
  redis?.disconnect();
});

describe("alert webhooks", () => {
  it("retry a failing receiver with backoff until it accepts, once, signed; dead-letter one that always fails", async () => {
    const jobId = firing.key.replaceAll(":", "_");
    // the evaluator's hand-over, twice (a repeated hand-over after a crash): BullMQ keeps one job
    await queue.add("notify", firing, { jobId });
    await queue.add("notify", firing, { jobId });
    await until(async () => flaky.got.length >= 3 && (await store.deadLetters("acme")).length === 1);
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more arrives
    expect(flaky.got.map((g) => g.status)).toEqual([503, 503, 200]);
    expect(dead.got.map((g) => g.status)).toEqual([500, 500, 500]);
    for (const g of flaky.got) {
      const ts = String(g.headers["x-pulse-timestamp"]);
      const expected = createHmac("sha256", SECRET_A).update(`${ts}.${g.body}`).digest("hex");
      expect(g.headers["x-pulse-signature"]).toBe(`v1=${expected}`);
      expect(g.headers["x-pulse-idempotency-key"]).toBe(firing.key);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    }
    const body = JSON.parse(flaky.got[2]!.body) as { type: string; tenant: string; alert: { id: string; touchpoint: string; evidence: { reference: unknown } } };
    expect(body).toMatchObject({ type: "firing", tenant: "acme", alert: { id: firing.alert.id, touchpoint: "phone", evidence: { reference: { kind: "target", value: 50 } } } });
    expect(flaky.got[2]!.body).toBe(webhookBody(firing, "json"));
    // Slack-compatible payload to the second receiver, signed with its own secret
    const slack = JSON.parse(dead.got[0]!.body) as { text: string; blocks: unknown[] };
    expect(slack.text).toMatch(/FIRING warning: nps target at phone — -50\.0 \(n=\d+, 95% \[/);
    expect(slack.blocks).toHaveLength(2);
    expect(dead.got[0]!.headers["x-pulse-signature"]).toBe(`v1=${createHmac("sha256", SECRET_B).update(`${String(dead.got[0]!.headers["x-pulse-timestamp"])}.${dead.got[0]!.body}`).digest("hex")}`);
    // dead-lettered: listed for the tenant and kept in BullMQ's failed set
    const [dl] = await store.deadLetters("acme");
    expect(dl).toMatchObject({ key: `${jobId}_w1`, url: dead.url, attempts: 3, error: "webhook 127.0.0.1:" + new URL(dead.url).port + " answered 500" });
    const failed = await queue.getJobs(["failed"]);
    expect(failed.map((j) => j.id)).toEqual([`${jobId}_w1`]);
    const done = await queue.getJobs(["completed"]);
    expect(done.map((j) => j.id).sort()).toEqual([jobId, `${jobId}_w0`].sort());
  }, 60_000);
});
