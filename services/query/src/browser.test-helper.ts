/**
 * Test support for the dashboard's browser tests: Debian's Chromium (installed by the project
 * script when missing) driven by playwright-core, one page with a wall-screen viewport whose
 * uncaught errors are collected.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPO_ROOT } from "./fixtures.test-helper";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(REPO_ROOT, "services/query/test-artifacts");

export async function openBrowser(): Promise<{ browser: Browser; page: Page; pageErrors: string[] }> {
  if (!existsSync(CHROMIUM)) execFileSync("bash", [join(REPO_ROOT, "scripts/ensure-chromium.sh")], { stdio: "inherit" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return { browser, page, pageErrors };
}
