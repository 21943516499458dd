/**
 * The follow-up case queue in a real browser (Debian's Chromium via playwright-core) against the
 * query service, real chDB and an embedded store: a case is worked from the queue to closed with
 * the keyboard, the view shows the customer's recent feedback, a stale save says so, screenshots
 * are saved.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { createCaseRepository, evaluateTriggers, type CaseRepository } from "@pulse/cases";
import { CasePolicy } from "@pulse/catalogue";
import type { ClickHouse } from "@pulse/clickhouse";
import type { FeedbackEvent } from "@pulse/contract";
import { createMetricsRegistry, silentLogger } from "@pulse/kit";
import { openTestStore, type TestStore } from "@pulse/store";
import { createQueryApp, type QueryApp } from "./app";
import { REPO_ROOT, insertDataset, openTestDb } from "./fixtures.test-helper";
import { parseTokenSpec } from "./tokens";

const READ = "acme-cases-read-token-01";
const WRITE = "acme-cases-write-token-01";
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO_ROOT, "services/query/test-artifacts");
const policy = CasePolicy.parse({ teams: { care: { members: ["ann"] } }, defaultTeam: "care" });

let ch: ClickHouse;
let t: TestStore;
let repo: CaseRepository;
let app: QueryApp;
let browser: Browser;
let page: Page;
let base: string;
const pageErrors: string[] = [];

const survey = (id: string, customer: string, nps: number, at: number): FeedbackEvent =>
  ({
    id,
    type: "survey.response",
    occurredAt: new Date(at).toISOString(),
    source: "test",
    touchpoint: "checkout",
    channel: "web",
    customer: { id: customer },
    schemaVersion: 1,
    body: { surveyId: "post", nps, comment: "the courier never came" },
  });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) execFileSync("bash", [join(REPO_ROOT, "scripts/ensure-chromium.sh")], { stdio: "inherit" });
  const db = await openTestDb();
  ch = db.ch;
  t = await openTestStore("embedded");
  repo = createCaseRepository(t.store);
  const now = Date.now();
  // The customer's feedback in ClickHouse, and the case it opened in the store.
  await insertDataset(db.writer, {
    events: [
      { tenant: "acme", id: "fb-1", type: "survey.response", at: now - 120_000, touchpoint: "checkout", channel: "web", segment: "retail", journeyStage: "purchase", customer: "cust-42", nps: 2 },
      { tenant: "acme", id: "fb-0", type: "survey.response", at: now - 86_400_000, touchpoint: "delivery", channel: "web", segment: "retail", journeyStage: "delivery", customer: "cust-42", nps: 5 },
    ],
    fcr: [],
  });
  for (const e of [survey("fb-1", "cust-42", 2, now - 120_000), survey("fb-9", "cust-7", 4, now - 60_000)])
    await repo.open(evaluateTriggers({ tenant: "acme", event: e, touchpoint: "checkout", segment: "retail", topic: "delivery", redactedText: "the courier never came", topics: ["delivery"] }, policy), () => policy, new Date(now - 60_000));
  app = await createQueryApp({
    reader: db.reader,
    logger: silentLogger,
    metrics: createMetricsRegistry("query-cases-dashboard-test", { defaults: false }),
    tokens: parseTokenSpec(`${READ}=acme,${WRITE}=acme:write`),
    cases: { repo, policyOf: () => policy },
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ch?.close();
  await t?.dispose();
});

const caseState = () => page.locator("#case").getAttribute("data-state");

describe("case queue", () => {
  it("works a case from the queue to closed with the keyboard", async () => {
    await page.goto(`${base}/cases`);
    await page.locator("#read-input").fill(READ);
    await page.locator("#write-input").fill(WRITE);
    await page.keyboard.press("Enter");
    await page.locator("#me").fill("ann");
    await page.locator("#me").dispatchEvent("change");
    await page.locator("#team").fill("care");
    await page.locator("#team").dispatchEvent("change");
    await page.locator("#queue tbody tr").nth(1).waitFor();
    expect(await page.locator("#queue tbody tr").count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, "cases-queue.png"), fullPage: true });

    // Keyboard only from here: leave the field, move down the queue, open the customer's case.
    await page.locator("body").focus();
    await page.evaluate("document.activeElement && document.activeElement.blur()");
    await page.keyboard.press("j");
    let focused = await page.evaluate("document.activeElement?.dataset?.caseId ?? null");
    const rows = await page.evaluate<[string, string][]>("[...document.querySelectorAll('#queue tbody tr')].map((r) => [r.dataset.caseId, r.textContent])");
    const target = rows.find(([, text]) => text.includes("cust-42"))?.[0];
    if (focused !== target) {
      await page.keyboard.press("ArrowDown");
      focused = await page.evaluate("document.activeElement?.dataset?.caseId ?? null");
    }
    expect(focused).toBe(target);
    // The queue re-renders (here: "team" changed again): the keyboard stays on the same case.
    await page.evaluate("window.__rowBefore = document.querySelector('#queue tbody tr')");
    await page.locator("#team").dispatchEvent("change");
    await page.waitForFunction("!document.contains(window.__rowBefore)");
    expect(await page.evaluate("document.activeElement?.dataset?.caseId ?? null")).toBe(target);
    await page.keyboard.press("Enter");
    await page.locator("#case:not([hidden])").waitFor();
    expect(await page.locator("#case-recent li").allTextContents()).toEqual([expect.stringContaining("NPS 2"), expect.stringContaining("NPS 5")]);
    expect(await page.locator("#case-evidence").textContent()).toContain("NPS 2");

    // Answer the customer: in progress with a note (the focus is on the state field).
    expect(await page.evaluate("document.activeElement?.id")).toBe("f-state");
    await page.selectOption("#f-state", "in_progress");
    await page.locator("#f-note").fill("Called the customer, courier rebooked");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction("document.querySelector('#case')?.dataset.state === 'in_progress'");

    // Someone else changes the case meanwhile: the next save is refused and says so.
    const id = (await page.locator("#case").getAttribute("data-case-id")) as string;
    const current = await repo.get("acme", id);
    await repo.update("acme", id, { version: current.version, actor: "bob", note: "checked the courier" }, policy, new Date());
    await page.selectOption("#f-state", "resolved");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction("document.querySelector('#case-error')?.textContent.includes('changed this case')");
    expect(await caseState()).toBe("in_progress");

    // Again, on the reloaded case: resolved, then closed with root cause and outcome.
    await page.selectOption("#f-state", "resolved");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction("document.querySelector('#case')?.dataset.state === 'resolved'");
    await page.selectOption("#f-state", "closed");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction("document.querySelector('#case-error')?.textContent.includes('rootCause')");
    await page.locator("#f-root").fill("courier_no_show");
    await page.selectOption("#f-state", "closed");
    await page.selectOption("#f-outcome", "recovered");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction("document.querySelector('#case')?.dataset.state === 'closed'");
    await page.screenshot({ path: join(ARTIFACTS, "cases-closed.png"), fullPage: true });

    const closed = await repo.get("acme", id);
    expect(closed).toMatchObject({ state: "closed", rootCause: "courier_no_show", outcome: "recovered" });
    expect((await repo.history("acme", id)).map((h) => h.actor)).toEqual(["system:worker", "ann", "bob", "ann", "ann"]);

    // Esc goes back to the queue; the closed case has left "my team".
    await page.keyboard.press("Escape");
    await page.waitForFunction("document.querySelector('#case')?.hidden === true");
    await page.waitForFunction("document.querySelectorAll('#queue tbody tr').length === 1");
    expect(pageErrors).toEqual([]);
  });
});
