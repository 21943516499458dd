/**
 * Corrective actions on the dashboard, in a real browser (Debian's Chromium via playwright-core)
 * against the query service with real chDB and the embedded relational store: an action recorded
 * through POST /v1/actions shows as a marker at its start on the trend chart, as a badge on its
 * touchpoint in the journey view and in the actions list. Screenshots in services/query/test-artifacts.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { ClickHouse } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { openTestStore, type TestStore } from "@pulse/store";
import { createQueryApp, type QueryApp } from "./app";
import { createSqlActionStore } from "./actions.store";
import { parseCatalogue } from "./catalogue";
import { ARTIFACTS, openBrowser } from "./browser.test-helper";
import { DAY, HOUR, generateDataset, insertDataset, openTestDb } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const READ = "acme-actions-dash-read-1";
const WRITE = "acme-actions-dash-write1";

let ch: ClickHouse;
let store: TestStore;
let app: QueryApp;
let browser: Browser;
let page: Page;
let base: string;
let pageErrors: string[] = [];

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  await insertDataset(db.writer, generateDataset("acme", Date.now(), 41, 0.5));
  store = await openTestStore("embedded");
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-actions-dashboard-test", { defaults: false }),
    tokens: parseTokenSpec(`${READ}=acme,${WRITE}=acme:write`),
    actions: createSqlActionStore(store.store),
    targets: parseCatalogue(JSON.stringify({ version: 1, touchpoints: { ivr: { journeyStage: "support" }, chat: { journeyStage: "support" }, store: { journeyStage: "onboarding" } } })),
    streamIntervalMs: 1000,
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
  ({ browser, page, pageErrors } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await store?.dispose();
  await ch?.close();
});

describe("actions on the dashboard", () => {
  it("marks an action's start on the trend chart and its touchpoint in the journey view", async () => {
    // Two days ago, on a whole hour: inside the 7-day trend, its after window still open.
    const start = new Date(Math.floor((Date.now() - 2 * DAY) / HOUR) * HOUR).toISOString();
    const res = await app.inject({
      method: "POST",
      url: "/v1/actions",
      headers: { authorization: `Bearer ${WRITE}` },
      payload: { name: "IVR callback offer", what: "Offer a callback after 2 minutes in the queue", owner: "cc-ops", touchpoints: ["ivr"], startDate: start, metric: "nps", expectedDirection: "increase", windowDays: 7 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: string }>().id;

    await page.goto(`${base}/?token=${READ}`);
    // The first (1h) chart first, so its answer cannot land after the 7-day one.
    await page.locator("#trend canvas").waitFor({ timeout: 20_000 });
    await page.selectOption("#window", "7d");
    const marker = page.locator(`#trend .action-marker[data-action-id="${id}"]`);
    await marker.waitFor({ timeout: 20_000 });
    expect(await marker.getAttribute("aria-label")).toMatch(/^Action IVR callback offer on ivr, started .*: too early$/);
    expect(await page.locator("#trend .action-layer").getAttribute("data-markers")).toBe("1");
    // The marker sits where the chart puts the start time: between the plot's left and right edges.
    const box = await marker.boundingBox();
    const plot = await page.locator("#trend .u-over").boundingBox();
    expect(box && plot).toBeTruthy();
    const centre = box!.x + box!.width / 2;
    expect(centre).toBeGreaterThan(plot!.x);
    expect(centre).toBeLessThan(plot!.x + plot!.width);
    // 2 days before the end of a 7-day axis: about 5/7 of the way across.
    expect((centre - plot!.x) / plot!.width).toBeGreaterThan(0.6);
    expect((centre - plot!.x) / plot!.width).toBeLessThan(0.8);

    // The generated data has the IVR in two stages: the badge is on it in each; the support stage's is checked.
    const badge = page.locator('#journey [data-stage="support"] [data-journey-touchpoint="ivr"] [data-testid="journey-action"]');
    await badge.waitFor();
    expect(await badge.textContent()).toBe("▲ action: IVR callback offer — too early");
    expect(await page.locator('#journey [data-journey-touchpoint="chat"] [data-testid="journey-action"]').count()).toBe(0);
    expect(await page.locator(`#actions li[data-action-id="${id}"]`).textContent()).toContain("IVR callback offer");

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator("#trend").screenshot({ path: join(ARTIFACTS, "actions-trend.png") });
    await page.locator("#journey-panel").screenshot({ path: join(ARTIFACTS, "actions-journey.png") });
    await page.screenshot({ path: join(ARTIFACTS, "actions-dashboard.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
