/**
 * scripts/bootstrap.sh is sourced by people too (the READMEs say `source scripts/bootstrap.sh` to
 * get the pinned pnpm on PATH). Sourcing it must leave the caller's shell as it was but for PATH:
 * no errexit/nounset/pipefail left behind (a later failing command would close their terminal).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function inBash(script: string): string {
  return execFileSync("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, PULSE_SKIP_INSTALL: "1" }, encoding: "utf8" });
}

// Each case starts bash (and pnpm): seconds on a loaded 2-core machine, so a generous limit.
describe("source scripts/bootstrap.sh", { timeout: 60_000 }, () => {
  it("puts the pinned pnpm on PATH", () => {
    const version = inBash("source scripts/bootstrap.sh >/dev/null 2>&1; pnpm --version").trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("leaves the caller's shell options alone: a failing command afterwards does not end the shell", () => {
    const out = inBash("source scripts/bootstrap.sh >/dev/null 2>&1; false; echo alive; echo \"opts=$-\"; set -o | grep pipefail; echo \"${UNSET_VARIABLE_FOR_TEST:-default}\"");
    expect(out).toContain("alive");
    expect(out).not.toMatch(/opts=\S*[eu]/);
    expect(out).toMatch(/pipefail\s+off/);
    expect(out).toContain("default");
  });

  it("keeps a caller's own strict mode (./pulse and scripts/test.sh set it themselves)", () => {
    const out = inBash("set -euo pipefail; source scripts/bootstrap.sh >/dev/null 2>&1; echo \"opts=$-\"; set -o | grep pipefail");
    expect(out).toMatch(/opts=\S*e/);
    expect(out).toMatch(/pipefail\s+on/);
  });
});
