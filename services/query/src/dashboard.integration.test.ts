/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the query
 * service on loopback and real chDB. Sees a touchpoint's score move when events arrive (over the
 * SSE stream, no reload), switches metric and grain, drills down by keyboard, saves a screenshot.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { ClickHouse, Writer } from "@pulse/clickhouse";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { createQueryApp, type QueryApp } from "./app";
import { parseCatalogue } from "./catalogue";
import { ARTIFACTS, openBrowser } from "./browser.test-helper";
import { generateDataset, insertDataset, openTestDb, type RawEvent } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const TOKEN = "acme-dashboard-token-01";

let ch: ClickHouse;
let writer: Writer;
let app: QueryApp;
let browser: Browser;
let page: Page;
let base: string;
let pageErrors: string[] = [];

beforeAll(async () => {
  const db = await openTestDb();
  ch = db.ch;
  writer = db.writer;
  await insertDataset(writer, generateDataset("acme", Date.now(), 31, 0.5));
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-dashboard-test", { defaults: false }),
    tokens: parseTokenSpec(`${TOKEN}=acme`),
    targets: parseCatalogue(
      JSON.stringify({
        version: 1,
        // Stage order along the journey: purchase, support, onboarding (not alphabetical).
        touchpoints: {
          kiosk: { journeyStage: "purchase" },
          ivr: { journeyStage: "support", targets: { nps: 20, csatTop2: 70 } },
          chat: { journeyStage: "support", targets: { nps: -80 } },
          store: { journeyStage: "onboarding" },
        },
      }),
    ),
    streamIntervalMs: 1000,
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
  ({ browser, page, pageErrors } = await openBrowser());
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ch?.close();
});

const npsText = () => page.locator('[data-touchpoint="ivr"] [data-testid="headline-value"]').textContent();

