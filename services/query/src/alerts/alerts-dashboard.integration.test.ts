/**
 * The dashboard's alerts panel in a real browser (Debian's Chromium via playwright-core) against
 * the query service with real chDB and Redis: a firing alert made by the engine is shown with its
 * evidence, its history row is listed, and an acknowledgement made through the API appears
 * without a reload.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { AlertRule, rulesForTouchpoint } from "@pulse/catalogue";
import type { ClickHouse } from "@pulse/clickhouse";
import { evaluateMinute, tallyOf, type MonitorState, type Notification } from "@pulse/alerting";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createRedis, redisReady, type Redis } from "@pulse/redis";
import { createQueryApp, type QueryApp } from "../app";
import { REPO_ROOT, openTestDb } from "../fixtures.test-helper";
import { parseTokenSpec } from "../tokens";
import { createAlertStore, monitorKey } from "./alert-store";
import { HISTORY_COLUMNS, notificationRow } from "./history";

const TOKEN = "acme-dashboard-alerts-01";
const WRITE = "acme-dashboard-alerts-w1";
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO_ROOT, "services/query/test-artifacts");
const MIN = 60_000;

let ch: ClickHouse;
let redis: Redis;
let app: QueryApp;
let browser: Browser;
let page: Page;
let base: string;
let alertId = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) execFileSync("bash", [join(REPO_ROOT, "scripts/ensure-chromium.sh")], { stdio: "inherit" });
  const db = await openTestDb();
  ch = db.ch;
  redis = createRedis({ url: inject("stack").REDIS_URL, keyPrefix: `pulse-test:alerts-dash:${randomUUID()}:` });
  await redisReady(redis);
  const store = createAlertStore(redis);
  const now = Math.floor(Date.now() / MIN) * MIN;
  const rule = rulesForTouchpoint({ rules: [AlertRule.parse({ id: "nps_target", metric: "nps", kind: "target", minN: 5 })], fdr: 0.1 }, "phone", { nps: 50 })[0]!;
  let state: MonitorState | null = null;
  const notes: Notification[] = [];
  for (let i = 10; i > 0; i--) {
    const r = evaluateMinute({ tenant: "acme", minute: now - i * MIN, fdr: 0.1, monitors: [{ rule, baseline: null, tally: tallyOf({ events: 4, npsN: 4, promoters: 1, detractors: 3 }), state }] });
    state = r.states[0]!;
    notes.push(...r.notifications);
  }
  alertId = state!.alert!.id;
  await store.commit("acme", 0, now - MIN, new Map([[monitorKey(rule.id, "phone"), state!]]), []);
  await db.writer.insert("alerts", HISTORY_COLUMNS, notes.map(notificationRow));
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-alerts-dashboard-test", { defaults: false }),
    tokens: parseTokenSpec(`${TOKEN}=acme,${WRITE}=acme:write`),
    alerts: { store, writer: db.writer },
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  redis?.disconnect();
  await ch?.close();
});

describe("dashboard alerts panel", () => {
  it("shows the active alert with its evidence and its history, and an acknowledgement without reload", async () => {
    await page.goto(`${base}/?token=${TOKEN}`);
    const item = page.locator(`[data-alert-id="${alertId}"]`);
    await item.waitFor({ timeout: 15_000 });
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("firing");
    expect(text).toContain("phone");
    expect(text).toMatch(/-50\.0 \[-?\d+\.\d, -?\d+\.\d\] n=\d+ vs target 50\.0/);
    await page.locator("#alerts-panel summary").click();
    await expect.poll(() => page.locator(`[data-history-alert="${alertId}"]`).count()).toBe(1);
    const ack = await app.inject({ method: "POST", url: `/v1/alerts/${alertId}/ack`, headers: { authorization: `Bearer ${WRITE}` }, payload: { by: "dana@acme" } });
    expect(ack.statusCode).toBe(200);
    await expect.poll(async () => (await item.textContent()) ?? "", { timeout: 15_000 }).toContain("acknowledged by dana@acme");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator("#alerts-panel").screenshot({ path: join(ARTIFACTS, "alerts.png") });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