describe("dashboard", () => {
  it("shows live scores that change when new events arrive, switches metric and grain, drills down, and saves a screenshot", async () => {
    await page.goto(`${base}/?token=${TOKEN}`);
    // The token moved to localStorage and out of the address bar.
    await page.waitForFunction("!location.search.includes('token')");
    expect(await page.evaluate("localStorage.getItem('pulse.readToken')")).toBe(TOKEN);

    await page.locator('[data-touchpoint="ivr"] [data-testid="headline-value"]').waitFor();
    await page.waitForFunction("document.querySelector('#status')?.classList.contains('live')");
    const before = await npsText();
    const label = await page.locator('[data-touchpoint="ivr"]').getAttribute("aria-label");
    expect(label).toMatch(/^ivr: NPS -?\d+\.\d, n \d+, (on target|below target|significant miss)$/);
    const nBefore = Number(/n (\d+)/.exec(label ?? "")?.[1]);

    // Twenty promoters at the IVR, now: the card must move without a reload.
    const now = Date.now();
    const promoters: RawEvent[] = Array.from({ length: 20 }, (_, i) => ({
      tenant: "acme",
      id: `dash-${now}-${i}`,
      type: "survey.response",
      at: now,
      touchpoint: "ivr",
      channel: "phone",
      segment: "retail",
      journeyStage: "support",
      customer: `dash-c${i}`,
      nps: 10,
    }));
    await insertDataset(writer, { events: promoters, fcr: [] });
    // Browser-side expression (a string, so this Node-typed file needs no DOM types).
    await page.waitForFunction(
      `/n (\\d+)/.exec(document.querySelector('[data-touchpoint="ivr"]')?.getAttribute("aria-label") ?? "")?.[1] === "${nBefore + 20}"`,
      undefined,
      { timeout: 15_000 },
    );
    const after = await npsText();
    expect(Number(after)).toBeGreaterThan(Number(before));

    // Pain points and the trend chart are drawn (uPlot canvas).
    await page.locator("#pain li").first().waitFor();
    await page.locator('#trend[data-metric="nps"] canvas').waitFor();

    await page.selectOption("#metric", "csatTop2");
    await page.locator('#trend[data-metric="csatTop2"] canvas').waitFor();
    await page.selectOption("#grain", "minute");
    await page.locator('#trend[data-metric="csatTop2"][data-grain="minute"]').waitFor();
    expect(await page.locator("#trend").getAttribute("data-points")).toBe("60");
    await page.selectOption("#window", "24h");
    await page.locator('#trend[data-grain="minute"][data-points="1440"]').waitFor();
    await page.selectOption("#grain", "hour");
    await page.locator('#trend[data-grain="hour"][data-points="24"]').waitFor();

    // Keyboard: focus the IVR card, open its drill-down with Enter, close it with Escape.
    await page.locator('[data-touchpoint="ivr"]').focus();
    await page.keyboard.press("Enter");
    await page.locator("#drill-channel tbody tr").first().waitFor();
    expect(await page.locator("#drill").isVisible()).toBe(true);
    expect(await page.locator("#drill-segment tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator('[data-touchpoint="ivr"]').getAttribute("aria-pressed")).toBe("true");

    // Every card has drawn its sparkline for the new window (cards that appeared with it too).
    await page.waitForFunction("[...document.querySelectorAll('.spark')].every((s) => s.querySelector('canvas'))", undefined, { timeout: 10_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(existsSync(join(ARTIFACTS, "dashboard.png"))).toBe(true);

    await page.keyboard.press("Escape");
    await page.locator("#drill").waitFor({ state: "hidden" });
    expect(pageErrors).toEqual([]);
  });

  it("leads a touchpoint with calls but no survey answers with its wait p90 and abandonment, not an empty NPS", async () => {
    // Forty calls at a call-back line that sends no survey: waits 5, 10, …, 200 s; every fifth abandoned.
    const now = Date.now();
    const calls: RawEvent[] = Array.from({ length: 40 }, (_, i) => ({
      tenant: "acme",
      id: `callback-${now}-${i}`,
      type: "call.completed",
      at: now - (i % 20) * 60_000,
      touchpoint: "callback",
      channel: "phone",
      segment: "retail",
      journeyStage: "support",
      customer: `cb-${i}`,
      wait: 5 * (i + 1),
      abandoned: i % 5 === 4 ? 1 : 0,
    }));
    await insertDataset(writer, { events: calls, fcr: [] });
    // Independent figures: p90 of the answered calls' waits (inverse CDF), the abandoned share.
    const answered = calls.filter((c) => c.abandoned === 0).map((c) => Math.round(c.wait ?? 0)).sort((a, b) => a - b);
    const p90 = answered[Math.ceil(0.9 * answered.length) - 1];
    const abandoned = ((100 * calls.filter((c) => c.abandoned === 1).length) / calls.length).toFixed(1);

    await page.goto(base);
    const card = page.locator('[data-touchpoint="callback"]');
    await page.locator('[data-touchpoint="callback"][data-headline="waitP90"]').waitFor({ timeout: 15_000 });
    expect(await card.locator('[data-testid="headline-value"]').textContent()).toBe(`${p90} s`);
    expect(await card.locator(".ci").textContent()).toContain(`abandoned ${abandoned}% of 40 calls`);
    expect(await card.getAttribute("aria-label")).toBe(`callback: wait p90 ${p90} s, n ${answered.length}, no survey answers, no target`);
    // Surveyed touchpoints keep NPS as their headline.
    expect(await page.locator('[data-touchpoint="ivr"]').getAttribute("data-headline")).toBe("nps");
    await card.screenshot({ path: join(ARTIFACTS, "card-without-surveys.png") });

    // Expectation vs experience on the store card: gaps −2, −1, 0, +1 over eight answers.
    const pairs = Array.from({ length: 8 }, (_, i) => ({ expectation: 3 + (i % 2), experience: 2 + (i % 4) }));
    await writer.insert(
      "feedback_events",
      ["tenant", "event_id", "type", "schema_version", "occurred_at", "received_at", "source", "touchpoint", "touchpoint_raw", "journey_stage", "channel", "customer_id", "segment", "nps", "expectation", "experience"],
      pairs.map((p, i) => {
        const at = new Date(now - i * 1000).toISOString().replace("T", " ").replace("Z", "");
        return ["acme", `gap-${now}-${i}`, "survey.response", 1, at, at, "test", "store", "store", "onboarding", "store", `gap-c${i}`, "retail", 8, p.expectation, p.experience];
      }),
      { dedupToken: `dashboard-gap-${now}` },
    );
    const gaps = pairs.map((p) => p.experience - p.expectation);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const short = gaps.filter((g) => g < 0).length;
    await page.waitForFunction(`document.querySelector('[data-touchpoint="store"] .gap')?.textContent.includes("n ${pairs.length}")`, undefined, { timeout: 15_000 });
    const gapLine = await page.locator('[data-touchpoint="store"] .gap').textContent();
    expect(gapLine).toContain(`expectation gap ${mean > 0 ? "+" : ""}${mean.toFixed(2)} [`);
    expect(gapLine).toContain(`${((100 * short) / gaps.length).toFixed(1)}% fell short`);
    expect(pageErrors).toEqual([]);
  });

  it("shows the journey: stages in catalogue order, a touchpoint's headline moving after new events, drill-down by keyboard", async () => {
    await page.goto(base);
    const journey = page.locator("#journey");
    await page.locator('#journey [data-stage="support"] button[data-journey-touchpoint="ivr"]').waitFor({ timeout: 15_000 });
    // Catalogue stages first in its order; the fixtures' other stages follow.
    const stages = (await journey.getAttribute("data-stages"))?.split(",") ?? [];
    expect(stages.slice(0, 3)).toEqual(["purchase", "support", "onboarding"]);
    expect(await page.locator('#journey [data-stage="purchase"] button[data-journey-touchpoint="kiosk"] [data-testid="journey-headline"]').textContent()).toBe("no data");
    // The line across stages has a point for the support stage (the one with answers in this window).
    expect(await page.locator("#journey-line circle").count()).toBeGreaterThan(0);
    expect(await page.locator("#journey-line").getAttribute("aria-label")).toMatch(/support NPS -?\d/);

    const ivr = page.locator('#journey [data-stage="support"] button[data-journey-touchpoint="ivr"]');
    const before = await ivr.locator('[data-testid="journey-headline"]').textContent();
    // Thirty detractors at the IVR in the support stage, now: its NPS must drop without a reload.
    const now = Date.now();
    const detractors: RawEvent[] = Array.from({ length: 30 }, (_, i) => ({
      tenant: "acme",
      id: `journey-${now}-${i}`,
      type: "survey.response",
      at: now,
      touchpoint: "ivr",
      channel: "phone",
      segment: "retail",
      journeyStage: "support",
      customer: `journey-c${i}`,
      nps: 0,
    }));
    await insertDataset(writer, { events: detractors, fcr: [] });
    await page.waitForFunction(
      `document.querySelector('#journey [data-stage="support"] button[data-journey-touchpoint="ivr"] [data-testid="journey-headline"]')?.textContent !== ${JSON.stringify(before)}`,
      undefined,
      { timeout: 20_000 },
    );
    const after = await ivr.locator('[data-testid="journey-headline"]').textContent();
    expect(Number(after)).toBeLessThan(Number(before));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator("#journey-panel").screenshot({ path: join(ARTIFACTS, "journey.png") });

    // Keyboard: focus the IVR in the journey, Enter opens its drill-down.
    await ivr.focus();
    await page.keyboard.press("Enter");
    await page.locator("#drill-channel tbody tr").first().waitFor();
    expect(await page.locator("#drill-title").textContent()).toBe("Drill-down: ivr");
    expect(await ivr.getAttribute("aria-pressed")).toBe("true");
    await page.screenshot({ path: join(ARTIFACTS, "journey-drill.png"), fullPage: true });
    await page.keyboard.press("Escape");
    await page.locator("#drill").waitFor({ state: "hidden" });
    expect(pageErrors).toEqual([]);
  });
});
